"""Questionnaire services: definition round trip, rendition, answers stored and replaced."""

from __future__ import annotations

import pytest

from tests.questionnaires.conftest import question_ids
from wiki import questionnaire_answers, questionnaires
from wiki.db import db
from wiki.errors import AnswersExist, Conflict, PermissionDenied, ValidationError
from wiki.models_questionnaires import Response


def test_create_makes_a_page_of_kind_questionnaire_with_the_rendition(form):
    page = form.page
    assert page.kind == "questionnaire"
    assert page.title == "Questionnaire d'inscription"
    assert "Merci de répondre **avant** la journée." in page.markdown
    assert "1. **Votre structure** *(obligatoire)*" in page.markdown
    assert "Choix unique : Association · SCOP · SCIC · Autre : …" in page.markdown
    shape = questionnaires.to_dict(form)
    assert [q["type"] for q in shape["questions"]][:3] == [
        "short_text",
        "long_text",
        "single_choice",
    ]
    assert all(isinstance(q["id"], int) for q in shape["questions"])
    assert shape["status"] == "open" and shape["respondents"] == 0


def test_participant_cannot_build(personas, form):
    with pytest.raises(PermissionDenied):
        questionnaires.update(personas.participant, form.id, {"intro": "x"})


def test_answer_is_replaced_by_a_second_answer(personas, form):
    ids = question_ids(form)
    first = questionnaire_answers.submit(
        personas.participant, form.id, {str(ids["Votre structure"]): "Asso A"}
    )
    second = questionnaire_answers.submit(
        personas.participant, form.id, {str(ids["Votre structure"]): "Asso B"}
    )
    assert (first.replaced, second.replaced) == (False, True)
    assert db.session.query(Response).count() == 1
    mine = questionnaire_answers.my_answers(personas.participant, form.id)
    assert mine == {str(ids["Votre structure"]): "Asso B"}


def test_anonymity_is_frozen_after_the_first_answer(personas, form):
    ids = question_ids(form)
    questionnaire_answers.submit(personas.participant, form.id, {str(ids["Votre structure"]): "A"})
    with pytest.raises(Conflict):
        questionnaires.update_settings(personas.facilitator, form.id, anonymous=True)


def test_deleting_an_answered_question_needs_confirmation(personas, form):
    ids = question_ids(form)
    questionnaire_answers.submit(
        personas.participant,
        form.id,
        {str(ids["Votre structure"]): "A", str(ids["Déjà coopéré ?"]): True},
    )
    with pytest.raises(AnswersExist):
        questionnaires.delete_question(personas.facilitator, ids["Déjà coopéré ?"])
    questionnaires.delete_question(personas.facilitator, ids["Déjà coopéré ?"], confirm=True)
    assert "Déjà coopéré" not in form.page.markdown
    mine = questionnaire_answers.my_answers(personas.participant, form.id)
    assert str(ids["Déjà coopéré ?"]) not in mine


def test_update_question_refuses_a_stale_version(personas, form):
    question_id = question_ids(form)["Votre structure"]
    questionnaires.update_question(
        personas.facilitator, question_id, {"label": "Votre structure (nom)"}, base_version=1
    )
    with pytest.raises(Conflict):
        questionnaires.update_question(
            personas.facilitator, question_id, {"label": "Autre chose"}, base_version=1
        )


def test_move_and_duplicate(personas, form):
    ids = question_ids(form)
    questionnaires.move_question(personas.facilitator, ids["Déjà coopéré ?"], 0)
    copy = questionnaires.duplicate_question(personas.facilitator, ids["Déjà coopéré ?"])
    labels = [q["label"] for q in questionnaires.to_dict(form)["questions"]]
    assert labels[:2] == ["Déjà coopéré ?", "Déjà coopéré ? (copie)"]
    assert copy.position == 1


def test_add_question_checks_its_definition(personas, form):
    with pytest.raises(ValidationError):
        questionnaires.add_question(personas.facilitator, form.id, {"label": "x", "type": "nope"})
    with pytest.raises(ValidationError):
        questionnaires.add_question(
            personas.facilitator, form.id, {"label": "x", "type": "scale", "scale": {"max": 11}}
        )
    added = questionnaires.add_question(
        personas.facilitator, form.id, {"label": "Votre ville", "type": "short_text"}, position=0
    )
    assert questionnaires.to_dict(form)["questions"][0]["id"] == added.id


def test_an_archived_space_keeps_its_results_but_takes_no_answer(personas, form):
    from wiki import questionnaire_results
    from wiki.errors import ArchivedSpace
    from wiki.models import utcnow

    ids = question_ids(form)
    questionnaire_answers.submit(personas.participant, form.id, {str(ids["Votre structure"]): "A"})
    personas.space.archived_at = utcnow()
    db.session.commit()
    with pytest.raises(ArchivedSpace):
        questionnaire_answers.submit(
            personas.participant, form.id, {str(ids["Votre structure"]): "B"}
        )
    with pytest.raises(ArchivedSpace):
        questionnaires.update_settings(personas.facilitator, form.id, intro="Fermé")
    assert questionnaire_results.results(personas.reader, form.id)["respondents"] == 1
