"""Results computed right on hand-made answers: counts, means, ranks, words, quiz, grid."""

from __future__ import annotations

import pytest

from tests.conftest import make_user
from tests.questionnaires.conftest import question_ids
from wiki import questionnaire_answers, questionnaire_results, questionnaires, spaces
from wiki.errors import PermissionDenied

PROFILES = [
    {"key": "necessite", "title": "Nécessité", "text": "Vous coopérez parce qu'il le faut."},
    {"key": "securite", "title": "Sécurité", "text": "Vous coopérez pour être plus fort."},
    {"key": "facilite", "title": "Facilité", "text": "Vous coopérez pour gagner du temps."},
    {"key": "plaisir", "title": "Plaisir", "text": "Vous coopérez pour le plaisir."},
]
QUIZ_QUESTIONS = [
    {
        "label": "Pourquoi rejoindre un groupement ?",
        "type": "single_choice",
        "options": ["Survivre", "Être protégé", "Aller plus vite", "Rencontrer"],
        "scores": {
            "Survivre": {"necessite": 2},
            "Être protégé": {"securite": 2},
            "Aller plus vite": {"facilite": 2},
            "Rencontrer": {"plaisir": 2},
        },
    },
    {
        "label": "Ce qui compte pour vous",
        "type": "multiple_choice",
        "options": ["Les moyens", "La confiance", "La convivialité"],
        "scores": {
            "Les moyens": {"necessite": 1, "facilite": 1},
            "La confiance": {"securite": 1},
            "La convivialité": {"plaisir": 3},
        },
    },
]
GRID_QUESTIONS = [
    {"label": "Indicateur A1", "type": "scale", "section": "Objectif A"},
    {"label": "Indicateur A2", "type": "scale", "section": "Objectif A"},
    {"label": "Indicateur B1", "type": "scale", "section": "Objectif B"},
    {"label": "Indicateur C1", "type": "scale", "section": "Objectif C"},
]


def people(personas, count: int):
    found = []
    for index in range(count):
        user = make_user(f"p{index}@cercle.test", f"Personne {index}")
        spaces.join_space(personas.space, user, "participant")
        found.append(user)
    return found


def test_form_counts_means_ranks_words(personas, form):
    ids = question_ids(form)
    answers = [
        {
            "Votre structure": "A",
            "Votre statut": "SCOP",
            "Vos attentes": ["Des outils"],
            "Votre niveau de coopération": 2,
            "Déjà coopéré ?": True,
            "Salarié·es": 4,
            "Vos priorités": ["Confiance", "Temps", "Argent"],
            "La coopération en mots": ["Coopération", "confiance"],
        },
        {
            "Votre structure": "B",
            "Votre statut": "Collectif informel",
            "Vos attentes": ["Des outils", "Des statuts"],
            "Votre niveau de coopération": 5,
            "Déjà coopéré ?": False,
            "Salarié·es": 10,
            "Vos priorités": ["Temps", "Confiance", "Argent"],
            "La coopération en mots": ["coopérations", "Le temps"],
        },
        {"Votre structure": "C", "Votre niveau de coopération": 5, "Déjà coopéré ?": True},
    ]
    for user, given in zip(people(personas, 3), answers, strict=True):
        questionnaire_answers.submit(user, form.id, {str(ids[k]): v for k, v in given.items()})
    found = questionnaire_results.results(personas.reader, form.id)
    by_label = {q["label"]: q for q in found["questions"]}
    assert found["respondents"] == 3
    statut = by_label["Votre statut"]
    assert statut["counts"] == {"Association": 0, "SCOP": 1, "SCIC": 0}
    assert statut["other"] == {"count": 1, "texts": ["Collectif informel"]}
    assert by_label["Vos attentes"]["counts"] == {
        "Des outils": 2,
        "Des contacts": 0,
        "Des statuts": 1,
    }
    scale = by_label["Votre niveau de coopération"]
    assert scale["counts"] == {"1": 0, "2": 1, "3": 0, "4": 0, "5": 2}
    assert scale["mean"] == 4.0
    assert by_label["Déjà coopéré ?"]["counts"] == {"oui": 2, "non": 1}
    assert by_label["Salarié·es"]["mean"] == 7.0
    assert by_label["Vos priorités"]["mean_rank"] == {"Temps": 1.5, "Argent": 3.0, "Confiance": 1.5}
    words = {
        w["stem"]: (w["word"], w["count"]) for w in by_label["La coopération en mots"]["words"]
    }
    assert words["cooper"] == ("coopération", 2)  # « Coopération » and « coopérations »
    assert words["temp"][1] == 1 and words["confianc"][1] == 1
    assert sorted(t["text"] for t in by_label["Votre structure"]["texts"]) == ["A", "B", "C"]
    assert all("name" in card for card in by_label["Votre structure"]["texts"])
    for question in found["questions"]:
        if question["svg"]:
            assert question["svg"].startswith("<svg") and "<script" not in question["svg"]


