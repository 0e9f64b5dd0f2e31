"""Two browsers type into the same page at once: same text, the other's cursor label shown."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]
EDIT = "/s/cooperer-sur-le-territoire-accompagnement-dla/p/bienvenue/modifier"
TEXT = "window.cercleEditor && window.cercleEditor.ytext.toString()"  # CSP: no eval, use "() =>"


def test_two_people_type_at_once(browser: Browser, live_server: str, screenshot_dir) -> None:
    errors: list[str] = []
    pages = []
    for role in ("animateur·rice", "participant·e"):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        sign_in(page, live_server, role)
        page.goto(live_server + EDIT)
        expect(page.locator("[data-live-status]")).to_have_text("en ligne")
        pages.append(page)
    camille, sami = pages
    expect(camille.locator("[data-live-presence]")).to_contain_text("2 personnes sur cette page")
    camille.locator(".cm-content").click()
    camille.keyboard.press("Control+Home")
    sami.locator(".cm-content").click()
    sami.keyboard.press("Control+End")
    camille.keyboard.type("Météo d'arrivée : ", delay=15)
    sami.keyboard.type("\nNoël à la coopérative ✓", delay=15)
    for page in pages:
        page.wait_for_function(f"() => ({TEXT}).includes('Noël à la coopérative ✓')")
        page.wait_for_function(f'() => ({TEXT}).startsWith("Météo d\'arrivée : ")')
    assert camille.evaluate(f"() => {TEXT}") == sami.evaluate(f"() => {TEXT}")
    expect(camille.locator(".cm-ySelectionInfo")).to_contain_text("Sami Benali")
    expect(sami.locator(".cm-ySelectionInfo")).to_contain_text("Camille Martin")
    expect(camille.locator("[data-live-preview]")).to_contain_text("Noël à la coopérative")
    camille.screenshot(path=str(screenshot_dir / "live-two-editors.png"))
    sami.set_viewport_size({"width": 390, "height": 844})
    sami.get_by_role("button", name="Aperçu").click()
    expect(sami.locator("[data-live-preview]")).to_be_visible()
    sami.screenshot(path=str(screenshot_dir / "live-phone-preview.png"), full_page=True)
    # the page view reads the live text (written back within a second), without saving
    viewer = camille.context.new_page()
    viewer.goto(live_server + EDIT.replace("/modifier", ""))
    expect(viewer.locator(".markdown-body")).to_contain_text("Noël à la coopérative")
    assert errors == []
