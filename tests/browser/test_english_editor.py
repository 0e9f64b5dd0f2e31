"""The live editor speaks English to a person who switched the interface to English: its
words come from the page (data-labels), translated by the server."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]
VIEW = "/s/cooperer-sur-le-territoire-accompagnement-dla/p/bienvenue"


def in_english(browser: Browser, base: str, role: str, errors: list[str]) -> Page:
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, base, role)
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    return page


def test_editor_status_and_presence_in_english(browser: Browser, live_server: str) -> None:
    errors: list[str] = []
    camille = in_english(browser, live_server, "animateur·rice", errors)
    camille.goto(live_server + VIEW + "/modifier")
    expect(camille.locator("[data-live-status]")).to_have_text("online")
    expect(camille.locator("[data-live-presence]")).to_contain_text("1 person on this page")

    reader = in_english(browser, live_server, "lecteur·rice", errors)
    reader.goto(live_server + VIEW)
    expect(reader.locator("[data-live-status]")).to_have_text("online")
    expect(reader.locator("[data-live-presence]")).to_have_text("Editing this page:Camille Martin")
    assert errors == []
