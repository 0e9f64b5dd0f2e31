"""Answering a questionnaire: who may, when, and storing one response per person.

Who answered is stored as ``respondent_key``, an HMAC of the person (user id, or the random
key an "anyone with the link" browser keeps in a cookie) with the app's ``SECRET_KEY`` and
the questionnaire's own ``secret``. A second answer by the same person replaces the first
(unique constraint on (questionnaire, key); a lost insert race is retried as a
replacement). Anonymous questionnaires store nothing else about the person; named ones
also keep the user id, or the name and structure given with the link. Nothing about the
person is logged.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from . import events
from .db import db
from .errors import (
    ArchivedSpace,
    AuthenticationRequired,
    PermissionDenied,
    QuestionnaireClosed,
    ValidationError,
)
from .models import User
from .models_questionnaires import Answer, Questionnaire, Response
from .permissions import ARCHIVED_MESSAGE, Action, require, role_of
from .questionnaire_core import load, ordered, space_of, status
from .questionnaire_definition import text
from .questionnaire_scoring import personal_result
from .questionnaire_validation import clean_answers

RETRIES = 3
NAME_MAX = 120
STRUCTURE_MAX = 200
NOT_OPEN = _l("Ce questionnaire n'est pas encore ouvert : revenez à la date d'ouverture.")
CLOSED = _l("Ce questionnaire est fermé : il ne reçoit plus de réponses.")
READER_REFUSED = _l("Votre rôle de lecteur·rice ne permet pas de répondre à ce questionnaire.")


@dataclass(frozen=True)
class Submission:
    """What was stored, in the API shape (question ids as strings)."""

    questionnaire_id: int
    replaced: bool
    answers: dict[str, Any]
    #: quiz: the person's profile; grid: their line of the radar; None otherwise
    result: dict[str, Any] | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "questionnaire_id": self.questionnaire_id,
            "replaced": self.replaced,
            "answers": self.answers,
            "result": self.result,
        }


def keyed(questionnaire: Questionnaire, kind: str, value: str) -> str:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    message = f"{questionnaire.secret}:{kind}:{value}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def respondent_key_for(
    questionnaire: Questionnaire, user: User | None, respondent_key: str | None = None
) -> str | None:
    """The stored key of this person: from their account, else from their browser's key."""
    if user is not None and getattr(user, "is_authenticated", False):
        return keyed(questionnaire, "user", str(user.id))
    if isinstance(respondent_key, str) and 16 <= len(respondent_key) <= 128:
        return keyed(questionnaire, "link", respondent_key)
    return None


def has_link(questionnaire: Questionnaire, link_token: Any) -> bool:
    """True when ``link_token`` is the secret of this "anyone with the link" questionnaire."""
    return (
        questionnaire.audience == "link"
        and isinstance(link_token, str)
        and hmac.compare_digest(link_token.encode(), questionnaire.link_token.encode())
    )


def _check_may_answer(user: User | None, questionnaire: Questionnaire, link_token: Any) -> None:
    space = space_of(questionnaire)
    if not has_link(questionnaire, link_token):
        require(user, space, Action.EDIT)  # readers 403, strangers 401/404, archive 409
        return
    if space.is_archived:
        raise ArchivedSpace(ARCHIVED_MESSAGE)
    if role_of(user, space) == "reader":
        raise PermissionDenied(READER_REFUSED)


def check_open(questionnaire: Questionnaire) -> None:
    state = status(questionnaire)
    if state != "open":
        raise QuestionnaireClosed(NOT_OPEN if state == "not_open" else CLOSED)


def _identity(questionnaire: Questionnaire, user: User | None, respondent: Any) -> dict[str, Any]:
    """What a named response keeps about the person; nothing at all when anonymous."""
    if questionnaire.anonymous:
        return {"user_id": None, "name": None, "structure": None}
    if user is not None and getattr(user, "is_authenticated", False):
        return {"user_id": user.id, "name": None, "structure": None}
    respondent = respondent if isinstance(respondent, Mapping) else {}
    return {
        "user_id": None,
        "name": text(respondent.get("name"), "name", maximum=NAME_MAX, required=True),
        "structure": text(respondent.get("structure") or "", "structure", maximum=STRUCTURE_MAX)
        or None,
    }


