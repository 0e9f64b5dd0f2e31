"""The page tree of a page view: the path and neighbours first, the whole tree in place on
"Tout afficher", with the current page still marked and focused; a phone sees the page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from wiki import pages
from wiki.db import db
from wiki.models import Space, User

from .conftest import collect_errors, serve, sign_in

pytestmark = pytest.mark.browser
SPACE = "/s/cooperer-sur-le-territoire-accompagnement-dla"


def _thirty_workshops(_app) -> None:
    space = db.session.scalars(select(Space)).first()
    author = db.session.scalar(select(User).where(User.email == "animation@demo.cercle.test"))
    parent = pages.create_page(author, space, "Ateliers de l’année")
    for n in range(1, 31):
        pages.create_page(
            author, space, f"Atelier {n:02d}", f"Compte rendu {n}.", parent_id=parent.id
        )


@pytest.fixture(scope="module")
def big_space(tmp_path_factory) -> Iterator[str]:
    with serve(tmp_path_factory.mktemp("tree"), prepare=_thirty_workshops) as url:
        yield url


def test_the_tree_shows_the_neighbourhood_then_everything_in_place(
    page: Page, big_space: str, screenshot_dir
) -> None:
    errors = collect_errors(page)
    sign_in(page, big_space, "participant·e")
    page.goto(f"{big_space}{SPACE}/p/atelier-15")
    tree = page.locator("[data-tree]")
    current = tree.locator('a[aria-current="page"]')
    expect(current).to_have_text("Atelier 15")
    expect(tree.get_by_role("link", name="Atelier 07", exact=True)).to_be_visible()
    expect(tree.get_by_role("link", name="Atelier 06", exact=True)).to_have_count(0)
    expect(tree.get_by_role("link", name="… 6 autres pages")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "tree-partial.png"), full_page=True)

    page.get_by_role("link", name="Tout afficher (42 pages)").click()
    expect(tree.get_by_role("link", name="Atelier 01", exact=True)).to_be_visible()
    expect(page.locator("[data-tree] li")).to_have_count(42)
    expect(page.locator('[data-tree] a[aria-current="page"]')).to_be_focused()
    assert page.url.endswith("/p/atelier-15")  # in place, not another page
    page.screenshot(path=str(screenshot_dir / "tree-all.png"), full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{big_space}{SPACE}/p/atelier-15")
    expect(page.get_by_role("heading", level=1, name="Atelier 15")).to_be_in_viewport()
    page.screenshot(path=str(screenshot_dir / "tree-phone.png"))
    assert errors == []


def test_without_script_the_link_opens_the_whole_tree(browser, big_space: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, big_space, "participant·e")
    page.goto(f"{big_space}{SPACE}/p/atelier-15")
    page.get_by_role("link", name="Tout afficher (42 pages)").click()
    expect(page.get_by_role("heading", level=1, name="Toutes les pages")).to_be_visible()
    expect(page.locator("[data-tree] li")).to_have_count(42)
    context.close()
