"""The Métaplan board in Chromium: three people write cards that only they see until the
facilitator reveals them (checked on what each browser *received* over its WebSocket), then
grouping by drag and by keyboard, dots limited to N, "Transformer en page"; screenshots of a
phone while writing and of the projector view."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from wiki import accounts, demo, pages, spaces

from .conftest import collect_errors, serve, sign_in

pytestmark = pytest.mark.browser

SPACE = "/s/cooperer-sur-le-territoire-accompagnement-dla"
THIRD = ("noa@demo.cercle.test", "ecrivons-2026")
BOARD = {"id": 0, "slug": ""}


def _prepare(_app) -> None:
    """A fresh board (still "writing") and a second participant."""
    facilitator = accounts.find_by_email(demo.logins()["animateur·rice"][0])
    space = spaces.get_space(facilitator, SPACE.removeprefix("/s/"))
    noa = accounts.create_user(THIRD[0], "Noa Participante", THIRD[1])
    spaces.join_space(space, noa, "participant")
    board = pages.create_page(facilitator, space, "Nos attentes", "", kind="metaplan")
    BOARD.update(id=board.id, slug=board.slug)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[str]:
    with serve(tmp_path_factory.mktemp("metaplan"), prepare=_prepare) as url:
        yield url


def person(browser: Browser, site: str, role: str | None, phone: bool = False) -> Page:
    viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    context = browser.new_context(viewport=viewport, is_mobile=phone, has_touch=phone)
    page = context.new_page()
    sign_in(page, site, role or "", THIRD if role is None else None)
    frames: list[str] = []
    page.on(
        "websocket",
        lambda ws: ws.on(
            "framereceived",
            lambda payload: frames.append(
                payload.decode("utf-8", "replace") if isinstance(payload, bytes) else payload
            ),
        ),
    )
    page.frames_received = frames  # type: ignore[attr-defined]
    page.goto(f"{site}{SPACE}/p/{BOARD['slug']}")
    expect(page.locator("[data-count]")).not_to_be_empty()
    return page


def write(page: Page, text: str, colour: str = "Bleu") -> None:
    page.get_by_label("Votre carte").fill(text)
    page.get_by_label(colour).check()
    page.get_by_role("button", name="Envoyer").click()
    expect(page.locator("[data-mine]")).to_contain_text(text)


def test_board_from_writing_to_a_page(browser: Browser, site: str, screenshot_dir) -> None:
    anim = person(browser, site, "animateur·rice")
    sami = person(browser, site, "participant·e", phone=True)
    noa = person(browser, site, None)
    errors = [collect_errors(p) for p in (anim, sami, noa)]
    texts = {
        id(anim): "Carte secrète de Camille",
        id(sami): "Idée cachée de Sami",
        id(noa): "Proposition discrète de Noa",
    }
    for page in (anim, sami, noa):
        write(page, texts[id(page)])
    write(noa, "Une carte de trop")
    noa.get_by_role("button", name="Supprimer la carte : Une carte de trop").click()
    expect(noa.locator("[data-mine]")).not_to_contain_text("Une carte de trop")
    for page in (anim, sami, noa):
        expect(page.locator("[data-count]")).to_have_text("3 cartes écrites")
    sami.screenshot(path=screenshot_dir / "metaplan-phone-writing.png", full_page=True)
    for page in (anim, sami, noa):
        received = "\n".join(page.frames_received) + page.content()
        for other, text in texts.items():
            if other != id(page):
                assert text not in received
        if page is not noa:
            assert "Une carte de trop" not in received
        assert page.locator("[data-board] .card").count() == 0

    anim.get_by_label("Étape").select_option(label="Dévoilement")
    for page in (anim, sami, noa):
        for text in texts.values():
            expect(page.locator("[data-board]")).to_contain_text(text)

    # grouping: a cluster, a card moved with the keyboard, another dragged
    anim.get_by_label("Étape").select_option(label="Regroupement")
    noa.get_by_label("Nouveau groupe").fill("Confiance")
    noa.get_by_role("button", name="Créer le groupe").click()
    group = anim.get_by_role("region", name="Confiance", exact=True).get_by_role("list")
    expect(group).to_be_visible()
    menu = noa.get_by_label("Déplacer vers… : Idée cachée de Sami")
    menu.focus()
    menu.select_option(label="Confiance")  # what the keyboard's arrow keys choose
    expect(group).to_contain_text("Idée cachée de Sami")
    expect(noa.locator("[data-board] .metaplan-cluster", has=menu)).to_have_attribute(
        "aria-label", "Confiance"
    )
    expect(menu).to_be_focused()  # the keyboard stays on the card it moved
    card = anim.locator("[data-board] li.card", has_text="Carte secrète de Camille")
    card.locator(".card-text").drag_to(group)
    expect(noa.get_by_role("region", name="Confiance", exact=True)).to_contain_text(
        "Carte secrète de Camille"
    )

    # voting: 2 dots each
    anim.get_by_label("Gommettes par personne").fill("2")
    anim.get_by_label("Gommettes par personne").press("Tab")
    anim.get_by_label("Étape").select_option(label="Vote")
    add = sami.get_by_role("button", name="Ajouter une gommette : Idée cachée de Sami")
    add.click()
    expect(sami.locator("[data-votes-left]")).to_have_text("Il vous reste 1 gommette.")
    add.click()
    expect(sami.locator("[data-votes-left]")).to_have_text("Il vous reste 0 gommette.")
    add.click()
    expect(sami.locator("[data-message]")).to_have_text("Vous avez donné toutes vos gommettes.")
    expect(anim.locator("li.card", has_text="Idée cachée de Sami")).to_contain_text("2 gommettes")

    projector = anim.context.new_page()
    projector.goto(f"{site}/metaplan/{BOARD['id']}/projecteur")
    expect(projector.locator("[data-board]")).to_contain_text("2 gommettes")
    projector.screenshot(path=screenshot_dir / "metaplan-projector.png", full_page=True)

    anim.get_by_role("button", name="Transformer en page").click()
    expect(anim.locator("h2", has_text="Confiance")).to_be_visible()
    body = anim.locator("main").inner_text()
    assert "Idée cachée de Sami — Sami Benali (2 gommettes)" in body
    assert "Cartes sans groupe" in body and "Proposition discrète de Noa" in body
    assert errors == [[], [], []]


def test_in_place_editing_group_removal_and_full_screen(
    browser: Browser, site: str, screenshot_dir
) -> None:
    """A hidden card's text and a group's name are edited in place (Enter saves, Escape
    cancels, the keyboard comes back to the control), a facilitator removes a group after
    reading that its cards go back without a group, and the projector goes full screen."""
    anim = person(browser, site, "animateur·rice")
    sami = person(browser, site, "participant·e", phone=True)
    errors = [collect_errors(p) for p in (anim, sami)]
    anim.get_by_label("Étape").select_option(label="Écriture")
    write(sami, "Brouillon")
    edit = sami.get_by_role("button", name="Modifier la carte : Brouillon")
    edit.click()
    field = sami.get_by_label("Texte de la carte")
    expect(field).to_be_focused()
    field.fill("Jeté")
    field.press("Escape")  # cancelled: nothing sent, back on "Modifier"
    expect(edit).to_be_focused()
    expect(sami.locator("[data-mine]")).to_contain_text("Brouillon")
    edit.click()
    sami.get_by_label("Texte de la carte").fill("Brouillon relu")
    sami.get_by_label("Texte de la carte").press("Enter")
    edited = sami.get_by_role("button", name="Modifier la carte : Brouillon relu")
    expect(edited).to_be_focused()

    anim.get_by_label("Étape").select_option(label="Regroupement")
    sami.get_by_label("Nouveau groupe").fill("Idées")
    sami.get_by_role("button", name="Créer le groupe").click()
    sami.get_by_role("button", name="Renommer le groupe Idées", exact=True).click()
    name = sami.get_by_label("Nouveau nom du groupe")
    expect(name).to_be_focused()
    expect(name).to_have_value("Idées")
    name.fill("Idées fortes")
    sami.screenshot(path=screenshot_dir / "metaplan-phone-renaming.png", full_page=True)
    sami.get_by_role("button", name="Enregistrer").click()
    expect(anim.get_by_role("region", name="Idées fortes", exact=True)).to_be_visible()
    expect(sami.get_by_role("button", name="Renommer le groupe Idées fortes")).to_be_focused()
    assert sami.get_by_role("button", name="Supprimer le groupe Idées fortes").count() == 0

    group = anim.get_by_role("region", name="Idées fortes", exact=True)
    anim.get_by_label("Déplacer vers… : Brouillon relu").select_option(label="Idées fortes")
    expect(group).to_contain_text("Brouillon relu")
    remove = anim.get_by_role("button", name="Supprimer le groupe Idées fortes")
    remove.click()
    expect(group).to_contain_text("Ses cartes retournent dans « Sans groupe »")
    group.get_by_role("button", name="Annuler").click()
    expect(remove).to_be_focused()
    remove.click()
    anim.get_by_role("button", name="Oui, supprimer le groupe").click()
    expect(group).to_have_count(0)
    # the card is back without a group ("Cartes" when no group is left), the keyboard there
    expect(sami.get_by_label("Déplacer vers… : Brouillon relu")).to_have_value("")
    expect(anim.locator("[data-board] h2[data-focus=ungrouped]")).to_be_focused()

    projector = anim.context.new_page()
    projector.goto(f"{site}/metaplan/{BOARD['id']}/projecteur")
    full = projector.get_by_role("button", name="Plein écran")
    full.focus()
    full.press("Enter")
    expect(projector.get_by_role("button", name="Quitter le plein écran")).to_be_focused()
    assert projector.evaluate("document.fullscreenElement.matches('[data-metaplan]')")
    projector.screenshot(path=screenshot_dir / "metaplan-projector-fullscreen.png")
    projector.get_by_role("button", name="Quitter le plein écran").press("Enter")
    expect(projector.get_by_role("button", name="Plein écran")).to_be_visible()
    assert errors == [[], []]

    # without the Fullscreen API the button is not offered
    bare = anim.context.new_page()
    bare.add_init_script(
        "Object.defineProperty(Document.prototype, 'fullscreenEnabled', {get: () => false})"
    )
    bare.goto(f"{site}/metaplan/{BOARD['id']}/projecteur")
    expect(bare.locator("[data-count]")).not_to_be_empty()
    expect(bare.locator("[data-fullscreen]")).to_be_hidden()
