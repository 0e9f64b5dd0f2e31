"""The live mind map in Chromium: it follows the outline typed elsewhere, its node actions
edit the outline for everyone, a reader sees it without actions; exports, phone, projector.
One server for the module (the tests write different ideas, so they do not meet)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import serve, sign_in

pytestmark = pytest.mark.browser
SPACE = "/s/cooperer-sur-le-territoire-accompagnement-dla"
MAP = SPACE + "/p/cartographie-des-cooperations"
TEXT = "() => window.cercleEditor.ytext.toString()"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[str]:
    with serve(tmp_path_factory.mktemp("mindmap")) as url:
        yield url


def watch(page: Page, errors: list[str]) -> None:
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)


def open_map(browser: Browser, site: str, role: str, errors: list[str], **size) -> Page:
    context = browser.new_context(
        viewport=size or {"width": 1280, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    watch(page, errors)
    sign_in(page, site, role)
    page.goto(site + MAP)
    page.wait_for_selector("[data-mindmap].is-live[data-renders]")
    return page


def node_on_map(page: Page, words: str):
    return page.locator("[data-mindmap-svg] .markmap-foreign", has_text=words)


def idea(page: Page, words: str):
    return page.locator("[data-mindmap-list]").get_by_role("button", name=words, exact=True)


def settled(page: Page) -> None:
    """No transition runs on the map (d3 keeps a node's running ones in __transition)."""
    page.wait_for_function(
        "() => { const svg = document.querySelector('[data-mindmap-svg]');"
        " return ![svg, ...svg.querySelectorAll('*')].some((n) => n.__transition) }"
    )


def wait_text(page: Page, condition: str) -> None:
    page.wait_for_function(f"() => {{ const t = ({TEXT})(); return {condition} }}")


def test_map_follows_the_outline_and_its_actions_edit_it(
    browser: Browser, site: str, screenshot_dir: Path
) -> None:
    errors: list[str] = []
    camille = open_map(browser, site, "animateur·rice", errors)
    sami = open_map(browser, site, "participant·e", errors)
    expect(node_on_map(camille, "Groupement d'achat")).to_be_visible()
    # the server's picture is the same map (no JavaScript needed), kept behind the live one
    assert "Groupement d'achat" in camille.locator(".mindmap-fallback svg").text_content()

    # Sami types in the outline: Camille's map grows without a reload
    sami.locator(".cm-content").click()
    sami.keyboard.press("Control+End")
    sami.keyboard.type("- Une idée de Sami", delay=10)
    expect(node_on_map(camille, "Une idée de Sami")).to_be_visible()
    expect(idea(camille, "Une idée de Sami")).to_be_visible()

    # "ajouter une idée" under "Freins", with the mouse
    idea(camille, "Freins").click()
    expect(camille.locator("[data-mindmap-chosen]")).to_have_text("Freins")
    camille.get_by_label("Texte", exact=True).fill("Manque de bénévoles")
    camille.get_by_role("button", name="Ajouter une idée").click()
    wait_text(sami, "t.includes('- Peur de perdre son identité\\n  - Manque de bénévoles\\n')")
    expect(node_on_map(sami, "Manque de bénévoles")).to_be_visible()

    # "renommer" with the keyboard: F2 on the idea, new words, Enter
    idea(camille, "Groupement d'achat").focus()
    camille.keyboard.press("F2")
    expect(camille.get_by_label("Texte", exact=True)).to_be_focused()
    expect(camille.get_by_label("Texte", exact=True)).to_have_value("Groupement d'achat")
    camille.keyboard.press("End")
    camille.keyboard.type(" local")
    camille.keyboard.press("Enter")
    wait_text(sami, "t.includes('\\n  - Groupement d\\'achat local\\n')")
    expect(node_on_map(sami, "Groupement d'achat local")).to_be_visible()

    # "supprimer" with the keyboard: Delete on the idea
    idea(camille, "Temps disponible").focus()
    camille.keyboard.press("Delete")
    wait_text(sami, "!t.includes('Temps disponible')")
    expect(node_on_map(sami, "Temps disponible")).to_have_count(0)
    assert camille.evaluate(TEXT) == sami.evaluate(TEXT)
    idea(camille, "Freins").click()
    settled(camille)
    camille.screenshot(path=str(screenshot_dir / "mindmap-desktop.png"), full_page=True)

    # folding is one's own view: nodes hide here, not on the other screen
    idea(camille, "Projets à venir").click()
    camille.get_by_role("button", name="Replier", exact=True).click()
    expect(node_on_map(camille, "Tiers-lieu partagé au bourg")).to_have_count(0)
    expect(node_on_map(sami, "Tiers-lieu partagé au bourg")).to_be_visible()
    camille.get_by_role("button", name="Déplier", exact=True).click()
    expect(node_on_map(camille, "Tiers-lieu partagé au bourg")).to_be_visible()
    assert errors == []


def test_a_reader_follows_the_map_without_actions(
    browser: Browser, site: str, screenshot_dir: Path
) -> None:
    errors: list[str] = []
    reader = open_map(browser, site, "lecteur·rice", errors)
    camille = open_map(browser, site, "animateur·rice", errors)
    idea(reader, "Attentes").click()
    expect(reader.locator("[data-mindmap-chosen]")).to_have_text("Attentes")
    for name in ("Ajouter une idée", "Renommer", "Supprimer"):
        expect(reader.locator("[data-mindmap]").get_by_role("button", name=name)).to_have_count(0)
    idea(reader, "Attentes").focus()
    reader.keyboard.press("Delete")  # nothing happens: no action for a reader
    camille.evaluate(  # a change that comes straight through the Yjs document
        "() => { const t = window.cercleEditor.ytext;"
        " t.insert(t.length, '\\n- Écrit par Camille') }"
    )
    expect(node_on_map(reader, "Écrit par Camille")).to_be_visible()
    assert "Attentes" in reader.evaluate(TEXT)
    assert errors == []


def test_exports_phone_and_projector(browser: Browser, site: str, screenshot_dir: Path) -> None:
    errors: list[str] = []
    page = open_map(browser, site, "animateur·rice", errors)
    with page.expect_download() as got:
        page.get_by_role("button", name="Exporter en SVG").click()
    drawing = ET.parse(got.value.path()).getroot()
    texts = [t.text for t in drawing.iter("{http://www.w3.org/2000/svg}text")]
    assert "Cartographie des coopérations" in texts and "Freins" in texts
    assert not list(drawing.iter("{http://www.w3.org/2000/svg}foreignObject"))
    with page.expect_download() as got:
        page.get_by_role("button", name="Exporter en PNG").click()
    assert got.value.suggested_filename == "cartographie-des-cooperations.png"
    assert Path(got.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # the server's SVG at its own address
    response = page.request.get(site + MAP + "/carte.svg")
    assert response.ok and response.headers["content-type"].startswith("image/svg+xml")
    ET.fromstring(response.text())

    page.get_by_role("button", name="Grand texte").click()
    page.get_by_role("button", name="Plein écran").click()
    page.wait_for_function("() => document.fullscreenElement !== null")
    expect(page.get_by_role("button", name="Plein écran")).to_have_attribute("aria-pressed", "true")
    settled(page)
    page.screenshot(path=str(screenshot_dir / "mindmap-fullscreen.png"))
    page.get_by_role("button", name="Plein écran").click()  # the same button leaves it
    page.wait_for_function("() => document.fullscreenElement === null")

    phone = open_map(browser, site, "participant·e", errors, width=390, height=844)
    expect(phone.get_by_role("tab", name="Carte")).to_have_attribute("aria-selected", "true")
    expect(node_on_map(phone, "Freins")).to_be_visible()
    settled(phone)
    phone.screenshot(path=str(screenshot_dir / "mindmap-phone.png"), full_page=True)
    phone.get_by_role("tab", name="Idées").click()
    idea(phone, "Freins").click()
    expect(phone.get_by_role("button", name="Ajouter une idée")).to_be_visible()
    phone.screenshot(path=str(screenshot_dir / "mindmap-phone-ideas.png"))
    phone.get_by_role("tab", name="Texte").click()
    expect(phone.locator(".live-cm")).to_be_visible()
    assert errors == []
