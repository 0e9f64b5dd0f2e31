"""Shared by the questionnaire services: loading, permissions, the API shape, writing back.

``questionnaires`` (definition), ``questionnaire_questions`` (one question at a time) and
the answer/result services build on these; nothing here is called from a view directly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import func, select, update

from . import events, kinds, pages, revision_messages
from .db import db
from .errors import AnswersExist, NotFound
from .kinds import PageKind
from .models import Page, Space, User, utcnow
from .models_questionnaires import Answer, Question, Questionnaire, Response
from .permissions import Action, require
from .questionnaire_definition import QuestionData
from .questionnaire_rendition import rendition
from .spaces import in_id_range

KIND = kinds.register(
    PageKind(
        "questionnaire",
        label=_l("Questionnaire"),
        description=_l("Des questions au groupe, des réponses qui s'affichent en direct."),
        create_endpoint="questionnaire_builder.new",  # its builder makes the definition
        facilitators_only=True,
        text_editable=False,  # its Markdown is the rendition of its definition
        order=50,
    )
)
NOT_FOUND = _l("Ce questionnaire n'existe pas ou a été supprimé.")
#: the revision message of a definition change: a code, translated where it is shown
EDITED = revision_messages.QUESTIONNAIRE_EDITED
#: the builder saves each change: one person's changes within this time make one revision
GROUP_WITHIN = dt.timedelta(minutes=5)


# --- loading and permissions ------------------------------------------------------------


def load(questionnaire_id: Any) -> Questionnaire:
    """The questionnaire (no permission check), or NotFound; its page must be live."""
    found = None
    if isinstance(questionnaire_id, int) and in_id_range(questionnaire_id):
        found = db.session.get(Questionnaire, questionnaire_id)
    if found is None or found.page.is_deleted:
        raise NotFound(NOT_FOUND)
    return found


def space_of(questionnaire: Questionnaire) -> Space:
    return questionnaire.page.space


def get(user: User | None, questionnaire_id: int) -> Questionnaire:
    questionnaire = load(questionnaire_id)
    require(user, space_of(questionnaire), Action.READ)
    return questionnaire


def for_page(user: User | None, page: Page) -> Questionnaire:
    require(user, page.space, Action.READ)
    found = db.session.scalar(select(Questionnaire).where(Questionnaire.page_id == page.id))
    if found is None or page.is_deleted:
        raise NotFound(NOT_FOUND)
    return found


def by_link_token(token: str) -> Questionnaire:
    """The questionnaire an "anyone with the link" URL names (no account needed)."""
    found = None
    if isinstance(token, str) and 20 <= len(token) <= 64:
        found = db.session.scalar(select(Questionnaire).where(Questionnaire.link_token == token))
    if found is None or found.page.is_deleted or found.audience != "link":
        raise NotFound(NOT_FOUND)
    return found


def editable(user: User | None, questionnaire_id: int) -> Questionnaire:
    """For facilitators only (archive refused): the questionnaire to change, locked."""
    questionnaire = load(questionnaire_id)
    require(user, space_of(questionnaire), Action.MANAGE)
    lock(questionnaire)
    return questionnaire


def lock(questionnaire: Questionnaire) -> None:
    """Changes of one questionnaire take turns until commit (a row lock on PostgreSQL, the
    write lock on SQLite), and what was loaded is read again after the lock: two builders
    saving at once never race for the page's next revision number or a question's version."""
    db.session.execute(
        update(Questionnaire)
        .where(Questionnaire.id == questionnaire.id)
        .values(version=Questionnaire.version)
    )
    db.session.expire_all()


def answer_link_token(user: User | None, questionnaire_id: int) -> str:
    """The secret of the "anyone with the link" URL, for facilitators to share."""
    questionnaire = load(questionnaire_id)
    require(user, space_of(questionnaire), Action.MANAGE, writing=False)
    return questionnaire.link_token


# --- reading ----------------------------------------------------------------------------


def respondent_count(questionnaire: Questionnaire) -> int:
    return (
        db.session.scalar(
            select(func.count(Response.id)).where(Response.questionnaire_id == questionnaire.id)
        )
        or 0
    )


def status(questionnaire: Questionnaire, now: dt.datetime | None = None) -> str:
    """``open``, ``not_open`` (before ``opens_at``) or ``closed`` (from ``closes_at``)."""
    now = now or utcnow()
    if questionnaire.opens_at is not None and now < questionnaire.opens_at:
        return "not_open"
    if questionnaire.closes_at is not None and now >= questionnaire.closes_at:
        return "closed"
    return "open"


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.replace(tzinfo=dt.UTC).isoformat()


def question_dict(question: Question) -> dict[str, Any]:
    return {
        "id": question.id,
        "section": question.section,
        "label": question.label,
        "type": question.type,
        "required": question.required,
        "help": question.help,
        "options": list(question.options or []),
        "allow_other": question.allow_other,
        "scale": dict(question.scale) if question.scale else None,
        "max_words": question.max_words,
        "scores": dict(question.scores or {}),
        "position": question.position,
        "version": question.version,
    }


def to_dict(questionnaire: Questionnaire) -> dict[str, Any]:
    """The API shape: settings, questions (with their ids), and how many answered."""
    page = questionnaire.page
    respondents = respondent_count(questionnaire)
    return {
        "id": questionnaire.id,
        "page_id": page.id,
        "space": {"id": page.space_id, "slug": page.space.slug},
        "slug": page.slug,
        "title": page.title,
        "kind": questionnaire.kind,
        "anonymous": questionnaire.anonymous,
        "anonymity_locked": respondents > 0,
        "audience": questionnaire.audience,
        "results_visibility": questionnaire.results_visibility,
        "opens_at": _iso(questionnaire.opens_at),
        "closes_at": _iso(questionnaire.closes_at),
        "status": status(questionnaire),
        "intro": questionnaire.intro,
        "profiles": [dict(p) for p in questionnaire.profiles or []],
        "questions": [question_dict(q) for q in ordered(questionnaire)],
        "respondents": respondents,
        "version": questionnaire.version,
    }


def ordered(questionnaire: Questionnaire) -> list[Question]:
    return sorted(questionnaire.questions, key=lambda q: (q.position, q.id or 0))


# --- writing ----------------------------------------------------------------------------


#: what a question is made of, beside its id, position and version (copied, compared, saved)
QUESTION_FIELDS = (
    "section",
    "label",
    "type",
    "required",
    "help",
    "options",
    "allow_other",
    "scale",
    "max_words",
    "scores",
)


def apply_question(question: Question, data: QuestionData) -> bool:
    """Copy ``data`` onto ``question``; True when something changed."""
    changed = False
    for name in QUESTION_FIELDS:
        value = getattr(data, name)
        if getattr(question, name) != value:
            setattr(question, name, value)
            changed = True
    return changed


def new_question(data: QuestionData, position: int) -> Question:
    question = Question(position=position, version=1)
    apply_question(question, data)
    return question


def refresh_page(user: User, questionnaire: Questionnaire, title: str | None = None) -> None:
    """Write the rendition (and title) as a revision, and commit everything; the caller
    holds the ``lock``. A person's changes in a row make one revision (``GROUP_WITHIN``)."""
    questionnaire.version = (questionnaire.version or 0) + 1
    markdown = rendition(questionnaire.intro, ordered(questionnaire))
    pages.update_page(
        user,
        questionnaire.page,
        markdown=markdown,
        title=title,
        message=EDITED,
        _generated=True,
        _group_within=GROUP_WITHIN,
    )
    db.session.commit()
    events.answers_changed.send(questionnaire)  # the live wall shows the new questions


def answered_question_ids(question_ids: Iterable[int]) -> set[int]:
    ids = [i for i in question_ids if i]
    if not ids:
        return set()
    return set(
        db.session.scalars(select(Answer.question_id).where(Answer.question_id.in_(ids)).distinct())
    )


def lost_answers_error(count: int) -> AnswersExist:
    return AnswersExist(
        lazy_ngettext(
            "Des personnes ont déjà répondu à la question retirée ou changée de type : "
            "confirmez que leurs réponses seront supprimées.",
            "Des personnes ont déjà répondu à %(num)s des questions retirées ou changées de "
            "type : confirmez que leurs réponses seront supprimées.",
            count,
        )
    )
