"""One's account and the space's news: display name and colour, French ↔ English, the
recent changes page and its Atom feed."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from playwright.sync_api import Page, expect

from .conftest import collect_errors, sign_in

pytestmark = pytest.mark.browser

SPACE = "/s/cooperer-sur-le-territoire-accompagnement-dla"
ATOM = "{http://www.w3.org/2005/Atom}"


def test_profile_name_and_colour(page: Page, live_server: str, screenshot_dir) -> None:
    errors = collect_errors(page)
    sign_in(page, live_server, "participant·e")
    page.get_by_role("link", name="Sami Benali").click()
    expect(page.get_by_role("heading", name="Mon profil")).to_be_visible()
    page.get_by_label("Nom affiché").fill("Sami B. (Coop'Énergie)")
    page.get_by_label("Ma couleur").fill("#2e7d46")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Profil enregistré.")).to_be_visible()
    expect(page.get_by_label("Nom affiché")).to_have_value("Sami B. (Coop'Énergie)")
    expect(page.get_by_label("Ma couleur")).to_have_value("#2e7d46")
    chip = page.get_by_role("navigation", name="Compte").get_by_role(
        "link", name="Sami B. (Coop'Énergie)"
    )
    expect(chip.locator(".dot")).to_have_css("background-color", "rgb(46, 125, 70)")
    page.screenshot(path=str(screenshot_dir / "profile.png"), full_page=True)

    # the new name signs what the person writes from now on
    page.goto(f"{live_server}{SPACE}/nouvelle-page")
    page.get_by_label("Titre", exact=True).fill("Nos attentes")
    page.get_by_role("button", name="Créer la page").click()  # then its live editor
    page.get_by_label("Texte").fill("Mieux connaître les statuts.")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("link", name="Modifications récentes").click()
    expect(page.locator(".change").first).to_contain_text("Nos attentes — Sami B. (Coop'Énergie)")

    # an empty name is refused with a message, and nothing changes
    page.goto(f"{live_server}/profil")
    page.get_by_label("Nom affiché").fill("   ")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".flash-error")).to_be_visible()
    expect(page.locator(".flash-error")).not_to_be_empty()
    page.goto(f"{live_server}/profil")
    expect(page.get_by_label("Nom affiché")).to_have_value("Sami B. (Coop'Énergie)")
    assert errors == []


def test_language_switch_to_english_and_back(page: Page, live_server: str, screenshot_dir) -> None:
    errors = collect_errors(page)
    sign_in(page, live_server)
    page.goto(f"{live_server}{SPACE}/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.get_by_role("button", name="English").click()

    # same page, now in English
    expect(page).to_have_url(f"{live_server}{SPACE}/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name="New page")).to_be_visible()
    expect(page.get_by_role("heading", name="Latest changes")).to_be_visible()
    space_nav = page.get_by_role("navigation", name="Space navigation")
    expect(space_nav.get_by_role("link")).to_have_text(["Home", "Resources", "Recent changes"])
    page.screenshot(path=str(screenshot_dir / "english-home.png"), full_page=True)

    # it sticks while moving around
    space_nav.get_by_role("link", name="Resources").click()
    expect(page.get_by_role("link", name="Add a resource")).to_be_visible()
    expect(page.get_by_text("Added by Camille Martin").first).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "english-resources.png"), full_page=True)

    page.get_by_role("button", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("link", name="Ajouter une ressource")).to_be_visible()
    expect(page.get_by_role("button", name="English")).to_be_visible()
    assert errors == []


def test_recent_changes_and_atom_feed(page: Page, live_server: str, screenshot_dir) -> None:
    errors = collect_errors(page)
    base = live_server + SPACE
    sign_in(page, live_server)
    page.goto(f"{base}/")
    page.get_by_role("navigation", name="Navigation de l’espace").get_by_role(
        "link", name="Modifications récentes"
    ).click()
    expect(page.get_by_role("heading", level=1, name="Modifications récentes")).to_be_visible()
    # the demo's other sheets and questionnaires are written after it: found by its words
    latest = page.locator(".change").filter(has_text="Cartographie des coopérations — Sami").first
    expect(latest).to_contain_text("Cartographie des coopérations — Sami Benali")
    expect(latest).to_contain_text("« Ajout d'une attente »")
    page.screenshot(path=str(screenshot_dir / "recent-changes.png"), full_page=True)
    latest.get_by_role("link", name="voir les changements").click()
    expect(page.locator(".diff ins")).to_contain_text("Construire une réponse commune")

    page.go_back()
    feed_link = page.get_by_role("link", name="Flux Atom")
    href = feed_link.get_attribute("href")
    assert href == f"{SPACE}/modifications.atom"
    alternate = page.locator('link[rel=alternate][type="application/atom+xml"]')
    assert alternate.get_attribute("href") == href
    response = page.request.get(live_server + href)
    assert response.ok
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.body())
    assert feed.findtext(f"{ATOM}title") == (
        "Coopérer sur le territoire — accompagnement DLA — Modifications récentes"
    )
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) >= 8  # every page of the demo, one of them edited once
    title = "Cartographie des coopérations (version 2)"
    [first] = [e for e in entries if e.findtext(f"{ATOM}title") == title]
    assert first.findtext(f"{ATOM}author/{ATOM}name") == "Sami Benali"
    assert first.findtext(f"{ATOM}summary") == "Ajout d'une attente"
    entry_url = first.find(f"{ATOM}link").get("href")
    assert re.fullmatch(rf"{re.escape(base)}/p/cartographie-des-cooperations/versions/2", entry_url)
    page.goto(entry_url)
    expect(page.locator(".markdown-body")).to_contain_text("Construire une réponse commune")
    assert errors == []
