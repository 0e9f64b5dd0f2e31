"""Questionnaires (issue 9): create, read, edit a questionnaire's definition and settings.

A questionnaire is a page of kind ``questionnaire`` plus one ``Questionnaire`` row. Every
change of the definition rewrites the page's Markdown rendition (a new revision), so history,
search and export see the questions. Facilitators (``MANAGE``) build; everyone who can read
the space reads the definition. Per-question operations live in ``questionnaire_questions``,
models in ``questionnaire_library``, the synthesis in ``questionnaire_synthesis``; they are
re-exported here so callers need one module (see docs/questionnaires-contract.md).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l

from . import pages
from .db import db
from .errors import Conflict, NotFound, ValidationError
from .models import Space, User
from .models_questionnaires import Answer, Questionnaire
from .permissions import Action, require
from .questionnaire_core import (
    KIND,
    answer_link_token,
    answered_question_ids,
    apply_question,
    by_link_token,
    editable,
    for_page,
    get,
    lost_answers_error,
    new_question,
    refresh_page,
    respondent_count,
    status,
    to_dict,
)
from .questionnaire_definition import QuestionData, integer
from .questionnaire_definition import profiles as clean_profiles
from .questionnaire_definition import questions as clean_questions
from .questionnaire_definition import settings as clean_settings
from .questionnaire_rendition import rendition
from .spaces import clean_title

ANONYMITY_FROZEN = _l(
    "L'anonymat ne peut plus changer : des personnes ont déjà répondu à ce questionnaire."
)
SETTING_NAMES = (
    "kind",
    "anonymous",
    "audience",
    "results_visibility",
    "opens_at",
    "closes_at",
    "intro",
)


def create(
    user: User,
    space: Space,
    *,
    title: str,
    kind: str = "form",
    anonymous: bool = False,
    audience: str = "members",
    results_visibility: str = "everyone",
    opens_at: Any = None,
    closes_at: Any = None,
    intro: str = "",
    questions: Sequence[Mapping[str, Any]] = (),
    profiles: Sequence[Mapping[str, Any]] = (),
    parent_id: int | None = None,
) -> Questionnaire:
    """A new questionnaire page; everything is checked before anything is written."""
    require(user, space, Action.MANAGE)
    if not isinstance(title, str):
        raise ValidationError(_l("« title » doit être un texte."), field="title")
    title = clean_title(title)
    settings = clean_settings(
        kind=kind,
        anonymous=anonymous,
        audience=audience,
        results_visibility=results_visibility,
        opens_at=opens_at,
        closes_at=closes_at,
        intro=intro,
    )
    cleaned_profiles = clean_profiles(profiles)
    keys = {p["key"] for p in cleaned_profiles}
    cleaned = clean_questions(questions, keys)
    questionnaire = Questionnaire(
        space_id=space.id,
        profiles=cleaned_profiles,
        hidden_words=[],
        link_token=secrets.token_urlsafe(32),
        secret=secrets.token_hex(32),
        version=1,
        questions=[new_question(data, index) for index, data in enumerate(cleaned)],
        **settings,
    )
    markdown = rendition(settings["intro"], questionnaire.questions)
    page = pages.create_page(user, space, title, markdown, parent_id=parent_id, kind=KIND.name)
    questionnaire.page_id = page.id
    db.session.add(questionnaire)
    db.session.commit()
    return questionnaire


def _check_anonymity(questionnaire: Questionnaire, anonymous: bool) -> None:
    if anonymous != questionnaire.anonymous and respondent_count(questionnaire) > 0:
        raise Conflict(ANONYMITY_FROZEN)


def _replace_questions(
    questionnaire: Questionnaire, incoming: list[QuestionData], confirm: bool
) -> None:
    existing = {q.id: q for q in questionnaire.questions}
    for data in incoming:
        if data.id is not None and data.id not in existing:
            raise NotFound(
                _l("La question %(id)s n'appartient pas à ce questionnaire.", id=data.id)
            )
    kept = {data.id: data for data in incoming if data.id is not None}
    removed = [q for q in existing.values() if q.id not in kept]
    retyped = [q for q in existing.values() if q.id in kept and kept[q.id].type != q.type]
    losing = answered_question_ids(q.id for q in removed + retyped)
    if losing and not confirm:
        raise lost_answers_error(len(losing))
    for question in retyped:
        db.session.execute(Answer.__table__.delete().where(Answer.question_id == question.id))
    for question in removed:
        questionnaire.questions.remove(question)
    for position, data in enumerate(incoming):
        if data.id is None:
            questionnaire.questions.append(new_question(data, position))
            continue
        question = existing[data.id]
        if apply_question(question, data) or question.position != position:
            question.version += 1
        question.position = position


def _settings_from(questionnaire: Questionnaire, data: Mapping[str, Any]) -> dict[str, Any]:
    current = {name: getattr(questionnaire, name) for name in SETTING_NAMES}
    for name in ("opens_at", "closes_at"):  # stored naive UTC; checked again as aware
        current[name] = current[name] and current[name].replace(tzinfo=dt.UTC)
    return clean_settings(**{**current, **{k: data[k] for k in SETTING_NAMES if k in data}})


def update(
    user: User, questionnaire_id: int, data: Mapping[str, Any], *, confirm_delete_answers=False
) -> Questionnaire:
    """Edit settings and/or the whole list of questions (fields left out stay as they are).

    Questions carrying an ``id`` are kept (and edited), others are added, and the ones
    missing from the list are deleted — when people answered them, only with
    ``confirm_delete_answers``.
    """
    questionnaire = editable(user, questionnaire_id)
    if not isinstance(data, Mapping):
        raise ValidationError(_l("Le questionnaire doit être un objet JSON."))
    _check_base_version(questionnaire, data)
    settings = _settings_from(questionnaire, data)
    _check_anonymity(questionnaire, settings["anonymous"])
    profiles = clean_profiles(data["profiles"]) if "profiles" in data else questionnaire.profiles
    keys = {p["key"] for p in profiles}
    incoming = clean_questions(data["questions"], keys) if "questions" in data else None
    title = data.get("title")
    if "title" in data:  # present means given: null is no title
        if not isinstance(title, str):
            raise ValidationError(_l("« title » doit être un texte."), field="title")
        title = clean_title(title)
    with db.session.no_autoflush:
        if incoming is not None:
            _replace_questions(questionnaire, incoming, bool(confirm_delete_answers))
        for name, value in settings.items():
            setattr(questionnaire, name, value)
        questionnaire.profiles = profiles
        _prune_scores(questionnaire, keys)
    refresh_page(user, questionnaire, title)
    return questionnaire


def _check_base_version(questionnaire: Questionnaire, data: Mapping[str, Any]) -> None:
    """``base_version`` (optional): the version the change started from; a stale one is
    refused, so two people editing at once do not overwrite each other."""
    if "base_version" not in data:
        return
    base = integer(data["base_version"], "base_version", minimum=1, maximum=2**31 - 1)
    if base != questionnaire.version:
        raise Conflict(
            _l(
                "Le questionnaire a été modifié entre-temps (version %(current)s, vous partiez "
                "de la version %(base)s) : rechargez-le avant d'enregistrer.",
                current=questionnaire.version,
                base=base,
            )
        )


def _prune_scores(questionnaire: Questionnaire, keys: set[str]) -> None:
    """Points for profiles that no longer exist are dropped with them."""
    for question in questionnaire.questions:
        if not question.scores:
            continue
        pruned = {
            option: {k: v for k, v in points.items() if k in keys}
            for option, points in question.scores.items()
        }
        if pruned != question.scores:
            question.scores = pruned


def update_settings(user: User, questionnaire_id: int, **fields: Any) -> Questionnaire:
    """Change some settings (``title``, ``intro``, ``opens_at``…, ``profiles``); for the
    builder's forms, None leaves a setting as it is, except the two moments (None: no limit).
    """
    fields = {k: v for k, v in fields.items() if v is not None or k in ("opens_at", "closes_at")}
    allowed = {*SETTING_NAMES, "title", "profiles"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(
            _l("Réglage inconnu : %(name)s.", name=", ".join(sorted(unknown))),
            field=sorted(unknown)[0],
        )
    return update(user, questionnaire_id, fields)


from .questionnaire_library import (  # noqa: E402
    ModelInfo,
    create_from_model,
    list_models,
    save_as_model,
)
from .questionnaire_questions import (  # noqa: E402  (re-exported: one module for callers)
    add_question,
    delete_question,
    duplicate_question,
    move_question,
    update_question,
)
from .questionnaire_synthesis import publish_synthesis  # noqa: E402

__all__ = [
    "KIND",
    "ModelInfo",
    "add_question",
    "answer_link_token",
    "by_link_token",
    "create",
    "create_from_model",
    "delete_question",
    "duplicate_question",
    "for_page",
    "get",
    "list_models",
    "move_question",
    "publish_synthesis",
    "save_as_model",
    "status",
    "to_dict",
    "update",
    "update_question",
    "update_settings",
]
