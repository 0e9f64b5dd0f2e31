"""One question at a time, for the builder: add, edit, delete, move, duplicate.

Each question has a ``version``: an edit names the version it started from, and a stale
one is refused (two facilitators building at once do not overwrite each other). Every
operation rewrites the questionnaire page's rendition (``questionnaires.refresh_page``).
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from .db import db
from .errors import Conflict, NotFound, ValidationError
from .models import User
from .models_questionnaires import Answer, Question
from .permissions import Action, require
from .questionnaire_core import (
    apply_question,
    editable,
    lock,
    lost_answers_error,
    new_question,
    ordered,
    question_dict,
    refresh_page,
    space_of,
)
from .questionnaire_definition import QUESTIONS_MAX
from .questionnaire_definition import question as clean_question
from .spaces import in_id_range

NULLABLE_FIELDS = frozenset({"section", "options", "scale", "max_words", "scores"})
QUESTION_NOT_FOUND = _l("Cette question n'existe pas ou a été supprimée.")


def _editable_question(user: User | None, question_id: Any) -> Question:
    found = None
    if isinstance(question_id, int) and in_id_range(question_id):
        found = db.session.get(Question, question_id)
    if found is None or found.questionnaire.page.is_deleted:
        raise NotFound(QUESTION_NOT_FOUND)
    require(user, space_of(found.questionnaire), Action.MANAGE)
    lock(found.questionnaire)
    return found


def _renumber(questions: list[Question]) -> None:
    for index, question in enumerate(questions):
        question.position = index


def _profile_keys(question: Question) -> set[str]:
    return {p["key"] for p in question.questionnaire.profiles or []}


def add_question(
    user: User, questionnaire_id: int, data: Any, *, position: int | None = None
) -> Question:
    questionnaire = editable(user, questionnaire_id)
    keys = {p["key"] for p in questionnaire.profiles or []}
    cleaned = clean_question(data, keys)
    questions = ordered(questionnaire)
    if len(questions) >= QUESTIONS_MAX:
        raise ValidationError(
            _l("Un questionnaire compte au plus %(max)s questions.", max=QUESTIONS_MAX)
        )
    question = new_question(cleaned, 0)
    at = len(questions) if position is None else max(0, min(int(position), len(questions)))
    questions.insert(at, question)
    questionnaire.questions.append(question)
    _renumber(questions)
    refresh_page(user, questionnaire)
    return question


def update_question(user: User, question_id: int, data: Any, *, base_version: int) -> Question:
    """Edit one question; ``base_version`` is the version the editor started from."""
    question = _editable_question(user, question_id)
    if base_version != question.version:
        raise Conflict(
            _l(
                "Cette question a été modifiée entre-temps par une autre personne : "
                "rechargez-la avant de l'enregistrer."
            )
        )
    # For the builder: a field sent as None stays as it is (None is a value only where
    # the definition allows it: no section, default scale, …).
    changes = {k: v for k, v in dict(data).items() if v is not None or k in NULLABLE_FIELDS}
    cleaned = clean_question({**_current(question), **changes}, _profile_keys(question))
    if cleaned.type != question.type and _has_answers(question):
        raise lost_answers_error(1)
    if apply_question(question, cleaned):
        question.version += 1
        refresh_page(user, question.questionnaire)
    return question


def _current(question: Question) -> dict[str, Any]:
    return question_dict(question)


def _has_answers(question: Question) -> bool:
    return bool(
        db.session.scalar(select(func.count(Answer.id)).where(Answer.question_id == question.id))
    )


def delete_question(user: User, question_id: int, *, confirm: bool = False) -> None:
    """Delete a question; if people answered it, only with ``confirm`` (answers go too)."""
    question = _editable_question(user, question_id)
    if _has_answers(question) and not confirm:
        raise lost_answers_error(1)
    questionnaire = question.questionnaire
    questionnaire.questions.remove(question)
    _renumber(ordered(questionnaire))
    refresh_page(user, questionnaire)


def move_question(user: User, question_id: int, position: int) -> None:
    """Put the question at ``position`` (0 = first) among the questionnaire's questions."""
    question = _editable_question(user, question_id)
    if isinstance(position, bool) or not isinstance(position, int):
        raise ValidationError(_l("La position doit être un nombre entier."), field="position")
    questions = [q for q in ordered(question.questionnaire) if q.id != question.id]
    questions.insert(max(0, min(position, len(questions))), question)
    _renumber(questions)
    refresh_page(user, question.questionnaire)


def duplicate_question(user: User, question_id: int) -> Question:
    """A copy of the question, just after it (the label says it is a copy)."""
    data = _current(_editable_question(user, question_id))
    source = db.session.get(Question, question_id)
    assert source is not None
    data.pop("id")
    label = f"{data['label']} (copie)"
    data["label"] = label[: len(data["label"])] if len(label) > 500 else label
    return add_question(user, source.questionnaire_id, data, position=source.position + 1)
