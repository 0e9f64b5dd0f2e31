"""Checking a questionnaire's definition (settings, questions, profiles) from plain data.

Every value may come straight from JSON (the API) or from a form (the builder): these
functions check types, lengths and meaning, say what is wrong in French, and return clean
values. Nothing here writes; ``wiki.questionnaires`` stores what they return.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

from .errors import ValidationError
from .models_questionnaires import (
    AUDIENCES,
    HELP_MAX,
    LABEL_MAX,
    QUESTION_TYPES,
    QUESTIONNAIRE_KINDS,
    RESULTS_VISIBILITIES,
    SECTION_MAX,
)
from .spaces import one_line

INTRO_MAX = 50_000
QUESTIONS_MAX = 100
OPTIONS_MAX = 30
OPTION_MAX = 200
PROFILES_MAX = 10
PROFILE_TEXT_MAX = 5000
POINTS_MAX = 100
#: a scale starts at 0 or 1 and ends at 2 to 10 (so it always has two ends)
SCALE_TOP = 10
SCALE_LABEL_MAX = 100
WORDS_MAX = 3
CHOICE_TYPES = ("single_choice", "multiple_choice", "ranking")
PROFILE_KEY = re.compile(r"[a-z0-9_-]{1,40}")
Keys = set[str] | frozenset[str]
#: a text with at least one character that shows (the OpenAPI document states the same
#: pattern; ECMA-262 and Python's ``re`` read these escapes alike)
VISIBLE_PATTERN = (
    "[^\\x00-\\x20\\x7f-\\xa0\\u00ad\\u1680\\u180e\\u2000-\\u200f\\u2028-\\u202f"
    "\\u205f-\\u206f\\u3000\\ufeff]"
)
_VISIBLE = re.compile(VISIBLE_PATTERN)
#: RFC 3339 date-times only (Python also reads ISO week dates and other forms)
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})")
_SURROGATES = re.compile(r"[\ud800-\udfff]")
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class QuestionData:
    """A checked question, ready to be stored (``id`` None for a new one)."""

    label: str
    type: str
    id: int | None = None
    section: str | None = None
    required: bool = False
    help: str = ""
    options: list[str] = field(default_factory=list)
    allow_other: bool = False
    scale: dict[str, Any] | None = None
    max_words: int | None = None
    scores: dict[str, dict[str, int]] = field(default_factory=dict)


def _invalid(message: Any, name: str) -> ValidationError:
    return ValidationError(message, field=name)


def text(
    value: Any, name: str, *, maximum: int, required: bool = False, lines: bool = False
) -> str:
    """A string of at most ``maximum`` characters (one line unless ``lines``); ``null`` is
    not a text (callers give the default of a field left out)."""
    if not isinstance(value, str):
        raise _invalid(_l("« %(name)s » doit être un texte.", name=name), name)
    if _SURROGATES.search(value):
        raise _invalid(_l("« %(name)s » contient un texte mal encodé.", name=name), name)
    too_long = len(value) > maximum  # what was sent counts, as the API document says
    # Control characters (NUL breaks PostgreSQL) become spaces; new lines stay in long texts.
    value = _CONTROLS.sub(" ", value.replace("\r\n", "\n")).strip() if lines else one_line(value)
    if required and not _VISIBLE.search(value):
        raise _invalid(_l("« %(name)s » est obligatoire.", name=name), name)
    if too_long:
        raise _invalid(_l("« %(name)s » dépasse %(max)s caractères.", name=name, max=maximum), name)
    return value


def flag(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise _invalid(_l("« %(name)s » doit valoir true ou false.", name=name), name)
    return value


def whole(value: Any) -> int | None:
    """``value`` as an integer when it is one: JSON's ``4.0`` is the integer 4 (JSON Schema
    says so), ``true`` and ``4.5`` are not."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value if isinstance(value, int) else None


