"""Ready-made questionnaires: the five built-in French models, and a space's own models."""

from __future__ import annotations

import pytest

from wiki import questionnaire_answers, questionnaire_results, questionnaires
from wiki.errors import NotFound, PermissionDenied
from wiki.questionnaire_library import builtin_models

BUILTIN_TITLES = {
    "Questionnaire d'inscription",
    "Quel coopérateur êtes-vous ?",
    "Grille d'auto-évaluation de la coopération",
    "Évaluation à chaud",
    "Évaluation à froid",
}


def test_the_five_builtin_models_are_listed(personas):
    models = questionnaires.list_models(personas.facilitator, personas.space)
    assert {m.title for m in models if m.builtin} == BUILTIN_TITLES
    with pytest.raises(PermissionDenied):
        questionnaires.list_models(personas.participant, personas.space)


def test_every_builtin_model_makes_a_questionnaire(personas):
    for key, model in builtin_models().items():
        created = questionnaires.create_from_model(personas.facilitator, personas.space, key)
        shape = questionnaires.to_dict(created)
        assert shape["title"] == model["title"], key
        assert len(shape["questions"]) == len(model["questions"]), key
        assert created.page.kind == "questionnaire"
        # every point of a quiz lands on an option and a profile that exist
        for question, source in zip(shape["questions"], model["questions"], strict=True):
            assert question["scores"] == source.get("scores", {}), (key, question["label"])


def test_quiz_model_scores_every_profile_and_grid_marks_its_examples(personas):
    quiz = questionnaires.create_from_model(
        personas.facilitator, personas.space, "quiz-cooperateur"
    )
    keys = [p["key"] for p in quiz.profiles]
    assert keys == ["necessite", "securite", "facilite", "plaisir"]
    first = quiz.questions[0]
    answer = {str(q.id): q.options[3] for q in quiz.questions if q.type == "single_choice"}
    answer[str(first.id)] = first.options[0]
    mine = questionnaire_answers.submit(personas.participant, quiz.id, answer)
    assert mine.result["profile"]["key"] == "plaisir"
    grid = questionnaires.create_from_model(
        personas.facilitator, personas.space, "grille-cooperation"
    )
    assert all("exemple" in q.section.lower() for q in grid.questions)
    assert "exemples à remplacer" in grid.intro
    found = questionnaire_results.results(personas.facilitator, grid.id)
    assert len(found["radar"]["axes"]) == 3


def test_save_as_model_for_the_space(personas, form):
    saved = questionnaires.save_as_model(personas.facilitator, form.id)
    assert saved.builtin is False and saved.title == form.title
    listed = questionnaires.list_models(personas.facilitator, personas.space)
    assert saved in listed
    copy = questionnaires.create_from_model(
        personas.facilitator, personas.space, saved.key, title="Inscription, session 2"
    )
    assert [q.label for q in copy.questions] == [q.label for q in form.questions]
    assert copy.id != form.id
    with pytest.raises(NotFound):
        questionnaires.create_from_model(personas.facilitator, personas.space, "space-999999")
