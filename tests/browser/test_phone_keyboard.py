"""A participant on a phone (390×844): the space home, a page, the resources and a page's
history fit the screen; and with the keyboard alone, Tab reaches the navigation and the
search box with a visible focus ring."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .conftest import collect_errors, sign_in

pytestmark = pytest.mark.browser

SPACE = "/s/cooperer-sur-le-territoire-accompagnement-dla"
PHONE = {"width": 390, "height": 844}


def _fits(page: Page, *controls) -> None:
    """No sideways scrolling, and each control visible and inside the screen width."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"
    for control in controls:
        expect(control).to_be_visible()
        box = control.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], control


def test_phone_screens_fit(page: Page, live_server: str, screenshot_dir) -> None:
    errors = collect_errors(page)
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "participant·e")
    base = live_server + SPACE
    nav = page.get_by_role("navigation", name="Navigation de l’espace")
    search = page.get_by_role("combobox", name="Rechercher dans cet espace")

    def visit(path: str, shot: str) -> None:
        page.goto(base + path)
        page.wait_for_load_state("load")
        page.screenshot(path=str(screenshot_dir / f"{shot}.png"), full_page=True)
        _fits(page, nav.get_by_role("link", name="Modifications récentes"), search)

    visit("/", "phone-home")
    pages_card = page.locator("section.card").filter(has_text="Les pages")
    _fits(page, page.get_by_role("link", name="Nouvelle page"))
    _fits(page, pages_card.get_by_role("link", name="Définitions partagées"))

    visit("/p/programme-de-la-journee", "phone-page")
    _fits(page, page.get_by_role("link", name="Modifier"))
    # the wide table scrolls inside its box instead of widening the page…
    table = page.locator(".markdown-body table")
    _fits(page, table)
    # …and its words stay whole ("Horaire", not "Hor" / "aire")
    lines = table.get_by_role("columnheader", name="Horaire").evaluate(
        "th => { const r = document.createRange(); r.selectNodeContents(th);"
        " return r.getClientRects().length; }"
    )
    assert lines == 1

    visit("/ressources/", "phone-resources")
    _fits(page, page.get_by_role("link", name="Ajouter une ressource"))
    _fits(page, page.get_by_role("link", name="Images"))
    _fits(page, page.locator(".resource-card").first)

    visit("/p/cartographie-des-cooperations/historique", "phone-history")
    _fits(page, page.get_by_role("button", name="Comparer"))
    _fits(page, page.get_by_role("radio", name="Comparer depuis la version 1"))
    assert errors == []


def _tab_to(page: Page, locator, limit: int = 30) -> int:
    """Press Tab until ``locator`` has the focus; how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if locator.evaluate("el => el === document.activeElement"):
            return presses
    raise AssertionError(f"Tab never reached {locator}")


def _assert_focus_ring(locator) -> None:
    outline = locator.evaluate(
        "el => { const s = getComputedStyle(el);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor]; }"
    )
    assert outline[0] != "none" and outline[1] >= 2, outline


def test_keyboard_reaches_navigation_and_search(page: Page, live_server: str, screenshot_dir):
    errors = collect_errors(page)
    sign_in(page, live_server, "participant·e")
    page.goto(f"{live_server}{SPACE}/p/bienvenue")
    page.wait_for_load_state("load")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()

    search = page.get_by_role("combobox", name="Rechercher dans cet espace")
    _tab_to(page, search)
    _assert_focus_ring(search)
    page.screenshot(path=str(screenshot_dir / "keyboard-search-focus.png"))

    nav = page.get_by_role("navigation", name="Navigation de l’espace")
    resources = nav.get_by_role("link", name="Ressources")
    presses = _tab_to(page, resources)
    assert presses < 12, "the space navigation is far down the tab order"
    _assert_focus_ring(resources)
    page.screenshot(path=str(screenshot_dir / "keyboard-nav-focus.png"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server}{SPACE}/ressources/")
    assert errors == []
