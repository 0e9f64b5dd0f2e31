"""A facilitator signs in, creates a page with an accent, edits it and compares two versions."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .conftest import sign_in

pytestmark = pytest.mark.browser


def test_create_edit_compare(page: Page, live_server: str, screenshot_dir) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, live_server)

    page.get_by_role("link", name="Coopérer sur le territoire — accompagnement DLA").click()
    page.get_by_role("link", name="Nouvelle page").click()
    page.get_by_label("Titre", exact=True).fill("Économie coopérative")
    page.get_by_role("button", name="Créer la page").click()  # then its live editor
    page.get_by_label("Texte").fill(
        "# Économie coopérative\n\nLes coopératives partagent le pouvoir."
    )
    page.get_by_role("button", name="Enregistrer").click()

    expect(page).to_have_url(
        f"{live_server}/s/cooperer-sur-le-territoire-accompagnement-dla/p/economie-cooperative"
    )
    expect(page.get_by_role("heading", level=1, name="Économie coopérative").first).to_be_visible()

    page.get_by_role("link", name="Modifier").click()
    page.get_by_label("Texte").fill(
        "# Économie coopérative\n\nLes coopératives partagent le pouvoir et les excédents."
    )
    page.get_by_label("Résumé de la modification (facultatif)").fill("Précision sur les excédents")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".markdown-body")).to_contain_text("et les excédents")

    page.get_by_role("link", name="Historique").click()
    # created from the picker (empty), written in the live editor, then edited
    expect(page.locator("tbody tr")).to_have_count(3)
    page.get_by_role("button", name="Comparer").click()
    expect(page.locator(".diff ins")).to_contain_text("et les excédents")
    expect(page.get_by_text("3 mots ajoutés")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "compare.png"), full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    page.go_back()
    page.goto(page.url.split("/historique")[0] if "/historique" in page.url else page.url)
    page.screenshot(path=str(screenshot_dir / "compare-phone.png"), full_page=True)
    assert errors == []
