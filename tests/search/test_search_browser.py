"""In Chromium: "/" focuses the box, a suggestion appears while typing, arrows + Enter open
it, and the results page shows highlighted excerpts (desktop and phone screenshots)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import (  # noqa: F401  (fixtures shared with the browser suite)
    browser_type_launch_args,
    live_config,
    live_server,
    screenshot_dir,
    sign_in,
)

pytestmark = pytest.mark.browser


def test_suggestions_and_results(page: Page, live_server: str, screenshot_dir) -> None:  # noqa: F811
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, live_server)
    page.get_by_role("link", name="Coopérer sur le territoire — accompagnement DLA").click()
    page.wait_for_url("**/s/cooperer-sur-le-territoire-accompagnement-dla/")
    page.wait_for_load_state("load")

    page.keyboard.press("/")
    box = page.locator("[data-search-box]")
    expect(box).to_be_focused()
    box.press_sequentially("définitions part", delay=30)
    option = page.get_by_role("option", name="Définitions partagées")
    expect(option).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "search-suggestions.png"))
    box.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    expect(page).to_have_url(
        f"{live_server}/s/cooperer-sur-le-territoire-accompagnement-dla/p/definitions-partagees"
    )

    box = page.locator("[data-search-box]")
    box.fill("cooperation")
    box.press("Enter")
    expect(page.locator(".search-count")).to_contain_text("résultat")
    expect(page.locator(".search-excerpt mark").first).to_be_visible()
    expect(
        page.get_by_role(
            "heading", name="Recherche dans « Coopérer sur le territoire — accompagnement DLA »"
        )
    ).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "search-results.png"), full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.screenshot(path=str(screenshot_dir / "search-results-phone.png"), full_page=True)
    assert errors == []
