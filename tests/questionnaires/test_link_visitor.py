"""Someone without an account, answering through the link: coming back to change their
answers finds their name and structure again (named questionnaires only), and the thank-you
page of a grid shows their radar (their line, the group's mean when results are visible to
them). Both databases."""

from __future__ import annotations

import re

import pytest

from wiki import questionnaire_answers, questionnaires

GRID = [
    {"label": "Objectifs partagés", "type": "scale", "section": "Objectifs", "required": True},
    {"label": "Décisions prises ensemble", "type": "scale", "section": "Gouvernance"},
    {"label": "Outils communs", "type": "scale", "section": "Moyens"},
]


def _link_questionnaire(personas, **settings):
    return questionnaires.create(
        personas.facilitator,
        personas.space,
        title="Inscription par lien",
        audience="link",
        questions=[{"label": "Vos attentes", "type": "short_text", "required": True}],
        **settings,
    )


def _visit_and_answer(client, questionnaire, fields: dict[str, str]):
    base = f"/questionnaires/lien/{questionnaire.link_token}"
    assert client.get(base).status_code == 200  # the browser gets its respondent cookie
    answered = client.post(f"{base}/repondre", data=fields)
    assert answered.status_code == 303, answered.text
    return base


def _value_of(html: str, field_id: str) -> str | None:
    match = re.search(rf'<input id="{field_id}"[^>]*value="([^"]*)"', html, re.S)
    return match.group(1) if match else None


def test_a_link_visitor_changing_their_answers_finds_their_name_again(app, personas):
    questionnaire = _link_questionnaire(personas)
    question = questionnaire.questions[0].id
    client = app.test_client()
    base = _visit_and_answer(
        client,
        questionnaire,
        {
            "respondent_name": "Léa Invitée",
            "respondent_structure": "Asso Lien",
            f"q-{question}": "Des contacts",
        },
    )
    again = client.get(base).text
    assert _value_of(again, "f-respondent-name") == "Léa Invitée"
    assert _value_of(again, "f-respondent-structure") == "Asso Lien"
    assert "Des contacts" in again
    stranger = app.test_client().get(base).text  # another browser: nothing of hers
    assert _value_of(stranger, "f-respondent-name") in ("", None)


def test_an_anonymous_questionnaire_never_gives_a_name_back(app, personas):
    questionnaire = _link_questionnaire(personas, anonymous=True)
    question = questionnaire.questions[0].id
    token = questionnaire.link_token
    questionnaire_answers.submit(
        None,
        questionnaire.id,
        {str(question): "Des outils"},
        respondent={"name": "Léa Invitée", "structure": "Asso Lien"},
        respondent_key="k" * 24,
        link_token=token,
    )
    mine = questionnaire_answers.my_response(None, questionnaire.id, respondent_key="k" * 24)
    assert mine is not None and mine.answers == {str(question): "Des outils"}
    assert mine.respondent is None


@pytest.mark.parametrize(
    ("visibility", "group_shown"),
    [("everyone", True), ("after_answer", True), ("facilitators", False)],
)
def test_a_link_visitor_sees_their_grid_radar(app, personas, visibility, group_shown):
    grid = questionnaires.create(
        personas.facilitator,
        personas.space,
        title="Grille par lien",
        kind="grid",
        audience="link",
        results_visibility=visibility,
        questions=GRID,
    )
    ids = [q.id for q in sorted(grid.questions, key=lambda q: q.position)]
    client = app.test_client()
    fields = {
        "respondent_name": "Léa Invitée",
        **{f"q-{i}": str(n) for i, n in zip(ids, (5, 3, 1), strict=True)},
    }
    base = _visit_and_answer(client, grid, fields)
    thanks = client.get(f"{base}/merci")
    assert thanks.status_code == 200
    radar = re.search(r'<section class="q-radar".*?</section>', thanks.text, re.S)
    assert radar is not None, "pas de radar sur la page de remerciement"
    assert "<svg" in radar.group(0) and "Vos réponses" in radar.group(0)
    assert ("Moyenne du groupe" in radar.group(0)) is group_shown
