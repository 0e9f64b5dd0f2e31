"""An archived-space fixture with something of everything: pages in a tree, a model, a
questionnaire with an answer, a Métaplan board, a mind map, a file and a link."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import current_app

from wiki import page_kinds, pages, questionnaire_answers, questionnaires, resources
from wiki.db import db
from wiki.models import Page, Resource
from wiki.models_questionnaires import Questionnaire

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cf000000030101005018dd8d0000000049454e44ae426082"
)


@pytest.fixture
def app_config(app_config):
    return {**app_config, "SEARCH_BACKEND": "memory"}


@dataclass
class Filled:
    parent: Page
    child: Page
    model: Page
    board: Page
    mindmap: Page
    questionnaire: Questionnaire
    file: Resource
    link: Resource


def upload_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def fill(personas) -> Filled:
    space, facilitator, participant = personas.space, personas.facilitator, personas.participant
    parent = pages.create_page(facilitator, space, "Programme", "# Programme\n\nJour 1.")
    child = pages.create_page(
        participant, space, "Atelier énergie", "Texte de l'atelier.", parent_id=parent.id
    )
    model = page_kinds.create(facilitator, space, "fiche_projet", "Fiche modèle")
    page_kinds.set_model(facilitator, model, True)
    board = page_kinds.create(facilitator, space, "metaplan", "Idées")
    mindmap = page_kinds.create(facilitator, space, "mind_map", "Carte")
    questionnaire = questionnaires.create(
        facilitator,
        space,
        title="Votre avis",
        questions=[
            {"label": "Une idée ?", "type": "short_text"},
            {"label": "En un mot ?", "type": "words", "max_words": 1},
        ],
        audience="link",
    )
    question = questionnaire.questions[0]
    questionnaire_answers.submit(participant, questionnaire.id, {str(question.id): "Oui"})
    file = resources.add_file(
        participant,
        space,
        filename="schema.png",
        stream=io.BytesIO(PNG),
        title="Schéma",
        max_bytes=10**6,
        upload_dir=upload_dir(),
    )
    link = resources.add_link(participant, space, url="https://example.org/guide", title="Guide")
    db.session.commit()
    return Filled(parent, child, model, board, mindmap, questionnaire, file, link)


@pytest.fixture
def filled(personas) -> Filled:
    return fill(personas)
