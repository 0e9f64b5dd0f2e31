"""Live results in Chromium: the facilitator's wall and the room's projector update, without
reloading, while a third person answers on a phone; the projector shows one question at a
time (arrow keys) with the QR code of the questionnaire."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from wiki import accounts, questionnaire_answers, questionnaires, spaces
from wiki.db import db
from wiki.models import User

from .conftest import serve, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SPACE = "cooperer-sur-le-territoire-accompagnement-dla"
TITLE = "Retours à chaud"
QUESTIONS = [
    {
        "label": "Votre énergie en fin de journée",
        "type": "scale",
        "required": True,
        "scale": {"min": 1, "max": 5, "min_label": "à plat", "max_label": "au top"},
    },
    {
        "label": "Le module le plus utile",
        "type": "single_choice",
        "options": ["Statuts", "Outils numériques", "Animation"],
        "allow_other": True,
    },
    {"label": "Trois mots sur la journée", "type": "words"},
    {"label": "Un conseil pour la prochaine fois", "type": "long_text"},
    {"label": "Reviendriez-vous ?", "type": "yes_no"},
]
found: dict[str, int] = {}


def _prepare(app) -> None:
    facilitator = db.session.query(User).filter_by(email="animation@demo.cercle.test").one()
    space = spaces.get_space(facilitator, SPACE)
    q = questionnaires.create(facilitator, space, title=TITLE, anonymous=True, questions=QUESTIONS)
    ids = [question.id for question in q.questions]
    found["id"] = q.id
    found["scale"], found["module"], found["words"], found["text"] = ids[0], ids[1], ids[2], ids[3]
    for n, (energy, module, words) in enumerate(
        [(4, "Statuts", ["coopération", "confiance"]), (5, "Animation", ["coopérations", "élan"])]
    ):
        person = accounts.create_user(f"p{n}@demo.cercle.test", f"Personne {n}", "motdepasse-2026")
        spaces.add_member(facilitator, space, person, "participant")
        questionnaire_answers.submit(
            person,
            q.id,
            {
                str(ids[0]): energy,
                str(ids[1]): module,
                str(ids[2]): words,
                str(ids[3]): f"Conseil numéro {n}",
                str(ids[4]): True,
            },
        )


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    with serve(tmp_path_factory.mktemp("questionnaire-live"), prepare=_prepare) as url:
        yield url


def person(browser: Browser, base: str, role: str, errors: list[str], **viewport) -> Page:
    context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900})
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, base, role)
    return page


def test_results_reach_the_wall_and_the_projector(
    browser: Browser, server: str, screenshot_dir
) -> None:
    errors: list[str] = []
    qid = found["id"]
    camille = person(browser, server, "animateur·rice", errors)
    camille.goto(f"{server}/questionnaires/{qid}/resultats")
    expect(camille.locator("[data-r-status]")).to_have_text("en direct")
    expect(camille.locator("[data-r-respondents]")).to_have_text("2 personnes ont répondu")
    scale = camille.locator(f'[data-r-question="{found["scale"]}"]')
    expect(scale.locator("[data-r-mean]")).to_have_text("4,5")
    words = camille.locator(f'[data-r-question="{found["words"]}"] [data-r-words]')
    expect(words.locator(".r-word").first).to_contain_text("2")  # coopération(s): one stem

    room = browser.new_context(viewport={"width": 1600, "height": 900}).new_page()
    room.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(room, server, "lecteur·rice")
    room.goto(f"{server}/questionnaires/{qid}/projeter")
    expect(room.locator("[data-r-status]")).to_have_text("en direct")
    expect(room.locator("[data-p-position]")).to_have_text("Question 1 sur 5")
    expect(room.locator(".p-qr img")).to_be_visible()

    sami = person(browser, server, "participant·e", errors, width=390, height=844)
    sami.goto(f"{server}/questionnaires/{qid}")
    expect(sami.get_by_text("Vos réponses sont anonymes.")).to_be_visible()
    sami.locator("label.q-point", has_text="2").click()
    sami.get_by_label("Autre :").check()
    sami.get_by_label("Autre réponse pour « Le module le plus utile »").fill("Accélérateur")
    sami.get_by_label("Mot 1 sur 3").fill("coopération")
    sami.get_by_label("4. Un conseil pour la prochaine fois").fill("Plus de pauses, svp")
    sami.screenshot(
        path=str(screenshot_dir / "questionnaire-answer-anonymous-phone.png"), full_page=True
    )
    sami.get_by_role("button", name="Envoyer mes réponses").click()
    expect(
        sami.get_by_role("heading", name="Merci, vos réponses sont enregistrées.")
    ).to_be_visible()

    # no reload: both screens follow
    for screen in (camille, room):
        expect(screen.locator("[data-r-respondents]")).to_have_text("3 personnes ont répondu")
        expect(screen.locator(f'[data-r-question="{found["scale"]}"] [data-r-mean]')).to_have_text(
            "3,67"
        )
    newest = camille.locator(f'[data-r-question="{found["text"]}"] .r-new')
    expect(newest).to_contain_text("Plus de pauses, svp")
    expect(words.locator(".r-word").first).to_contain_text("3")
    module = camille.locator(f'[data-r-question="{found["module"]}"]')
    expect(module.locator("[data-r-other] .r-new")).to_have_text("Accélérateur (nouvelle réponse)")
    camille.screenshot(path=str(screenshot_dir / "questionnaire-wall.png"), full_page=True)

    # the projector, one question at a time
    room.keyboard.press("ArrowRight")
    room.keyboard.press("ArrowRight")
    expect(room.locator("[data-p-position]")).to_have_text("Question 3 sur 5")
    expect(room.locator(f'[data-r-question="{found["words"]}"]')).to_be_visible()
    expect(room.locator(f'[data-r-question="{found["scale"]}"]')).to_be_hidden()
    room.screenshot(path=str(screenshot_dir / "questionnaire-projector.png"))
    room.keyboard.press("ArrowLeft")
    room.keyboard.press("ArrowLeft")
    room.screenshot(path=str(screenshot_dir / "questionnaire-projector-scale.png"))

    # the person who answered sees the group's results on their phone
    sami.get_by_role("link", name="Voir les résultats du groupe").click()
    expect(sami.locator("[data-r-status]")).to_have_text("en direct")
    expect(sami.get_by_role("button", name="Masquer « élan »")).to_have_count(0)
    counts = sami.locator(f'[data-r-question="{found["module"]}"] [data-r-counts]')
    expect(counts).to_be_visible()  # on a phone, the counts in words under the chart
    expect(counts.locator("[data-r-other-count]")).to_have_text("1")
    sami.screenshot(path=str(screenshot_dir / "questionnaire-wall-phone.png"), full_page=True)

    # the facilitator takes a word off the wall: every other wall follows at once, the
    # participant's loses it, the facilitator's other tab marks it; and back again
    other_tab = camille.context.new_page()
    other_tab.goto(f"{server}/questionnaires/{qid}/resultats")
    expect(other_tab.locator("[data-r-status]")).to_have_text("en direct")
    sami_words = sami.locator(f'[data-r-question="{found["words"]}"] [data-r-words]')
    expect(sami_words).to_contain_text("élan")
    camille.get_by_role("button", name="Masquer « élan »").click()
    expect(camille.get_by_role("button", name="Remettre « élan »")).to_be_visible()
    expect(other_tab.get_by_role("button", name="Remettre « élan »")).to_be_visible()
    expect(sami_words).not_to_contain_text("élan")
    camille.get_by_role("button", name="Remettre « élan »").click()
    expect(other_tab.get_by_role("button", name="Masquer « élan »")).to_have_count(1)
    expect(sami_words).to_contain_text("élan")
    assert errors == []
