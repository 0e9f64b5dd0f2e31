"""Publishing the synthesis (charts trusted only from the space's own store, texts frozen)
and the "anyone with the link" audience (no account: name asked, key from the browser)."""

from __future__ import annotations

import pytest

from tests.questionnaires.conftest import question_ids
from wiki import pages, questionnaire_answers, questionnaire_results, questionnaires, spaces
from wiki.db import db
from wiki.errors import AuthenticationRequired, NotFound, PermissionDenied, ValidationError
from wiki.models_questionnaires import PublishedChart, Response
from wiki.page_html import render_text

BROWSER_KEY = "k" * 24


def test_synthesis_freezes_texts_and_shows_the_charts(personas, form):
    ids = question_ids(form)
    questionnaire_answers.submit(
        personas.participant,
        form.id,
        {
            str(ids["Votre structure"]): "La *Fabrique* <b>du bourg</b>",
            str(ids["Déjà coopéré ?"]): True,
        },
    )
    page = questionnaires.publish_synthesis(personas.facilitator, form.id)
    assert page.parent_id == form.page_id and page.kind != "questionnaire"  # an ordinary page
    assert "**Sami Participant** : La \\*Fabrique\\* \\<b\\>du bourg\\</b\\>" in page.markdown
    html = str(render_text(personas.space, page.markdown).html)
    assert "<b>du bourg" not in html and "&lt;b&gt;du bourg" in html
    charts = db.session.query(PublishedChart).count()
    assert html.count('<figure class="chart"><svg') == charts >= 5
    # later answers do not change the published page
    questionnaire_answers.submit(
        personas.facilitator, form.id, {str(ids["Votre structure"]): "Une autre"}
    )
    assert "Une autre" not in pages.get_page(personas.reader, page.id).markdown
    with pytest.raises(PermissionDenied):
        questionnaires.publish_synthesis(personas.participant, form.id)


def test_a_chart_block_shows_only_a_chart_of_the_same_space(personas, form):
    page = questionnaires.publish_synthesis(personas.facilitator, form.id)
    chart = db.session.query(PublishedChart).first()
    other = spaces.create_space(personas.facilitator, "Autre espace")
    block = f"```cercle-chart\n{chart.id}\n```\n"
    assert "<svg" not in str(render_text(other, block).html)  # another space's chart: text
    assert "<svg" in str(render_text(personas.space, block).html)
    typed = "```cercle-chart\n<svg onload=alert(1)>\n```\n"
    assert "<svg" not in str(render_text(personas.space, typed).html)
    assert page.id


def test_chart_text_is_escaped(personas):
    hostile = questionnaires.create(
        personas.facilitator,
        personas.space,
        title="XSS",
        questions=[
            {
                "label": "<script>alert(1)</script>",
                "type": "single_choice",
                "options": ['"><svg onload=alert(1)>', "b"],
            }
        ],
    )
    svg = questionnaire_results.results(personas.facilitator, hostile.id)["questions"][0]["svg"]
    assert "<script>" not in svg and "<svg onload" not in svg
    assert "&lt;script&gt;" in svg


@pytest.fixture
def by_link(personas):
    return questionnaires.create(
        personas.facilitator,
        personas.space,
        title="Inscription ouverte",
        audience="link",
        results_visibility="after_answer",
        questions=[{"label": "Vos attentes", "type": "long_text", "required": True}],
    )


def test_anyone_with_the_link_answers_with_a_name(personas, by_link):
    token = questionnaires.answer_link_token(personas.facilitator, by_link.id)
    assert questionnaires.by_link_token(token).id == by_link.id
    question = str(by_link.questions[0].id)
    with pytest.raises(AuthenticationRequired):
        questionnaire_answers.submit(None, by_link.id, {question: "x"}, respondent_key=BROWSER_KEY)
    with pytest.raises(ValidationError):  # the name is asked
        questionnaire_answers.submit(
            None, by_link.id, {question: "x"}, respondent_key=BROWSER_KEY, link_token=token
        )
    questionnaire_answers.submit(
        None,
        by_link.id,
        {question: "Des outils"},
        respondent={"name": "Léa Invitée", "structure": "Asso Lien"},
        respondent_key=BROWSER_KEY,
        link_token=token,
    )
    stored = db.session.query(Response).one()
    assert (stored.user_id, stored.name, stored.structure) == (None, "Léa Invitée", "Asso Lien")
    assert questionnaire_answers.my_answers(None, by_link.id, respondent_key=BROWSER_KEY) == {
        question: "Des outils"
    }
    found = questionnaire_results.results(
        None, by_link.id, respondent_key=BROWSER_KEY, link_token=token
    )
    assert found["questions"][0]["texts"] == [{"text": "Des outils", "name": "Léa Invitée"}]
    with pytest.raises(PermissionDenied):  # after_answer: another browser has not answered
        questionnaire_results.results(None, by_link.id, respondent_key="z" * 24, link_token=token)
    with pytest.raises(PermissionDenied):  # readers never answer, link or not
        questionnaire_answers.submit(personas.reader, by_link.id, {question: "x"}, link_token=token)


def test_a_wrong_link_finds_nothing(personas, by_link):
    with pytest.raises(NotFound):
        questionnaires.by_link_token("x" * 43)
    members_only = questionnaires.create(personas.facilitator, personas.space, title="Membres")
    with pytest.raises(NotFound):
        questionnaires.by_link_token(members_only.link_token)


def test_a_signed_in_stranger_with_the_link_answers_and_finds_their_answers(personas, by_link):
    question = str(by_link.questions[0].id)
    questionnaire_answers.submit(
        personas.outsider,
        by_link.id,
        {question: "Venue par le lien"},
        link_token=by_link.link_token,
    )
    mine = questionnaire_answers.my_answers(personas.outsider, by_link.id)
    assert mine == {question: "Venue par le lien"}
    found = questionnaire_results.results(
        personas.outsider, by_link.id, link_token=by_link.link_token
    )
    assert found["me"]["answers"] == mine
    assert questionnaire_answers.my_answers(personas.participant, by_link.id) is None
