"""Page kinds in Chromium: the picker leads to the live editor of each kind (with the
sections' questions as hints), and the "tableau comparatif" follows a sheet that someone
edits elsewhere, without a reload, on a desktop and on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import sign_in

pytestmark = pytest.mark.browser
SPACE = "/s/cooperer-sur-le-territoire-accompagnement-dla"
TEXT = "() => window.cercleEditor && window.cercleEditor.ytext.toString()"
PHONE = {"width": 390, "height": 844}


def watch(page: Page, errors: list[str]) -> None:
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)


def person(browser: Browser, base: str, role: str, errors: list[str], **size) -> Page:
    page = browser.new_context(viewport=size or {"width": 1280, "height": 900}).new_page()
    watch(page, errors)
    sign_in(page, base, role)
    return page


def in_editor(page: Page) -> str:
    expect(page.locator("[data-live-status]")).to_have_text("en ligne")
    page.wait_for_function("() => window.cercleEditor && window.cercleEditor.connection.synced")
    return page.evaluate(TEXT)


@pytest.mark.parametrize(
    ("label", "title", "heading"),
    [
        ("Page libre", "Notes du matin", None),
        ("Fiche projet", "Fiche projet – Cantine", "Enjeux et motivations"),
        ("Carte mentale", "Nos idées", "Sujet central"),
        ("Tableau Métaplan", "Nos freins", "Question posée au groupe"),
        ("Retour d'expérience", "Un local à trois", "Ce qui a marché"),
    ],
)
def test_picker_leads_to_the_live_editor(browser: Browser, live_server: str, label, title, heading):
    errors: list[str] = []
    page = person(browser, live_server, "participant·e", errors)
    page.goto(live_server + SPACE + "/")
    page.get_by_role("link", name="Nouvelle page").click()
    page.get_by_text(label, exact=True).click()
    page.get_by_label("Titre", exact=True).fill(title)
    page.get_by_role("button", name="Créer la page").click()
    expect(page).to_have_url(f"{live_server}{SPACE}/p/{page.url.split('/p/')[1]}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    if label == "Tableau Métaplan":  # written on its board, whose text the server writes
        assert not page.url.endswith("/modifier")
        expect(page.get_by_role("button", name="Envoyer")).to_be_visible()
        return
    # the mind map is written in its own view, which holds the live editor of its outline
    assert page.url.endswith("/modifier") != (label == "Carte mentale")
    text = in_editor(page)
    assert (heading is None and text == "") or heading in text
    assert "?" not in "".join(line[:1] for line in text.splitlines())  # no question in the text
    assert errors == []


def test_fiche_statut_asks_the_legal_form_and_shows_its_questions(
    browser: Browser, live_server: str, screenshot_dir
):
    errors: list[str] = []
    page = person(browser, live_server, "participant·e", errors)
    page.goto(f"{live_server}{SPACE}/nouvelle-page")
    # choosing the legal form picks "Fiche statut" too
    page.get_by_label("Forme juridique", exact=True).select_option(label="SCOP")
    expect(page.get_by_role("radio", name="Fiche statut")).to_be_checked()
    page.screenshot(path=str(screenshot_dir / "kinds-picker.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(screenshot_dir / "kinds-picker-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Créer la page").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Modifier « Fiche statut – SCOP »")
    text = in_editor(page)
    assert text.startswith("## Forme juridique et textes de référence\n")
    hints = page.locator(".cm-section-hint")
    expect(hints).to_have_count(10)
    expect(hints.nth(1)).to_have_text(
        "À quoi sert cette forme : quel but poursuit-elle, quelles activités permet-elle ?"
    )
    page.screenshot(path=str(screenshot_dir / "kinds-fiche-statut-hints.png"))
    # writing under a heading: that section's question goes, the others stay
    line = page.locator(".cm-line", has_text="Finalité et objet")
    line.click()
    page.keyboard.press("End")
    page.keyboard.type("\nRéunir autour d'un projet.", delay=10)
    expect(hints).to_have_count(9)
    assert "À quoi sert cette forme" not in page.evaluate(TEXT)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".markdown-body")).to_contain_text("Réunir autour d'un projet.")
    expect(page.locator(".markdown-body")).not_to_contain_text("À quoi sert cette forme")
    assert errors == []


def test_comparison_follows_a_remote_edit(browser: Browser, live_server: str, screenshot_dir):
    errors: list[str] = []
    reader = person(browser, live_server, "lecteur·rice", errors)
    reader.goto(f"{live_server}{SPACE}/")
    reader.get_by_role("link", name="Tableau comparatif : Fiche statut (2)").click()
    table = reader.locator(".compare-table")
    expect(table.get_by_role("columnheader")).to_have_text(
        ["Section", "Association loi 1901", "SCIC"]
    )
    expect(table.locator("tbody tr")).to_have_count(10)
    reader.wait_for_function(
        "() => window.cercleComparison && window.cercleComparison.socket.connected"
    )
    row = table.locator(
        "tbody tr", has=reader.get_by_role("rowheader", name="Fiscalité et agréments")
    )
    expect(row.locator("td").nth(1)).to_contain_text("Rien d’écrit pour l’instant")

    writer = person(browser, live_server, "participant·e", errors)
    writer.goto(f"{live_server}{SPACE}/p/scic/modifier")
    in_editor(writer)
    writer.locator(".cm-line", has_text="Fiscalité et agréments").click()
    writer.keyboard.press("End")
    writer.keyboard.type("\nÀ demander à l'URSCOP : quels agréments ?", delay=10)
    expect(row.locator("td").nth(1)).to_contain_text("quels agréments ?", timeout=10_000)
    link = row.locator("td").nth(1).get_by_role("link", name="Voir la section")
    expect(link).to_have_attribute("href", f"{SPACE}/p/scic#fiscalite-et-agrements")
    reader.screenshot(path=str(screenshot_dir / "kinds-comparison-desktop.png"), full_page=True)

    phone = person(browser, live_server, "lecteur·rice", errors, **PHONE)
    phone.goto(f"{live_server}{SPACE}/comparer/fiche_statut")
    position = phone.locator("[data-compare-position]")
    expect(position).to_have_text("Fiche 1 sur 2 : Association loi 1901")
    expect(phone.locator("thead th[data-col='1']")).to_be_hidden()
    phone.get_by_role("button", name="Fiche suivante").click()
    expect(position).to_have_text("Fiche 2 sur 2 : SCIC")
    expect(phone.locator("thead th[data-col='0']")).to_be_hidden()
    expect(phone.locator("tbody")).to_contain_text("quels agréments ?")
    width = phone.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width  # nothing wider than the phone
    phone.screenshot(path=str(screenshot_dir / "kinds-comparison-phone.png"), full_page=True)
    reader.emulate_media(media="print")
    expect(reader.locator("[data-compare-nav]")).to_be_hidden()
    expect(reader.locator(".topbar")).to_be_hidden()
    assert errors == []
