"""The static site opened from disk (file://) in Chromium: a link navigates, the image loads,
the search box finds a page as one types (accents folded), on a desktop and on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.test_accessibility import AXE, axe_violations

from .conftest import SCREENSHOTS, build_site

pytestmark = pytest.mark.browser


def open_site(
    browser: Browser, url: str, problems: list[str], strict: bool = True, **viewport
) -> Page:
    """The page at ``url``; ``problems`` collects script errors and, when ``strict``, console
    errors, failed requests and any request that leaves the disk (axe's own XMLHttpRequest
    for its locale fails on file://: not the site's)."""
    context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900})
    page = context.new_page()
    page.on("pageerror", lambda error: problems.append(str(error)))
    if strict:
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
    page.on(
        "request",
        lambda r: None if r.url.startswith("file://") else problems.append(f"outside: {r.url}"),
    )
    page.goto(url)
    return page


def test_the_site_works_from_disk(browser: Browser, personas, site_sample, tmp_path, database_url):
    site = build_site(site_sample, tmp_path)
    problems: list[str] = []
    page = open_site(browser, (site / "index.html").as_uri(), problems)
    expect(page.get_by_role("heading", level=1)).to_have_text("Coopérer sur le territoire")
    SCREENSHOTS.mkdir(exist_ok=True)
    backend = database_url.split(":", 1)[0].split("+")[0]
    page.screenshot(path=str(SCREENSHOTS / f"site-index-{backend}.png"), full_page=True)

    page.locator(".toc").get_by_role("link", name="Accueil", exact=True).click()
    page.wait_for_url("**/pages/accueil.html")
    image = page.get_by_role("img", name="Plan du site")
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
    assert image.evaluate("img => img.naturalWidth") == 160

    search = page.get_by_label("Rechercher dans le mémoire")
    search.fill("cooperative ASSOCIATION")
    results = page.locator("[data-site-results] a")
    expect(results).to_have_text(["Fiche association", "Tableau comparatif – Fiche statut"])
    expect(page.locator("#site-q-status")).to_have_text("2 pages trouvées")
    page.screenshot(path=str(SCREENSHOTS / f"site-search-{backend}.png"), full_page=True)
    results.last.click()
    page.wait_for_url("**/pages/tableau-comparatif-fiche-statut.html")
    expect(page.locator("table.comparison")).to_contain_text("Une association")

    page.get_by_role("link", name="Nos idées").first.click()
    page.wait_for_url("**/pages/nos-idees.html")
    expect(page.locator(".mind-map svg")).to_be_visible()
    search = page.get_by_label("Rechercher dans le mémoire")
    search.fill("zzz introuvable")
    expect(page.locator("#site-q-status")).to_have_text("Aucune page ne contient ces mots.")
    assert problems == []


def test_the_site_on_a_phone(browser: Browser, personas, site_sample, tmp_path, database_url):
    site = build_site(site_sample, tmp_path)
    problems: list[str] = []
    page = open_site(
        browser, (site / "pages" / "accueil.html").as_uri(), problems, width=390, height=844
    )
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    page.get_by_label("Rechercher dans le mémoire").fill("CONFIANCE")
    expect(page.locator("[data-site-results] a")).to_have_text(["Nos idées"])
    backend = database_url.split(":", 1)[0].split("+")[0]
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"site-phone-{backend}.png"), full_page=True)
    page.goto((site / "pages" / "nos-idees.html").as_uri())
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SCREENSHOTS / f"site-phone-map-{backend}.png"), full_page=True)
    assert problems == []


@pytest.mark.skipif(not AXE.exists(), reason="node_modules absent (npm ci installs axe-core)")
def test_no_axe_violation_in_the_site(browser: Browser, personas, site_sample, tmp_path):
    site = build_site(site_sample, tmp_path)
    problems: list[str] = []
    for name in ("index.html", "pages/accueil.html", "pages/nos-idees.html"):
        for width, height in ((1280, 900), (390, 844)):
            url = (site / name).as_uri()
            page = open_site(browser, url, problems, False, width=width, height=height)
            if name == "pages/accueil.html":
                page.get_by_label("Rechercher dans le mémoire").fill("cooperative")
                page.wait_for_selector("[data-site-results] li")
            assert axe_violations(page) == [], (name, width)
            page.context.close()
    table = site / "pages" / "tableau-comparatif-fiche-statut.html"
    page = open_site(browser, table.as_uri(), problems, False)
    assert axe_violations(page) == []
    assert problems == []
