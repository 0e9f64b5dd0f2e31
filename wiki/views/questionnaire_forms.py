"""Reading a questionnaire's HTML forms into the plain data its services take.

The answering form names its fields ``q-<id>`` (several for multiple choice and words),
``q-<id>-autre`` for "Autre : …" and ``q-<id>-rang-<n>`` for the rank of a ranking's n-th
option; the settings form has Paris wall-clock times (``datetime-local``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from ..errors import ValidationError

OTHER = "__autre__"


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Europe/Paris")


def _ranking(q: dict, form: MultiDict) -> list[str] | None:
    ranks: list[tuple[int, str]] = []
    for index, option in enumerate(q["options"]):
        raw = (form.get(f"q-{q['id']}-rang-{index}") or "").strip()
        if raw.isdigit():
            ranks.append((int(raw), option))
    if not ranks:
        return None
    if len(ranks) != len(q["options"]) or len({rank for rank, _ in ranks}) != len(ranks):
        raise ValidationError(
            _l("Donnez un rang différent à chaque proposition."), field=str(q["id"])
        )
    return [option for _rank, option in sorted(ranks)]


def _choices(q: dict, form: MultiDict) -> Any:
    name = f"q-{q['id']}"
    other = (form.get(f"{name}-autre") or "").strip()
    picked = [v for v in form.getlist(name) if v != OTHER]
    if OTHER in form.getlist(name) or (other and q["type"] == "multiple_choice"):
        picked.append(other) if other else None
    if q["type"] == "single_choice":
        if OTHER in form.getlist(name):
            return other or None
        return picked[0] if picked else None
    return picked or None


def _value(q: dict, form: MultiDict) -> Any:
    name, qtype = f"q-{q['id']}", q["type"]
    if qtype in ("single_choice", "multiple_choice"):
        return _choices(q, form)
    if qtype == "ranking":
        return _ranking(q, form)
    if qtype == "words":
        return [w.strip() for w in form.getlist(name) if w.strip()] or None
    raw = (form.get(name) or "").strip()
    if not raw:
        return None
    if qtype == "yes_no":
        return {"oui": True, "non": False}.get(raw, raw)
    if qtype in ("scale", "number"):
        try:
            return int(raw)
        except ValueError:
            return raw  # the service says what is wrong, in words
    return raw


def answers(definition: dict, form: MultiDict, *, strict: bool = True) -> dict[str, Any]:
    """``{question id: value}`` for the questions answered (empty ones are left out).
    ``strict=False`` keeps what can be read, to show a refused form again."""
    values = {}
    for q in definition["questions"]:
        try:
            value = _value(q, form)
        except ValidationError:
            if strict:
                raise
            value = None
        if value is not None:
            values[str(q["id"])] = value
    return values


def respondent(form: MultiDict) -> dict[str, str]:
    return {
        "name": (form.get("respondent_name") or "").strip(),
        "structure": (form.get("respondent_structure") or "").strip(),
    }


def paris_moment(raw: str | None, name: str) -> str | None:
    """A ``datetime-local`` value (Paris wall clock) → ISO 8601 with its offset."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        local = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise ValidationError(
            _l("Date et heure invalides (jj/mm/aaaa hh:mm attendu)."), field=name
        ) from None
    return local.replace(tzinfo=_zone()).isoformat()


def local_input(value: dt.datetime | None) -> str:
    """A stored naive-UTC time → the ``datetime-local`` value of Paris' wall clock."""
    if value is None:
        return ""
    return value.replace(tzinfo=dt.UTC).astimezone(_zone()).strftime("%Y-%m-%dT%H:%M")


def open_now(questionnaire, *, closing: bool) -> dict[str, Any]:
    """The dates that close the questionnaire now, or open it now (and until closed)."""
    now = dt.datetime.now(dt.UTC)
    opens = questionnaire.opens_at
    opens_iso = opens.replace(tzinfo=dt.UTC).isoformat() if opens else None
    if closing:
        started = opens is not None and opens.replace(tzinfo=dt.UTC) < now
        return {"opens_at": opens_iso if started else None, "closes_at": now.isoformat()}
    return {"opens_at": None, "closes_at": None}


def settings(form: MultiDict, anonymous_locked: bool) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "title": form.get("title", ""),
        "intro": form.get("intro", ""),
        "audience": form.get("audience") or None,
        "results_visibility": form.get("results_visibility") or None,
        "opens_at": paris_moment(form.get("opens_at"), "opens_at"),
        "closes_at": paris_moment(form.get("closes_at"), "closes_at"),
    }
    if not anonymous_locked and form.get("anonymous") in ("0", "1"):
        fields["anonymous"] = form.get("anonymous") == "1"
    return fields


def _starter(qtype: str) -> dict[str, Any]:
    """What a new question of a type starts with, so it is valid from its first save."""
    two = [_("Proposition %(n)s", n=1), _("Proposition %(n)s", n=2)]
    return {
        "single_choice": {"options": two},
        "multiple_choice": {"options": two},
        "ranking": {"options": [*two, _("Proposition %(n)s", n=3)]},
        "scale": {"scale": {"min": 1, "max": 5, "min_label": "", "max_label": ""}},
        "words": {"max_words": 3},
    }.get(qtype, {})


def question_data(data: dict[str, Any]) -> dict[str, Any]:
    """The builder's JSON for one question, completed so that a type change stays valid
    (a new choice gets two options, a scale its bounds)."""
    data = dict(data)
    starter = _starter(str(data.get("type")))
    options = [o for o in data.get("options") or [] if isinstance(o, str) and o.strip()]
    if "options" in starter and not options:  # one option: the service says two are needed
        data["options"] = starter["options"]
    for key in ("scale", "max_words"):
        if key in starter and data.get(key) in (None, {}):
            data[key] = starter[key]
    return data
