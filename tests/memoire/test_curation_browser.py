"""Curation in Chromium (issue 11): a page dragged under another stays there after a
reload; the keyboard way (buttons on a focused page, Alt + arrows) saves the order; the
builder reorders and saves; a member chooses how they are credited. Screenshots of each
page on a desktop and on a 390 px phone (tests/browser/screenshots)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser import conftest as browser_setup
from tests.browser.conftest import sign_in

# the live demo server and Debian's Chromium, as tests/browser sets them up
browser_type_launch_args = browser_setup.browser_type_launch_args
live_config = browser_setup.live_config
live_server = browser_setup.live_server

pytestmark = pytest.mark.browser
SPACE = "/s/cooperer-sur-le-territoire-accompagnement-dla"
SHOTS = Path(__file__).resolve().parents[1] / "browser" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def person(browser: Browser, base: str, role: str, errors: list[str], size=DESKTOP) -> Page:
    page = browser.new_context(viewport=size).new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, base, role)
    return page


def shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def item(page: Page, title: str):
    return page.locator(
        "li.reorg-item", has=page.locator(f":scope > .reorg-row > a:text-is('{title}')")
    )


def parent_title(page: Page, title: str) -> str | None:
    return page.evaluate(
        """(title) => {
          const items = [...document.querySelectorAll('li.reorg-item')]
          const li = items.find((el) => el.dataset.title === title)
          const parent = li.parentElement.closest('li.reorg-item')
          return parent ? parent.dataset.title : null
        }""",
        title,
    )


def titles_at_top(page: Page) -> list[str]:
    return page.evaluate(
        "() => [...document.querySelectorAll('ul.reorg-root > li.reorg-item')]"
        ".map((el) => el.dataset.title)"
    )


def test_drag_to_nest_persists(browser: Browser, live_server: str) -> None:
    errors: list[str] = []
    page = person(browser, live_server, "animateur·rice", errors)
    page.goto(live_server + SPACE + "/reorganiser")
    expect(page.locator("[data-reorg][data-ready='1']")).to_be_attached()
    shoot(page, "curation-tree-desktop")
    source = item(page, "Définitions partagées").locator(":scope > .reorg-row .reorg-handle")
    target = item(page, "Bienvenue").locator(":scope > .reorg-row")
    box_s, box_t = source.bounding_box(), target.bounding_box()
    page.mouse.move(box_s["x"] + box_s["width"] / 2, box_s["y"] + box_s["height"] / 2)
    page.mouse.down()
    # down over the target's right half, then into its (empty) list of sub-pages below it
    for step in range(1, 16):
        page.mouse.move(
            box_t["x"] + box_t["width"] * 0.6,
            box_s["y"] + (box_t["y"] + box_t["height"] + 4 - box_s["y"]) * step / 15,
        )
    page.mouse.move(box_t["x"] + box_t["width"] * 0.6, box_t["y"] + box_t["height"] + 6)
    page.mouse.up()
    expect(page.locator("[data-status]")).to_contain_text("sous « Bienvenue »")
    page.reload()
    assert parent_title(page, "Définitions partagées") == "Bienvenue"
    assert errors == []


def test_keyboard_moves_are_saved(browser: Browser, live_server: str) -> None:
    errors: list[str] = []
    page = person(browser, live_server, "participant·e", errors)
    page.goto(live_server + SPACE + "/reorganiser")
    expect(page.locator("[data-reorg][data-ready='1']")).to_be_attached()
    before = titles_at_top(page)
    second = before[1]
    page.get_by_role("button", name=f"Monter « {second} »").click()
    expect(page.locator("[data-status]")).to_contain_text("premier niveau, position 1")
    assert page.evaluate("() => document.activeElement.dataset.move") == "up"
    # indent with the shortcut on the focused button: under the page now above it
    page.keyboard.press("Alt+ArrowDown")
    expect(page.locator("[data-status]")).to_contain_text("position 2")
    page.get_by_role("button", name=f"Ranger « {second} » sous la page précédente").click()
    expect(page.locator("[data-status]")).to_contain_text(f"sous « {before[0]} »")
    page.reload()
    assert parent_title(page, second) == before[0]
    page.get_by_role("button", name=f"Sortir « {second} » d’un niveau").focus()
    page.keyboard.press("Alt+ArrowLeft")
    expect(page.locator("[data-status]")).to_contain_text("premier niveau, position 2")
    page.reload()
    assert titles_at_top(page)[:2] == [before[0], second]
    assert errors == []


def test_builder_reorder_and_save(browser: Browser, live_server: str) -> None:
    errors: list[str] = []
    page = person(browser, live_server, "animateur·rice", errors)
    page.goto(live_server + SPACE + "/memoire")
    expect(page.locator("[data-builder][data-ready='1']")).to_be_attached()
    shoot(page, "curation-builder-desktop")
    labels = page.locator("[data-chosen] > li .memoire-label")
    first, second = labels.nth(0).inner_text(), labels.nth(1).inner_text()
    page.get_by_role("button", name=f"Descendre « {first} »").click()
    expect(page.locator("[data-builder] [data-status]")).to_contain_text("non enregistrées")
    page.get_by_role("button", name=f"Retirer « {second} » du mémoire").click()
    page.get_by_role("button", name="Enregistrer la sélection").click()
    expect(page.locator(".flash-success")).to_contain_text("Sélection du mémoire enregistrée")
    assert labels.nth(0).inner_text() == first
    assert second in page.locator("[data-available]").inner_text()
    page.get_by_role("button", name=f"Ajouter « {second} » au mémoire").click()
    page.get_by_role("button", name="Enregistrer la sélection").click()
    expect(page.locator("[data-chosen] > li .memoire-label").last).to_have_text(second)
    assert errors == []


def test_credit_choice(browser: Browser, live_server: str) -> None:
    errors: list[str] = []
    page = person(browser, live_server, "animateur·rice", errors)
    page.goto(live_server + SPACE + "/")
    shoot(page, "curation-home-prompt-desktop")
    expect(page.locator(".tree .badge-hors-memoire")).to_have_text("hors mémoire")
    page.get_by_role("link", name="Choisir").click()
    shoot(page, "curation-credit-desktop")
    page.get_by_label("Initiales (C. M.)").check()
    page.get_by_label("Votre structure (facultatif)").fill("Coopérative Cap Ensemble")
    page.get_by_role("button", name="Enregistrer mon choix").click()
    expect(page.locator(".flash-success")).to_contain_text("Votre choix est enregistré")
    page.goto(live_server + SPACE + "/")
    expect(page.get_by_role("link", name="Choisir")).to_have_count(0)
    page.goto(live_server + SPACE + "/memoire")
    expect(page.locator(".participants")).to_contain_text(
        "S. B. — Association Les Jardins du Bourg"
    )
    assert errors == []


def test_phone_screenshots(browser: Browser, live_server: str) -> None:
    errors: list[str] = []
    page = person(browser, live_server, "animateur·rice", errors, PHONE)
    for path, name in (
        ("/reorganiser", "tree"),
        ("/memoire", "builder"),
        ("/memoire/credit", "credit"),
    ):
        page.goto(live_server + SPACE + path)
        shoot(page, f"curation-{name}-phone")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} scrolls sideways ({width}px)"
    assert errors == []


def test_a_refused_move_is_said_and_undone(browser: Browser, live_server: str) -> None:
    errors: list[str] = []
    page = person(browser, live_server, "participant·e", errors)
    page.goto(live_server + SPACE + "/reorganiser")
    expect(page.locator("[data-reorg][data-ready='1']")).to_be_attached()
    before = titles_at_top(page)
    refusal = '{"error": {"code": "archived", "message": "Cet espace est archivé."}}'
    page.route(
        "**/reorganiser/deplacer",
        lambda route: route.fulfill(status=409, content_type="application/json", body=refusal),
    )
    page.get_by_role("button", name=f"Descendre « {before[0]} »").click()
    expect(page.locator("[data-error]")).to_have_text(
        "Le déplacement n’a pas été enregistré : Cet espace est archivé."
    )
    assert titles_at_top(page) == before  # put back where it was
    # the first page cannot go up: said, nothing sent
    page.get_by_role("button", name=f"Monter « {before[0]} »").click()
    expect(page.locator("[data-status]")).to_contain_text("ne peut pas aller plus loin")
    assert errors == [] or all("409" in e for e in errors)


def test_builder_drag_reorders(browser: Browser, live_server: str) -> None:
    errors: list[str] = []
    page = person(browser, live_server, "animateur·rice", errors)
    page.goto(live_server + SPACE + "/memoire")
    expect(page.locator("[data-builder][data-ready='1']")).to_be_attached()
    rows = page.locator("[data-chosen] > li.memoire-item")
    third = rows.nth(2).get_attribute("data-title")
    handle = rows.nth(2).locator(".reorg-handle").bounding_box()
    top = rows.nth(0).bounding_box()
    page.mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
    page.mouse.down()
    for step in range(1, 16):
        y = handle["y"] + (top["y"] + 2 - handle["y"]) * step / 15
        page.mouse.move(handle["x"] + handle["width"] / 2, y)
    page.mouse.up()
    expect(page.locator("[data-builder] [data-status]")).to_contain_text(
        f"« {third} » est maintenant en position 1"
    )
    page.get_by_role("button", name="Enregistrer la sélection").click()
    expect(page.locator(".flash-success")).to_be_visible()
    assert rows.nth(0).get_attribute("data-title") == third
    assert errors == []
