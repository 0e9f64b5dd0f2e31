"""Anonymity holds everywhere: no answerer's name, e-mail, id or colour in any output.

Three people answer an anonymous questionnaire (texts, words, choices); then every output
is searched for them: the API (questionnaire, results), the CSV, the published synthesis
(Markdown, HTML, history), the search index, the stored rows, and every log line.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import asdict

import pytest
from sqlalchemy import select

from search.service import EXTENSION
from tests.conftest import make_user
from wiki import accounts, questionnaire_answers, questionnaires, spaces
from wiki.db import db
from wiki.models import Revision
from wiki.models_questionnaires import Response

ANSWERERS = [
    ("Hortense Quillard", "hortense.quillard@asso.test", "#a1b2c3"),
    ("Barnabé Zorglub", "barnabe.zorglub@scop.test", "#c3b2a1"),
    ("Ysolde Vermicelle", "ysolde.vermicelle@scic.test", "#0badc0"),
]
QUESTIONS = [
    {"label": "Ce qui vous freine", "type": "long_text", "required": True},
    {"label": "Trois mots", "type": "words"},
    {
        "label": "Votre statut",
        "type": "single_choice",
        "options": ["Association", "SCOP"],
        "allow_other": True,
    },
    {"label": "Énergie", "type": "scale"},
]
ANSWERS = [
    ("Le temps qui manque", ["confiance"], "SCOP", 2),
    ("Les statuts flous", ["coopérations", "temps"], "Collectif", 5),
    ("Rien de spécial", ["coopération"], "Association", 3),
]


@pytest.fixture
def app_config(app_config: dict) -> dict:
    return {**app_config, "SEARCH_BACKEND": "memory"}


def _forbidden(people) -> list[str]:
    """What must never appear: names (and their parts), e-mails, colours, user ids."""
    words = []
    for user in people:
        words += [user.name, *user.name.split(), user.email, user.color]
        words += [f'"user_id": {user.id}', f"user {user.id}", f"user:{user.id}"]
    return words


def _assert_clean(where: str, text: str, people) -> None:
    for word in _forbidden(people):
        assert word.lower() not in text.lower(), f"{word!r} found in {where}"


def test_no_answerer_is_named_anywhere(app, personas, call, client_for, caplog):
    caplog.set_level(logging.DEBUG)
    people = []
    for name, email, colour in ANSWERERS:
        user = make_user(email, name, color=colour)
        spaces.join_space(personas.space, user, "participant")
        people.append(user)
    questionnaire = questionnaires.create(
        personas.facilitator,
        personas.space,
        title="Retours à chaud",
        anonymous=True,
        questions=QUESTIONS,
    )
    ids = [str(q.id) for q in questionnaire.questions]
    for user, values in zip(people, ANSWERS, strict=True):
        token = accounts.create_token(user)
        response = app.test_client().post(
            f"/api/v1/questionnaires/{questionnaire.id}/answers",
            json={"answers": dict(zip(ids, values, strict=True))},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 201
        _assert_clean("the answer's own response", response.get_data(as_text=True), people)

    outputs = {
        "questionnaire API": call("GET", f"/questionnaires/{questionnaire.id}", "reader").data,
        "results API": call("GET", f"/questionnaires/{questionnaire.id}/results", "reader").data,
        "CSV": call("GET", f"/questionnaires/{questionnaire.id}/answers.csv", "facilitator").data,
    }
    page = questionnaires.publish_synthesis(personas.facilitator, questionnaire.id)
    outputs["synthesis API"] = call("GET", f"/pages/{page.id}", "reader").data
    html = client_for(personas.reader).get(f"/s/{personas.space.slug}/p/{page.slug}")
    assert html.status_code == 200
    outputs["synthesis HTML"] = html.data
    outputs["history API"] = call("GET", f"/pages/{page.id}/revisions", "reader").data
    outputs["questionnaire history"] = call(
        "GET", f"/pages/{questionnaire.page_id}/revisions", "reader"
    ).data
    revisions = db.session.scalars(select(Revision)).all()
    outputs["revisions"] = json.dumps([(r.title, r.markdown, r.message) for r in revisions])
    assert not {r.author_id for r in revisions} & {u.id for u in people}
    index = app.extensions[EXTENSION].backend.docs
    outputs["search index"] = json.dumps([asdict(d) for d in index.values()], default=str)
    assert all(not set(d.author_ids) & {u.id for u in people} for d in index.values())
    outputs["logs"] = "\n".join(r.getMessage() for r in caplog.records)
    for where, data in outputs.items():
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        _assert_clean(where, text, people)

    # the answers are there, just not who gave them
    assert "Les statuts flous" in outputs["CSV"].decode()
    assert "Les statuts flous" in outputs["synthesis API"].decode()
    assert outputs["synthesis HTML"].count(b'<figure class="chart"><svg') >= 3
    stored = db.session.scalars(select(Response)).all()
    assert [(r.user_id, r.name, r.structure) for r in stored] == [(None, None, None)] * 3
    # rows follow the keyed hashes, not the order people answered in
    keys = sorted(r.respondent_key for r in stored)
    csv_texts = [line.split(";")[0] for line in outputs["CSV"].decode("utf-8-sig").splitlines()[1:]]
    by_key = {r.respondent_key: r for r in stored}
    expected = [
        next(a.value for a in by_key[k].answers if a.question_id == int(ids[0])) for k in keys
    ]
    assert [t.strip('"') for t in csv_texts] == expected


def test_respondent_keys_do_not_reveal_the_user_id(app, personas):
    questionnaire = questionnaires.create(
        personas.facilitator, personas.space, title="Q", anonymous=True, questions=QUESTIONS
    )
    key = questionnaire_answers.respondent_key_for(questionnaire, personas.participant)
    plain = hashlib.sha256(f"user:{personas.participant.id}".encode()).hexdigest()
    assert len(key) == 64 and key != plain  # keyed (SECRET_KEY + secret): not guessable
    other = questionnaires.create(
        personas.facilitator, personas.space, title="Q2", anonymous=True, questions=QUESTIONS
    )
    # a different questionnaire, a different key: answers cannot be linked across them
    assert questionnaire_answers.respondent_key_for(other, personas.participant) != key


def test_access_logs_drop_answer_submissions(caplog):
    from wiki.access_logs import hide_answer_submissions

    hide_answer_submissions("cercle.test.access")
    logger = logging.getLogger("cercle.test.access")
    who = '10.0.0.7 - - [02/Dec/2026 10:42:07] "'
    with caplog.at_level(logging.INFO, logger="cercle.test.access"):
        for request in (
            'POST /api/v1/questionnaires/3/answers HTTP/1.1" 201',
            'POST /questionnaires/3/repondre HTTP/1.1" 303',
            'POST /questionnaires/lien/abc/repondre HTTP/1.1" 303',
            'GET /questionnaires/3/resultats HTTP/1.1" 200',
        ):
            logger.info(who + request)
    assert [r.getMessage() for r in caplog.records] == [
        who + 'GET /questionnaires/3/resultats HTTP/1.1" 200'
    ]
