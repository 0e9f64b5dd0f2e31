"""Checking one person's answers against the questions, with messages a participant reads.

``clean_answers(questions, answers)`` returns ``{question_id: value}`` with values in their
stored form, or raises a ``ValidationError`` whose message names the question (its label)
and whose ``field`` is the question's id. Value shapes, by type:

======================  =====================================================================
short_text, long_text   a string (500 / 5,000 characters at most)
single_choice           one of the options (any other text is the "Autre : …" answer when
                        the question allows it)
multiple_choice         a list of distinct options (plus at most one "Autre" text)
scale                   an integer from the scale's ``min`` to its ``max``
yes_no                  ``true`` or ``false``
number                  an integer (±1,000,000,000)
date                    an ISO date, ``AAAA-MM-JJ``
ranking                 every option once, in the person's order
words                   a list of 1 to ``max_words`` words or short phrases (40 characters)
======================  =====================================================================

An empty value (``null``, ``""``, ``[]``) is no answer: refused for a required question,
dropped otherwise.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l

from .errors import NotFound, ValidationError
from .models_questionnaires import Question
from .questionnaire_definition import whole

SHORT_TEXT_MAX = 500
LONG_TEXT_MAX = 5000
OTHER_MAX = 200
WORD_MAX = 40
NUMBER_LIMIT = 1_000_000_000
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CALENDAR_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SURROGATES = re.compile(r"[\ud800-\udfff]")
_DIGITS = re.compile(r"[0-9]{1,10}")


def _refuse(question: Question, message: Any) -> ValidationError:
    return ValidationError(message, field=str(question.id))


def _wrong_type(question: Question, expected: Any) -> ValidationError:
    return _refuse(
        question,
        _l(
            "Question « %(label)s » : la réponse doit être %(expected)s.",
            label=question.label,
            expected=expected,
        ),
    )


def _string(question: Question, value: Any, maximum: int, *, lines: bool = False) -> str:
    if not isinstance(value, str):
        raise _wrong_type(question, _l("un texte"))
    if _SURROGATES.search(value):
        raise _refuse(
            question,
            _l("Question « %(label)s » : la réponse est mal encodée.", label=question.label),
        )
    value = _CONTROLS.sub(" ", value.replace("\r\n", "\n"))  # NUL breaks PostgreSQL
    value = value.strip() if lines else " ".join(value.split())
    if len(value) > maximum:
        raise _refuse(
            question,
            _l(
                "Question « %(label)s » : %(max)s caractères au plus.",
                label=question.label,
                max=maximum,
            ),
        )
    return value


def _option(question: Question, value: Any) -> str:
    text = _string(question, value, OTHER_MAX)
    if text not in question.options and not question.allow_other:
        raise _refuse(
            question,
            _l(
                "Question « %(label)s » : « %(value)s » ne fait pas partie des choix proposés.",
                label=question.label,
                value=text[:80],
            ),
        )
    return text


def _short(question: Question, value: Any) -> str:
    return _string(question, value, SHORT_TEXT_MAX)


def _long(question: Question, value: Any) -> str:
    return _string(question, value, LONG_TEXT_MAX, lines=True)


def _list(question: Question, value: Any, maximum: int) -> list[Any]:
    if not isinstance(value, list):
        raise _wrong_type(question, _l("une liste"))
    if len(value) > maximum:
        raise _refuse(
            question,
            _l(
                "Question « %(label)s » : %(max)s réponses au plus.",
                label=question.label,
                max=maximum,
            ),
        )
    return value


def _multiple(question: Question, value: Any) -> list[str]:
    chosen = [_option(question, item) for item in _list(question, value, len(question.options) + 1)]
    others = [item for item in chosen if item not in question.options]
    if len(set(chosen)) != len(chosen) or len(others) > 1:
        raise _refuse(
            question,
            _l(
                "Question « %(label)s » : chaque choix ne compte qu'une fois.", label=question.label
            ),
        )
    return [item for item in chosen if item]


def _scale(question: Question, value: Any) -> int:
    scale = question.scale or {"min": 1, "max": 5}
    value = whole(value)
    if value is None:
        raise _wrong_type(question, _l("un nombre entier"))
    if not scale["min"] <= value <= scale["max"]:
        raise _refuse(
            question,
            _l(
                "Question « %(label)s » : choisissez une valeur de %(min)s à %(max)s.",
                label=question.label,
                min=scale["min"],
                max=scale["max"],
            ),
        )
    return value


def _yes_no(question: Question, value: Any) -> bool:
    if not isinstance(value, bool):
        raise _wrong_type(question, _l("oui (true) ou non (false)"))
    return value


def _number(question: Question, value: Any) -> int:
    value = whole(value)
    if value is None:
        raise _wrong_type(question, _l("un nombre entier"))
    if not -NUMBER_LIMIT <= value <= NUMBER_LIMIT:
        raise _refuse(
            question,
            _l("Question « %(label)s » : ce nombre est trop grand.", label=question.label),
        )
    return value


def _date(question: Question, value: Any) -> str:
    if isinstance(value, str) and _CALENDAR_DATE.fullmatch(value):  # not ISO week dates
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise _wrong_type(question, _l("une date au format AAAA-MM-JJ"))


def _ranking(question: Question, value: Any) -> list[str]:
    order = _list(question, value, len(question.options))
    if sorted(map(str, order)) != sorted(question.options) or not all(
        isinstance(item, str) for item in order
    ):
        raise _refuse(
            question,
            _l(
                "Question « %(label)s » : classez chaque proposition une fois, dans votre ordre.",
                label=question.label,
            ),
        )
    return list(order)


def _words(question: Question, value: Any) -> list[str]:
    given = _list(question, value, question.max_words or 3)
    words = [_string(question, item, WORD_MAX) for item in given]
    return [word for word in words if word]


CHECKS: dict[str, Callable[[Question, Any], Any]] = {
    "short_text": _short,
    "long_text": _long,
    "single_choice": _option,
    "multiple_choice": _multiple,
    "scale": _scale,
    "yes_no": _yes_no,
    "number": _number,
    "date": _date,
    "ranking": _ranking,
    "words": _words,
}


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _question_id(key: Any, by_id: Mapping[int, Question]) -> int:
    raw = str(key)
    if not _DIGITS.fullmatch(raw) or int(raw) not in by_id:
        # 404, as for any reference to what does not exist: the request is well formed
        raise NotFound(
            _l(
                "Ce questionnaire n'a pas de question %(id)s : rechargez-le pour voir ses "
                "questions actuelles.",
                id=raw[:20],
            )
        )
    return int(raw)


def clean_answers(questions: Sequence[Question], answers: Any) -> dict[int, Any]:
    """Every answer checked, every required question answered; nothing is stored here."""
    if not isinstance(answers, Mapping):
        raise ValidationError(
            _l('Les réponses doivent être un objet {"<question>": réponse}.'), field="answers"
        )
    by_id = {question.id: question for question in questions}
    cleaned: dict[int, Any] = {}
    for key, value in answers.items():
        question = by_id[_question_id(key, by_id)]
        if not is_empty(value):
            value = CHECKS[question.type](question, value)
        if not is_empty(value):
            cleaned[question.id] = value
    for question in questions:
        if question.required and question.id not in cleaned:
            raise _refuse(
                question,
                _l(
                    "La question « %(label)s » est obligatoire : merci d'y répondre.",
                    label=question.label,
                ),
            )
    return cleaned