def test_quiz_profile_and_group_spread(personas):
    quiz = questionnaires.create(
        personas.facilitator,
        personas.space,
        title="Quel coopérateur êtes-vous ?",
        kind="quiz",
        anonymous=True,
        profiles=PROFILES,
        questions=QUIZ_QUESTIONS,
    )
    q1, q2 = (str(q.id) for q in questionnaires.get(personas.facilitator, quiz.id).questions)
    alice, bob, chloe = people(personas, 3)
    # alice: necessite 2 + (moyens) necessite 1, facilite 1 → nécessité (3)
    mine = questionnaire_answers.submit(alice, quiz.id, {q1: "Survivre", q2: ["Les moyens"]})
    assert mine.result["profile"]["key"] == "necessite"
    assert mine.result["scores"] == {"necessite": 3, "securite": 0, "facilite": 1, "plaisir": 0}
    # bob: facilite 2 + plaisir 3 → plaisir
    questionnaire_answers.submit(bob, quiz.id, {q1: "Aller plus vite", q2: ["La convivialité"]})
    # chloe: securite 2 + securite 1 + plaisir 3 → plaisir (3) ties securite (3): first in order
    questionnaire_answers.submit(
        chloe, quiz.id, {q1: "Être protégé", q2: ["La confiance", "La convivialité"]}
    )
    found = questionnaire_results.results(alice, quiz.id)
    assert found["profiles"]["counts"] == {
        "necessite": 1,
        "securite": 1,
        "facilite": 0,
        "plaisir": 1,
    }
    assert found["me"]["result"]["profile"]["title"] == "Nécessité"
    assert "Nécessité" in found["profiles"]["svg"]


def test_grid_radar_group_mean_and_own_line(personas):
    grid = questionnaires.create(
        personas.facilitator,
        personas.space,
        title="Grille",
        kind="grid",
        questions=GRID_QUESTIONS,
    )
    a1, a2, b1, c1 = (str(q.id) for q in grid.questions)
    alice, bob = people(personas, 2)
    questionnaire_answers.submit(alice, grid.id, {a1: 1, a2: 3, b1: 5, c1: 2})
    questionnaire_answers.submit(bob, grid.id, {a1: 4, b1: 3})
    found = questionnaire_results.results(bob, grid.id)
    radar = found["radar"]
    assert radar["axes"] == ["Objectif A", "Objectif B", "Objectif C"]
    # alice: A = (1+3)/2 = 2, B = 5, C = 2 ; bob: A = 4, B = 3, C = none
    assert radar["group"] == [3.0, 4.0, 2.0]
    assert radar["me"] == [4.0, 3.0, None]
    assert found["radar_svg"].count("<polygon") >= 2
    assert "Vos réponses" in found["radar_svg"]


def test_results_visibility(personas, form):
    questionnaires.update_settings(personas.facilitator, form.id, results_visibility="after_answer")
    with pytest.raises(PermissionDenied):
        questionnaire_results.results(personas.participant, form.id)
    ids = question_ids(form)
    questionnaire_answers.submit(personas.participant, form.id, {str(ids["Votre structure"]): "X"})
    assert questionnaire_results.results(personas.participant, form.id)["respondents"] == 1
    questionnaires.update_settings(personas.facilitator, form.id, results_visibility="facilitators")
    with pytest.raises(PermissionDenied):
        questionnaire_results.results(personas.participant, form.id)
    assert questionnaire_results.results(personas.facilitator, form.id)["respondents"] == 1


def test_hidden_word_leaves_the_wall(personas, form):
    ids = question_ids(form)
    words_id = ids["La coopération en mots"]
    questionnaire_answers.submit(
        personas.participant,
        form.id,
        {str(ids["Votre structure"]): "X", str(words_id): ["Confiance", "bêtise"]},
    )
    questionnaire_results.hide_word(personas.facilitator, words_id, "betis")
    found = questionnaire_results.results(personas.participant, form.id)
    words = next(q for q in found["questions"] if q["id"] == words_id)
    assert [w["stem"] for w in words["words"]] == ["confianc"]
    assert "hidden" not in words
    manager_view = questionnaire_results.results(personas.facilitator, form.id)
    assert [
        w["stem"]
        for w in next(q for q in manager_view["questions"] if q["id"] == words_id)["hidden"]
    ] == ["betis"]
