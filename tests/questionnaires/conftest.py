"""Questionnaire fixtures: a space with personas (tests/conftest.py) and sample definitions."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from wiki import accounts, questionnaires
from wiki.models_questionnaires import Questionnaire

API = "/api/v1"
PERSONAS = ("admin", "facilitator", "participant", "reader", "outsider")

FORM_QUESTIONS = [
    {"label": "Votre structure", "type": "short_text", "required": True},
    {"label": "Vos coopérations en cours", "type": "long_text"},
    {
        "label": "Votre statut",
        "type": "single_choice",
        "options": ["Association", "SCOP", "SCIC"],
        "allow_other": True,
    },
    {
        "label": "Vos attentes",
        "type": "multiple_choice",
        "options": ["Des outils", "Des contacts", "Des statuts"],
    },
    {
        "label": "Votre niveau de coopération",
        "type": "scale",
        "scale": {"min": 1, "max": 5, "min_label": "faible", "max_label": "fort"},
    },
    {"label": "Déjà coopéré ?", "type": "yes_no"},
    {"label": "Salarié·es", "type": "number"},
    {"label": "Date de création", "type": "date"},
    {"label": "Vos priorités", "type": "ranking", "options": ["Temps", "Argent", "Confiance"]},
    {"label": "La coopération en mots", "type": "words", "max_words": 3},
]


def question_ids(questionnaire: Questionnaire) -> dict[str, int]:
    """Label → id."""
    return {q.label: q.id for q in questionnaire.questions}


@pytest.fixture
def form(personas) -> Questionnaire:
    return questionnaires.create(
        personas.facilitator,
        personas.space,
        title="Questionnaire d'inscription",
        intro="Merci de répondre **avant** la journée.",
        questions=FORM_QUESTIONS,
    )


@pytest.fixture
def tokens(personas) -> dict[str, str]:
    return {name: accounts.create_token(getattr(personas, name)) for name in PERSONAS}


@pytest.fixture
def call(app, tokens) -> Callable:
    """``call(method, path, who, **kwargs)``: one API request, as a persona or anonymous."""
    client = app.test_client()

    def _call(method: str, path: str, who: str | None = None, **kwargs):
        headers = dict(kwargs.pop("headers", {}))
        if who is not None:
            headers["Authorization"] = f"Bearer {tokens[who]}"
        return client.open(API + path, method=method, headers=headers, **kwargs)

    return _call
