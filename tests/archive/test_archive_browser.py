"""In Chromium: a facilitator has a page open in the live editor; someone else archives
the space; the editor turns read-only and says why without a reload; the banner, the
archive page, the duplicate and reopen forms and the journal, on a desktop and a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import (
    SCREENSHOTS,
    browser_type_launch_args,  # noqa: F401  (Debian Chromium)
    serve,
    sign_in,
)
from wiki import accounts

pytestmark = pytest.mark.browser

SPACE = "/s/cooperer-sur-le-territoire-accompagnement-dla"
PAGE = SPACE + "/p/bienvenue"
EDITOR = SPACE + "/p/bienvenue/modifier"
ADMIN = ("admin@archive.cercle.test", "administrons-2026")
PHONE = {"width": 390, "height": 844}
MINDMAP = SPACE + "/p/cartographie-des-cooperations"
BOARD = SPACE + "/p/metaplan-ce-qui-nous-freine-pour-cooperer"
NOTICE = "Cet espace vient d’être archivé : il se consulte mais ne se modifie plus."


def _admin(_app) -> None:
    accounts.create_user(ADMIN[0], "Alex Admin", ADMIN[1], is_admin=True)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    # the exports made at archiving are the export runner's tests: not run here
    config = {"EXPORT_RUNNER": False}
    with serve(tmp_path_factory.mktemp("archive"), config, prepare=_admin) as url:
        yield url


def _shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"archive-{name}.png"), full_page=True)


def _editor_page(browser: Browser, site: str, viewport: dict | None = None):
    context = browser.new_context(viewport=viewport) if viewport else browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, site)
    page.goto(site + EDITOR)
    expect(page.locator("[data-live-status][data-state=online]")).to_be_attached()
    expect(page.locator("[data-live-editor][data-writable=true]")).to_be_attached()
    return context, page, errors


def test_open_editors_turn_read_only_when_the_space_is_archived(browser: Browser, site: str):
    desktop, editor, errors = _editor_page(browser, site)
    phone, editor_phone, phone_errors = _editor_page(browser, site, PHONE)
    expect(editor.locator("[data-archived-notice]")).to_be_hidden()
    board_context = browser.new_context()
    board = board_context.new_page()
    sign_in(board, site)
    board.goto(site + BOARD)
    expect(board.locator("[data-board] .card").first).to_be_attached()
    expect(board.locator("[data-metaplan][data-writable=true]")).to_be_attached()
    mind_context = browser.new_context()
    mind = mind_context.new_page()
    sign_in(mind, site)
    mind.goto(site + MINDMAP)
    expect(mind.locator("[data-mindmap].is-live[data-renders]")).to_be_attached()
    expect(mind.locator("[data-live-editor][data-writable=true]")).to_be_attached()

    other = browser.new_context()
    archiving = other.new_page()
    sign_in(archiving, site)
    archiving.goto(site + SPACE + "/archiver")
    expect(archiving.get_by_role("heading", level=1)).to_contain_text("Archiver")
    _shoot(archiving, "confirm")
    archiving.get_by_role("button", name="Archiver l’espace").click()
    archiving.wait_for_url(f"{site}{SPACE}/archive")
    expect(archiving.locator("[data-archived-banner]")).to_contain_text("lecture seule")
    _shoot(archiving, "show")

    for page, name in ((editor, "editor"), (editor_phone, "editor-phone")):
        # no reload: the live channel said so
        expect(page.locator("[data-archived-notice]")).to_be_visible()
        expect(page.locator("[data-archived-notice]")).to_contain_text(NOTICE)
        expect(page.locator("[data-live-editor][data-writable=false]")).to_be_attached()
        expect(page.locator(".cm-content[contenteditable=false]")).to_be_attached()
        _shoot(page, name)
    assert errors == [] and phone_errors == []
    expect(board.locator("[data-archived-notice]")).to_be_visible()
    expect(board.locator("[data-metaplan][data-writable=false]")).to_be_attached()
    expect(board.locator(".metaplan-settings")).to_be_hidden()
    _shoot(board, "board")
    expect(mind.locator("[data-archived-notice]")).to_be_visible()
    expect(mind.locator("[data-live-editor][data-writable=false]")).to_be_attached()
    _shoot(mind, "mindmap")

    # after a reload: the banner, read-only, no edit button
    editor.goto(site + PAGE)
    expect(editor.locator("[data-archived-banner]")).to_contain_text("Espace archivé le")
    expect(editor.locator("[data-archived-banner]")).to_contain_text("lecture seule")
    _shoot(editor, "page-banner")
    editor_phone.goto(site + SPACE + "/")
    expect(editor_phone.locator(".archive-record")).to_contain_text("Archivé le")
    _shoot(editor_phone, "home-phone")
    editor.goto(site + SPACE + "/")
    expect(editor.locator(".archive-record")).to_contain_text("Exports faits à l’archivage")
    _shoot(editor, "home")

    # a refused write says why, with a way back
    editor.goto(site + SPACE + "/nouvelle-page")
    expect(editor.get_by_role("heading", level=1)).to_have_text("Espace archivé")
    expect(editor.get_by_role("link", name="Revenir à l’espace")).to_be_visible()
    _shoot(editor, "refused")

    editor.goto(site + SPACE + "/dupliquer")
    expect(editor.get_by_label("Inclure les membres", exact=False)).to_be_checked()
    _shoot(editor, "duplicate")
    editor_phone.goto(site + SPACE + "/dupliquer")
    _shoot(editor_phone, "duplicate-phone")

    admin = browser.new_context().new_page()
    sign_in(admin, site, login=ADMIN)
    admin.goto(site + SPACE + "/rouvrir")
    _shoot(admin, "reopen")
    admin.get_by_label("Pourquoi le rouvrir", exact=False).fill("Une séance de plus")
    admin.get_by_role("button", name="Rouvrir l’espace").click()
    admin.wait_for_url(f"{site}{SPACE}/")
    expect(admin.locator("[data-archived-banner]")).to_have_count(0)
    admin.goto(site + "/admin/journal")
    expect(admin.locator("table")).to_contain_text("Une séance de plus")
    expect(admin.locator("table")).to_contain_text("Espace rouvert")
    _shoot(admin, "journal")
    for context in (desktop, phone, other, board_context, mind_context, admin.context):
        context.close()