def integer(value: Any, name: str, *, minimum: int, maximum: int) -> int:
    value = whole(value)
    if value is None:
        raise _invalid(_l("« %(name)s » doit être un nombre entier.", name=name), name)
    if not minimum <= value <= maximum:
        raise _invalid(
            _l(
                "« %(name)s » doit être compris entre %(min)s et %(max)s.",
                name=name,
                min=minimum,
                max=maximum,
            ),
            name,
        )
    return value


def choice(value: Any, name: str, allowed: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise _invalid(
            _l("« %(name)s » doit valoir %(allowed)s.", name=name, allowed=", ".join(allowed)),
            name,
        )
    return value


def moment(value: Any, name: str) -> dt.datetime | None:
    """An aware datetime (or ISO 8601 string with its offset) → naive UTC; None stays None."""
    if value is None or value == "":  # "" as a form sends an empty field
        return None
    if isinstance(value, str) and _RFC3339.fullmatch(value):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            value = None
    if not isinstance(value, dt.datetime) or value.tzinfo is None:
        raise _invalid(
            _l(
                "« %(name)s » doit être une date et une heure avec leur fuseau "
                "(par exemple 2026-10-05T09:00:00+02:00).",
                name=name,
            ),
            name,
        )
    try:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    except OverflowError:  # year 1 or 9999 with an offset: as early / late as can be
        return dt.datetime.min if value.year == 1 else dt.datetime.max


def window(opens_at: Any, closes_at: Any) -> tuple[dt.datetime | None, dt.datetime | None]:
    """Opening and closing moments. A closing before the opening is kept as given: such a
    questionnaire never opens (``status`` says "closed"), which the builder points out;
    refusing it would refuse what the API's schema cannot tell apart."""
    return moment(opens_at, "opens_at"), moment(closes_at, "closes_at")


def settings(
    *,
    kind: Any = "form",
    anonymous: Any = False,
    audience: Any = "members",
    results_visibility: Any = "everyone",
    opens_at: Any = None,
    closes_at: Any = None,
    intro: Any = "",
) -> dict[str, Any]:
    """Every setting of a questionnaire, checked (``null`` only for the two moments)."""
    opens, closes = window(opens_at, closes_at)
    return {
        "kind": choice(kind, "kind", QUESTIONNAIRE_KINDS),
        "anonymous": flag(anonymous, "anonymous"),
        "audience": choice(audience, "audience", AUDIENCES),
        "results_visibility": choice(
            results_visibility, "results_visibility", RESULTS_VISIBILITIES
        ),
        "opens_at": opens,
        "closes_at": closes,
        "intro": text(intro, "intro", maximum=INTRO_MAX, lines=True),
    }


def profiles(value: Any) -> list[dict[str, str]]:
    """Quiz profiles: ``[{"key", "title", "text"}]``, keys unique."""
    if not isinstance(value, list | tuple) or len(value) > PROFILES_MAX:
        raise _invalid(
            _l("« profiles » doit être une liste d'au plus %(max)s profils.", max=PROFILES_MAX),
            "profiles",
        )
    cleaned: list[dict[str, str]] = []
    for item in value:
        if not isinstance(item, Mapping):
            raise _invalid(_l("Chaque profil doit être un objet {key, title, text}."), "profiles")
        key = item.get("key")
        if not isinstance(key, str) or not PROFILE_KEY.fullmatch(key):
            raise _invalid(
                _l("La clé d'un profil s'écrit en minuscules, chiffres, - ou _."), "profiles"
            )
        if any(p["key"] == key for p in cleaned):
            continue  # a repeated key adds nothing: the first profile of that key counts
        cleaned.append(
            {
                "key": key,
                "title": text(item.get("title"), "title", maximum=200, required=True),
                "text": text(item.get("text", ""), "text", maximum=PROFILE_TEXT_MAX, lines=True),
            }
        )
    return cleaned


def _options(value: Any) -> list[str]:
    """Checked for every type (``null``: none); kept for choices and rankings only."""
    if value is None:
        return []  # the builder adds them one by one
    if not isinstance(value, list | tuple) or len(value) > OPTIONS_MAX:
        raise _invalid(
            _l("« options » est une liste d'au plus %(max)s textes.", max=OPTIONS_MAX),
            "options",
        )
    options = [text(option, "options", maximum=OPTION_MAX, required=True) for option in value]
    return list(dict.fromkeys(options))  # the same text twice is one option


def _scale(value: Any) -> dict[str, Any]:
    if value is None:
        value = {}
    if not isinstance(value, Mapping):
        raise _invalid(_l("« scale » doit être un objet {min, max, …}."), "scale")
    return {
        "min": integer(value.get("min", 1), "scale.min", minimum=0, maximum=1),
        "max": integer(value.get("max", 5), "scale.max", minimum=2, maximum=SCALE_TOP),
        "min_label": text(value.get("min_label", ""), "scale.min_label", maximum=SCALE_LABEL_MAX),
        "max_label": text(value.get("max_label", ""), "scale.max_label", maximum=SCALE_LABEL_MAX),
    }


def _scores(value: Any, options: list[str], profile_keys: Keys) -> dict[str, dict[str, int]]:
    """Quiz points: ``{option: {profile_key: points}}``; points for an option or a profile
    that does not exist (any more) are dropped, so editing options never breaks a quiz."""
    if not value:
        return {}
    if not isinstance(value, Mapping):
        raise _invalid(_l("« scores » doit associer des options à des points."), "scores")
    cleaned: dict[str, dict[str, int]] = {}
    for option, points in value.items():
        if not isinstance(points, Mapping):
            raise _invalid(_l("« scores » doit associer des options à des points."), "scores")
        kept = {
            key: integer(amount, "scores", minimum=-POINTS_MAX, maximum=POINTS_MAX)
            for key, amount in points.items()
        }
        option = one_line(option) if isinstance(option, str) else option
        kept = {key: amount for key, amount in kept.items() if key in profile_keys and amount}
        if option in options and kept:
            cleaned[option] = kept
    return cleaned


def _max_words(value: Any) -> int:
    return WORDS_MAX if value is None else integer(value, "max_words", minimum=1, maximum=WORDS_MAX)


def _question_id(data: Mapping[str, Any]) -> int | None:
    if "id" not in data:
        return None
    found = whole(data["id"])
    if found is None:
        raise _invalid(_l("« id » doit être le numéro d'une question."), "id")
    return found


def question(data: Any, profile_keys: Keys = frozenset()) -> QuestionData:
    """One question from ``{label, type, required, help, options, …}``; every field given
    is checked, whatever the type, and only the ones the type uses are kept."""
    if not isinstance(data, Mapping):
        raise _invalid(_l("Chaque question doit être un objet {label, type, …}."), "questions")
    qtype = data.get("type")
    if qtype not in QUESTION_TYPES:
        raise _invalid(
            _l(
                "Type de question inconnu ; types possibles : %(types)s.",
                types=", ".join(QUESTION_TYPES),
            ),
            "type",
        )
    options = _options(data.get("options"))
    allow_other = flag(data.get("allow_other", False), "allow_other")
    scale = _scale(data.get("scale"))
    max_words = _max_words(data.get("max_words"))
    section = data.get("section")
    choices = options if qtype in CHOICE_TYPES else []
    return QuestionData(
        id=_question_id(data),
        label=text(data.get("label"), "label", maximum=LABEL_MAX, required=True),
        type=qtype,
        section=None if section is None else text(section, "section", maximum=SECTION_MAX) or None,
        required=flag(data.get("required", False), "required"),
        help=text(data.get("help", ""), "help", maximum=HELP_MAX, lines=True),
        options=choices,
        allow_other=allow_other and qtype in CHOICE_TYPES[:2],
        scale=scale if qtype == "scale" else None,
        max_words=max_words if qtype == "words" else None,
        scores=_scores(data.get("scores"), choices, profile_keys),
    )


def questions(value: Any, profile_keys: Keys = frozenset()) -> list[QuestionData]:
    if not isinstance(value, list | tuple) or len(value) > QUESTIONS_MAX:
        raise _invalid(
            _l("« questions » doit être une liste d'au plus %(max)s questions.", max=QUESTIONS_MAX),
            "questions",
        )
    return [question(item, profile_keys) for item in value]