def _store_once(
    questionnaire: Questionnaire, key: str, cleaned: dict[int, Any], identity: dict[str, Any]
) -> bool:
    # FOR UPDATE: the same person's other requests (two tabs) wait, instead of both
    # replacing the answers at once (PostgreSQL; SQLite writes one at a time anyway).
    response = db.session.scalar(
        select(Response)
        .where(Response.questionnaire_id == questionnaire.id, Response.respondent_key == key)
        .with_for_update()
    )
    replaced = response is not None
    if response is None:
        response = Response(questionnaire_id=questionnaire.id, respondent_key=key, **identity)
        db.session.add(response)
        db.session.flush()
    else:
        for name, value in identity.items():
            setattr(response, name, value)
        db.session.execute(delete(Answer).where(Answer.response_id == response.id))
    db.session.add_all(
        Answer(response_id=response.id, question_id=question_id, value=value)
        for question_id, value in cleaned.items()
    )
    db.session.commit()
    db.session.expire(response)
    return replaced


def _store(
    questionnaire: Questionnaire, key: str, cleaned: dict[int, Any], identity: dict[str, Any]
) -> bool:
    """Insert or replace the response; a race with the same person's other request is
    lost by one of the two, which then replaces what the other stored."""
    for attempt in range(RETRIES):
        try:
            return _store_once(questionnaire, key, cleaned, identity)
        except IntegrityError:
            db.session.rollback()
            if attempt == RETRIES - 1:
                raise
    raise AssertionError("unreachable")


def submit(
    user: User | None,
    questionnaire_id: int,
    answers: Any,
    *,
    respondent: Mapping[str, Any] | None = None,
    respondent_key: str | None = None,
    link_token: str | None = None,
) -> Submission:
    """Check everything, then store the person's answers (replacing earlier ones)."""
    questionnaire = load(questionnaire_id)
    _check_may_answer(user, questionnaire, link_token)
    check_open(questionnaire)
    key = respondent_key_for(questionnaire, user, respondent_key)
    if key is None:
        raise AuthenticationRequired(_l("Connectez-vous, ou ouvrez le lien reçu, pour répondre."))
    questions = ordered(questionnaire)
    cleaned = clean_answers(questions, answers)
    identity = _identity(questionnaire, user, respondent)
    replaced = _store(questionnaire, key, cleaned, identity)
    events.answers_changed.send(questionnaire)
    return Submission(
        questionnaire_id=questionnaire.id,
        replaced=replaced,
        answers={str(question_id): value for question_id, value in cleaned.items()},
        result=personal_result(questionnaire, questions, cleaned),
    )


def response_of(questionnaire: Questionnaire, key: str | None) -> Response | None:
    if key is None:
        return None
    return db.session.scalar(
        select(Response).where(
            Response.questionnaire_id == questionnaire.id, Response.respondent_key == key
        )
    )


@dataclass(frozen=True)
class MyResponse:
    """What a person sees again when they come back to change their answers."""

    #: question id → value
    answers: dict[str, Any]
    #: the name and structure given with the link (named questionnaires only, else None)
    respondent: dict[str, str] | None


def my_response(
    user: User | None, questionnaire_id: int, *, respondent_key: str | None = None
) -> MyResponse | None:
    """The person's stored response, or None if they have not answered.

    Readable by the person who answered only: the key is derived from who asks, so no
    other permission is needed (someone who answered through the link may not be a member).
    An anonymous questionnaire stores no name, and none is ever returned for it.
    """
    questionnaire = load(questionnaire_id)
    response = response_of(questionnaire, respondent_key_for(questionnaire, user, respondent_key))
    if response is None:
        return None
    answers = {str(answer.question_id): answer.value for answer in response.answers}
    respondent = None
    if not questionnaire.anonymous and response.user_id is None and response.name:
        respondent = {"name": response.name, "structure": response.structure or ""}
    return MyResponse(answers, respondent)


def my_answers(
    user: User | None, questionnaire_id: int, *, respondent_key: str | None = None
) -> dict[str, Any] | None:
    """The person's stored answers (question id → value), or None (see ``my_response``)."""
    mine = my_response(user, questionnaire_id, respondent_key=respondent_key)
    return None if mine is None else mine.answers


def require_answer_shape(body: Any) -> Any:
    """``{"answers": {...}}`` → the inner object (for the API and the HTML form)."""
    if not isinstance(body, Mapping) or "answers" not in body:
        raise ValidationError(
            _l('Envoyez vos réponses sous la forme {"answers": {"<question>": réponse}}.'),
            field="answers",
        )
    return body["answers"]
