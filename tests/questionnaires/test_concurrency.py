"""40 people answering at the same instant are all counted, once each (both databases)."""

from __future__ import annotations

import threading

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import make_user
from wiki import accounts, questionnaires, spaces
from wiki.db import db
from wiki.models_questionnaires import Answer, Response

CLIENTS = 40


def _answer_all_at_once(app, questionnaire_id: int, tokens: list[str], body: dict) -> list[int]:
    start = threading.Barrier(len(tokens))
    statuses: list[int] = []

    def answer(token: str) -> None:
        with app.app_context():
            client = app.test_client()
            start.wait()
            response = client.post(
                f"/api/v1/questionnaires/{questionnaire_id}/answers",
                json=body,
                headers={"Authorization": f"Bearer {token}"},
            )
            statuses.append(response.status_code)

    threads = [threading.Thread(target=answer, args=(token,)) for token in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses


def _counts() -> tuple[int, int]:
    with Session(db.engine) as session:
        responses = session.scalar(select(func.count()).select_from(Response))
        answers = session.scalar(select(func.count()).select_from(Answer))
    return responses or 0, answers or 0


def test_forty_clients_at_once_are_all_counted_once(app, personas):
    questionnaire = questionnaires.create(
        personas.facilitator,
        personas.space,
        title="Météo d'arrivée",
        anonymous=True,
        questions=[{"label": "Votre énergie", "type": "scale", "required": True}],
    )
    question_id = str(questionnaire.questions[0].id)
    tokens = []
    for index in range(CLIENTS):
        user = make_user(f"c{index}@cercle.test", f"Client {index}")
        spaces.join_space(personas.space, user, "participant")
        tokens.append(accounts.create_token(user))
    statuses = _answer_all_at_once(app, questionnaire.id, tokens, {"answers": {question_id: 4}})
    assert sorted(statuses) == [201] * CLIENTS
    assert _counts() == (CLIENTS, CLIENTS)


def test_one_person_answering_from_many_tabs_at_once_is_one_response(app, personas):
    questionnaire = questionnaires.create(
        personas.facilitator,
        personas.space,
        title="Une réponse",
        questions=[{"label": "Votre énergie", "type": "scale"}],
    )
    question_id = str(questionnaire.questions[0].id)
    token = accounts.create_token(personas.participant)
    statuses = _answer_all_at_once(
        app, questionnaire.id, [token] * 8, {"answers": {question_id: 2}}
    )
    assert sorted(statuses) == [200] * 7 + [201]
    assert _counts() == (1, 1)
