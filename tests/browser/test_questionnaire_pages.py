"""Every questionnaire page through axe-core, with all ten question types; answering without
JavaScript (refused in place, nothing typed lost); a visitor answering by the link."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from wiki import accounts, demo, questionnaire_answers, questionnaires, spaces

from .conftest import serve, sign_in
from .test_accessibility import AXE, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SPACE = "cooperer-sur-le-territoire-accompagnement-dla"
EVERY_TYPE = [
    {"label": "Votre structure", "type": "short_text", "required": True, "help": "Son nom usuel."},
    {"label": "Vos coopérations en cours", "type": "long_text", "section": "Vous"},
    {
        "label": "Votre statut",
        "type": "single_choice",
        "options": ["Association", "SCIC", "SCOP"],
        "allow_other": True,
        "section": "Vous",
    },
    {
        "label": "Vos freins",
        "type": "multiple_choice",
        "options": ["Temps", "Argent", "Confiance"],
        "allow_other": True,
    },
    {
        "label": "Votre degré de coopération",
        "type": "scale",
        "scale": {"min": 1, "max": 5, "min_label": "faible", "max_label": "fort"},
    },
    {"label": "Déjà membre d’un PTCE ?", "type": "yes_no"},
    {"label": "Salarié·es", "type": "number"},
    {"label": "Date de création", "type": "date"},
    {
        "label": "Vos priorités",
        "type": "ranking",
        "options": ["Mutualiser", "Fusionner", "Partager"],
    },
    {"label": "Trois mots", "type": "words"},
]
IDS: dict[str, object] = {}


def _prepare(_app) -> None:
    facilitator = accounts.find_by_email(demo.logins()["animateur·rice"][0])
    space = spaces.get_space(facilitator, SPACE)
    q = questionnaires.create(
        facilitator,
        space,
        title="Toutes les questions",
        questions=EVERY_TYPE,
        intro="**Bienvenue**",
    )
    ids = [question.id for question in q.questions]
    questionnaire_answers.submit(
        facilitator,
        q.id,
        {
            str(ids[0]): "La Coop",
            str(ids[2]): "SCIC",
            str(ids[4]): 3,
            str(ids[5]): True,
            str(ids[8]): ["Partager", "Mutualiser", "Fusionner"],
            str(ids[9]): ["élan"],
        },
    )
    link = questionnaires.create(
        facilitator,
        space,
        title="Inscription",
        audience="link",
        questions=[{"label": "Vos attentes", "type": "long_text", "required": True}],
    )
    quiz = questionnaires.create(
        facilitator,
        space,
        title="Quel coopérateur êtes-vous ?",
        kind="quiz",
        profiles=[
            {"key": "plaisir", "title": "Plaisir", "text": "Vous coopérez pour le plaisir."},
            {
                "key": "securite",
                "title": "Sécurité",
                "text": "Vous coopérez pour être plus solide.",
            },
        ],
        questions=[
            {
                "label": "Pourquoi coopérer ?",
                "type": "single_choice",
                "options": ["Parce que c’est joyeux", "Pour tenir dans la durée"],
                "scores": {
                    "Parce que c’est joyeux": {"plaisir": 2},
                    "Pour tenir dans la durée": {"securite": 2},
                },
            }
        ],
    )
    grid = questionnaires.create(
        facilitator,
        space,
        title="Grille d’auto-évaluation (exemple)",
        kind="grid",
        questions=[
            {"label": f"Indicateur d’exemple {n}", "type": "scale", "section": section}
            for n, section in enumerate(["Gouvernance", "Gouvernance", "Ancrage", "Économie"])
        ],
    )
    draft = questionnaires.create(facilitator, space, title="Au brouillon", questions=EVERY_TYPE)
    closing = questionnaires.create(facilitator, space, title="À fermer", questions=EVERY_TYPE[:1])
    IDS.update(grid=grid.id, draft=draft.id, closing=closing.id)
    IDS.update(q=q.id, ranking=ids[8], link=link.id, token=link.link_token, quiz=quiz.id)


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    with serve(tmp_path_factory.mktemp("questionnaire-pages"), prepare=_prepare) as url:
        yield url


def pages_to_check() -> list[tuple[str, str]]:
    q, link, quiz = IDS["q"], IDS["link"], IDS["quiz"]
    return [
        ("participant·e", f"/questionnaires/{q}"),
        ("participant·e", f"/questionnaires/{q}/merci"),
        ("participant·e", f"/questionnaires/{q}/resultats"),
        ("animateur·rice", f"/s/{SPACE}/nouveau-questionnaire"),
        ("animateur·rice", f"/questionnaires/{q}/construire"),
        ("animateur·rice", f"/questionnaires/{quiz}/construire"),
        ("animateur·rice", f"/questionnaires/{q}/apercu"),
        ("animateur·rice", f"/questionnaires/{q}/parametres"),
        ("animateur·rice", f"/questionnaires/{link}/parametres"),
        ("animateur·rice", f"/questionnaires/{q}/resultats"),
        ("animateur·rice", f"/questionnaires/{q}/projeter"),
        (None, f"/questionnaires/lien/{IDS['token']}"),
    ]


@pytest.mark.skipif(not AXE.exists(), reason="node_modules absent (npm ci installs axe-core)")
def test_no_axe_violation(browser: Browser, server: str, screenshot_dir) -> None:
    contexts = {}
    found = {}
    for role, path in pages_to_check():
        if role not in contexts:
            contexts[role] = browser.new_context(bypass_csp=True)
            if role:
                sign_in(contexts[role].new_page(), server, role)
        page = contexts[role].new_page()
        response = page.goto(server + path)
        assert response is not None and response.status == 200, path
        if "/resultats" in path or "/projeter" in path:
            expect(page.locator("[data-r-status]")).not_to_be_empty()  # connected, or not
        if path.endswith(("/parametres", "/nouveau-questionnaire")) and role:
            name = path.rstrip("/").rsplit("/", 1)[-1]
            page.screenshot(path=str(screenshot_dir / f"questionnaire-{name}.png"), full_page=True)
        violations = axe_violations(page)
        if violations:
            found[f"{role} {path}"] = violations
        page.close()
    assert found == {}, "\n".join(f"{where}: {v}" for where, v in found.items())


def test_answering_without_javascript(browser: Browser, server: str) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    sign_in(page, server, "participant·e")
    page.goto(f"{server}/questionnaires/{IDS['q']}")
    structure = page.get_by_label("1. Votre structure (obligatoire)")
    structure.fill("Les Ateliers du Lien")
    page.get_by_label("Salarié·es").fill("12")
    page.get_by_label("Fusionner").select_option("1")  # ranks by number; two left out
    page.get_by_role("button", name="Envoyer mes réponses").click()
    ranking = page.locator(f'[data-q-question="{IDS["ranking"]}"]')
    expect(ranking.locator("[data-q-error]")).to_have_text(
        "Donnez un rang différent à chaque proposition."
    )
    expect(ranking.locator("fieldset")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("[data-q-alert]")).to_contain_text("à corriger")
    expect(page.get_by_label("Salarié·es")).to_have_value("12")  # nothing typed is lost
    expect(structure).to_have_value("Les Ateliers du Lien")
    page.get_by_label("Fusionner").select_option("1")
    page.get_by_label("Mutualiser").select_option("2")
    page.get_by_label("Partager").select_option("3")
    page.get_by_role("button", name="Envoyer mes réponses").click()
    thanks = page.get_by_role("heading", name="Merci, vos réponses sont enregistrées.")
    expect(thanks).to_be_visible()
    page.get_by_role("link", name="Modifier mes réponses").click()
    expect(page.get_by_label("Fusionner")).to_have_value("1")
    expect(page.get_by_label("Salarié·es")).to_have_value("12")


def test_visitor_answers_by_the_link(browser: Browser, server: str, screenshot_dir) -> None:
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{server}/questionnaires/lien/{IDS['token']}")
    expect(page.get_by_role("heading", name="Inscription")).to_be_visible()
    page.get_by_label("Votre nom").fill("Léa Dupré")
    page.get_by_label("Votre structure").fill("Coop des Monts")
    page.get_by_label("Vos attentes").fill("Rencontrer d’autres coopératives")
    page.screenshot(
        path=str(screenshot_dir / "questionnaire-link-visitor-phone.png"), full_page=True
    )
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(
        page.get_by_role("heading", name="Merci, vos réponses sont enregistrées.")
    ).to_be_visible()
    page.get_by_role("link", name="Modifier mes réponses").click()  # the cookie says who
    expect(page.get_by_label("Vos attentes")).to_have_value("Rencontrer d’autres coopératives")
    assert errors == []


def test_quiz_shows_the_persons_profile(browser: Browser, server: str, screenshot_dir) -> None:
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    sign_in(page, server, "participant·e")
    page.goto(f"{server}/questionnaires/{IDS['quiz']}")
    page.get_by_label("Parce que c’est joyeux").check()
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.get_by_role("heading", name="Votre profil : Plaisir")).to_be_visible()
    expect(page.get_by_text("Vous coopérez pour le plaisir.")).to_be_visible()
    page.screenshot(
        path=str(screenshot_dir / "questionnaire-quiz-thanks-phone.png"), full_page=True
    )


def test_grid_shows_the_persons_radar(browser: Browser, server: str, screenshot_dir) -> None:
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    sign_in(page, server, "participant·e")
    page.goto(f"{server}/questionnaires/{IDS['grid']}")
    expect(page.get_by_role("heading", name="Gouvernance")).to_be_visible()
    for n, point in enumerate(["4", "5", "2", "3"]):
        page.locator("[data-q-question]").nth(n).locator("label.q-point", has_text=point).click()
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.get_by_role("heading", name="Votre auto-évaluation")).to_be_visible()
    expect(page.locator(".q-radar svg")).to_be_visible()
    # on a phone the rings take most of the width (no margins kept for side labels)
    svg = page.locator(".q-radar svg").bounding_box()
    rings = page.locator(".q-radar svg polygon").last.bounding_box()
    outer = page.locator(".q-radar svg polygon").nth(4).bounding_box()  # the 5th ring
    assert svg and rings and outer and svg["width"] >= 280
    assert outer["width"] >= 0.7 * svg["width"], (outer, svg)
    page.screenshot(
        path=str(screenshot_dir / "questionnaire-grid-thanks-phone.png"), full_page=True
    )


def test_draft_survives_a_lost_connection(browser: Browser, server: str, screenshot_dir) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    sign_in(page, server, "participant·e")
    page.goto(f"{server}/questionnaires/{IDS['draft']}")
    expect(page.locator("[data-q-progress-text]")).to_have_text("Réponses : 0 sur 10")
    page.get_by_label("1. Votre structure (obligatoire)").fill("Les Ateliers du Lien")
    page.get_by_label("SCIC").check()
    page.get_by_label("Mot 1 sur 3").fill("élan")
    expect(page.locator("[data-q-progress-text]")).to_have_text("Réponses : 3 sur 10")
    ranking = page.locator("[data-q-ranking]")
    partager = ranking.locator(".q-rank-item", has_text="Partager")
    partager.get_by_role("button", name="Monter").click()
    expect(partager.get_by_role("button", name="Monter")).to_be_focused()
    page.keyboard.press("Alt+ArrowUp")  # the focus is in the item: it goes up once more
    order = ["Partager", "Mutualiser", "Fusionner"]
    expect(ranking.locator(".q-rank-label")).to_have_text(order)
    expect(ranking.locator("+ p")).to_have_text("« Partager » est maintenant en position 1 sur 3.")
    page.screenshot(path=str(screenshot_dir / "questionnaire-every-type-phone.png"), full_page=True)
    context.set_offline(True)
    page.locator("[data-q-submit]").click()
    expect(page.locator("[data-q-alert]")).to_contain_text("Pas de connexion")
    context.set_offline(False)
    page.reload()  # the server's copy is older: the draft kept on the device comes back
    expect(page.locator("[data-q-alert]")).to_contain_text("Brouillon retrouvé")
    expect(page.get_by_label("1. Votre structure (obligatoire)")).to_have_value(
        "Les Ateliers du Lien"
    )
    expect(page.get_by_label("Mot 1 sur 3")).to_have_value("élan")
    expect(page.locator("[data-q-ranking] .q-rank-label")).to_have_text(order)
    page.locator("[data-q-submit]").click()
    expect(
        page.get_by_role("heading", name="Merci, vos réponses sont enregistrées.")
    ).to_be_visible()
    page.get_by_role("link", name="Modifier mes réponses").click()
    expect(page.locator("[data-q-alert]")).to_be_empty()  # sent: no draft any more


def test_a_reader_reads_but_does_not_answer(browser: Browser, server: str) -> None:
    page = browser.new_context().new_page()
    sign_in(page, server, "lecteur·rice")
    page.goto(f"{server}/questionnaires/{IDS['q']}")
    expect(page.get_by_text("votre rôle dans l’espace ne permet pas d’y répondre")).to_be_visible()
    expect(page.get_by_role("button", name="Envoyer mes réponses")).to_have_count(0)


def test_quiz_points_and_profiles_are_saved(browser: Browser, server: str) -> None:
    page = browser.new_context().new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, server, "animateur·rice")
    page.goto(f"{server}/questionnaires/{IDS['quiz']}/construire")
    points = page.get_by_label("Points pour le profil Plaisir si « Pour tenir dans la durée »")
    points.fill("3")
    points.blur()
    page.get_by_label("Texte montré à la personne").first.fill("Le plaisir d’agir ensemble.")
    page.wait_for_function("() => window.cercleBuilder.pending() === 0")
    expect(page.locator("[data-b-status]")).to_have_text("Enregistré")
    page.reload()
    expect(points).to_have_value("3")
    expect(page.get_by_label("Texte montré à la personne").first).to_have_value(
        "Le plaisir d’agir ensemble."
    )
    assert errors == []


def test_facilitator_closes_then_reopens(browser: Browser, server: str) -> None:
    camille = browser.new_context().new_page()
    camille.on("dialog", lambda dialog: dialog.accept())
    sign_in(camille, server, "animateur·rice")
    camille.goto(f"{server}/questionnaires/{IDS['closing']}")
    camille.get_by_role("button", name="Fermer maintenant").click()
    expect(camille.locator(".flash-success")).to_have_text("Questionnaire fermé.")
    expect(camille.locator(".q-status")).to_contain_text("Fermé depuis le")
    sami = browser.new_context().new_page()
    sign_in(sami, server, "participant·e")
    sami.goto(f"{server}/questionnaires/{IDS['closing']}")
    expect(sami.locator(".q-closed")).to_contain_text("Fermé depuis le")
    expect(sami.get_by_role("button", name="Envoyer mes réponses")).to_have_count(0)
    camille.get_by_role("button", name="Ouvrir maintenant").click()
    expect(camille.locator(".q-status")).to_have_text("Ouvert.")
    sami.reload()
    expect(sami.get_by_role("button", name="Envoyer mes réponses")).to_be_visible()
