"""Results of a questionnaire: counts, means, ranks, word groups, text answers, scores, SVG.

The words the charts add (« moyenne », « Autre »…) are in the language of whoever asks
(French for the live wall's broadcasts, which answer no one request).

``results`` checks who may see them (the questionnaire's ``results_visibility``) and adds
the viewer's own result (``me``); ``compute`` is the same picture for anyone allowed, as the
live wall broadcasts it. Anonymous questionnaires never put a name in it, and every list
follows the respondents' keyed hashes (a stable order unrelated to time or to who it is).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from . import charts, events
from . import questionnaire_memo as memo
from .db import db
from .errors import NotFound, PermissionDenied
from .models import User
from .models_questionnaires import Answer, Question, Questionnaire, Response
from .permissions import Action, allowed, require
from .questionnaire_answers import has_link, respondent_key_for, response_of
from .questionnaire_core import get, load, ordered, question_dict, space_of
from .questionnaire_scoring import (
    chosen_options,
    dominant_profile,
    grid_axes,
    grid_line,
    grid_scale,
    group_line,
    personal_result,
    profile_totals,
)
from .questionnaire_stats import mean, word_groups
from .spaces import in_id_range

Rows = list[tuple[Response, dict[int, Any]]]
ONLY_FACILITATORS = _l("Les résultats de ce questionnaire sont réservés à l'équipe d'animation.")
AFTER_ANSWER = _l("Les résultats s'affichent une fois que vous avez répondu.")


def load_rows(questionnaire: Questionnaire) -> Rows:
    """Every response with its answers by question id, in the order of their keyed hashes.

    Answers are read as plain columns: an ORM object per answer cost more than the whole
    rest of the results (the live wall reads them again after every answer)."""
    responses = list(
        db.session.scalars(
            select(Response)
            .where(Response.questionnaire_id == questionnaire.id)
            .order_by(Response.respondent_key)
        )
    )
    answers: dict[int, dict[int, Any]] = {r.id: {} for r in responses}
    found = db.session.execute(
        select(Answer.response_id, Answer.question_id, Answer.value)
        .join(Response, Response.id == Answer.response_id)
        .where(Response.questionnaire_id == questionnaire.id)
    )
    for response_id, question_id, value in found:
        if response_id in answers:  # one committed after the responses were read: next time
            answers[response_id][question_id] = value
    return [(r, answers[r.id]) for r in responses]


def names_of(questionnaire: Questionnaire, rows: Rows, credits: Any = None) -> dict[int, str]:
    """Response id → who answered, for named questionnaires only. With ``credits`` (a
    ``wiki.credits.Credits``, for the mémoire's exports) a member is named as they chose to
    be credited, and not at all when they chose not to be."""
    if questionnaire.anonymous:
        return {}
    if credits is not None:
        named = {r.id: credits.name(r.user_id) if r.user_id else r.name for r, _ in rows}
        return {response_id: name for response_id, name in named.items() if name}
    user_ids = {r.user_id for r, _ in rows if r.user_id}
    rows_ = db.session.execute(select(User.id, User.name).where(User.id.in_(user_ids)))
    users = {user_id: name for user_id, name in rows_}
    return {r.id: users.get(r.user_id or 0) or r.name or "" for r, _ in rows}


def _choices(question: Question, values: list[Any]) -> dict[str, Any]:
    counts = dict.fromkeys(question.options, 0)
    others: list[str] = []
    for value in values:
        for option in chosen_options(value):
            if option in counts:
                counts[option] += 1
            else:
                others.append(option)
    bars = [(option, float(n)) for option, n in counts.items()]
    if question.allow_other:
        bars.append((gettext("Autre"), float(len(others))))
    found: dict[str, Any] = {"counts": counts, "svg": charts.bar_chart(question.label, bars)}
    if question.allow_other:
        found["other"] = {"count": len(others), "texts": others}
    return found


def _yes_no(question: Question, values: list[Any]) -> dict[str, Any]:
    counts = {"oui": sum(v is True for v in values), "non": sum(v is False for v in values)}
    bars = [(gettext("Oui"), float(counts["oui"])), (gettext("Non"), float(counts["non"]))]
    return {"counts": counts, "svg": charts.bar_chart(question.label, bars)}


def _scale(question: Question, values: list[Any]) -> dict[str, Any]:
    scale = question.scale or {"min": 1, "max": 5}
    counts = {str(step): 0 for step in range(scale["min"], scale["max"] + 1)}
    for value in values:
        if str(value) in counts:
            counts[str(value)] += 1
    average = mean(values)
    bars = [(step, float(n)) for step, n in counts.items()]
    svg = charts.bar_chart(question.label, bars, mean=average, mean_label=gettext("moyenne"))
    return {"counts": counts, "mean": average, "scale": dict(scale), "svg": svg}


def _number(question: Question, values: list[Any]) -> dict[str, Any]:
    numbers = [v for v in values if isinstance(v, int) and not isinstance(v, bool)]
    counts = Counter(str(v) for v in sorted(numbers))
    bars = [(value, float(n)) for value, n in counts.items()][:30]
    return {
        "mean": mean(numbers),
        "min": min(numbers, default=None),
        "max": max(numbers, default=None),
        "svg": charts.bar_chart(question.label, bars),
    }


def _date(question: Question, values: list[Any]) -> dict[str, Any]:
    counts = dict(sorted(Counter(v for v in values if isinstance(v, str)).items()))
    bars = [(day, float(n)) for day, n in counts.items()][:30]
    return {"counts": counts, "svg": charts.bar_chart(question.label, bars)}


def _ranking(question: Question, values: list[Any]) -> dict[str, Any]:
    ranks: dict[str, list[int]] = {option: [] for option in question.options}
    for value in values:
        for position, option in enumerate(chosen_options(value), start=1):
            if option in ranks:
                ranks[option].append(position)
    mean_rank = {option: mean(positions) for option, positions in ranks.items()}
    items = [(option, rank or 0.0) for option, rank in mean_rank.items()]
    svg = charts.ranking_chart(question.label, items, gettext("rang moyen %(rank)s"))
    return {"mean_rank": mean_rank, "svg": svg}


def _texts(question: Question, rows: Rows, names: dict[int, str]) -> dict[str, Any]:
    texts = []
    for response, answers in rows:
        value = answers.get(question.id)
        if isinstance(value, str) and value:
            card: dict[str, str] = {"text": value}
            if response.id in names:
                card["name"] = names[response.id]
            texts.append(card)
    return {"texts": texts, "svg": None}


AGGREGATES: dict[str, Callable[[Question, list[Any]], dict[str, Any]]] = {
    "single_choice": _choices,
    "multiple_choice": _choices,
    "yes_no": _yes_no,
    "scale": _scale,
    "number": _number,
    "date": _date,
    "ranking": _ranking,
}


def _words(questionnaire: Questionnaire, question: Question, values: list[Any], manager: bool):
    hidden = set(questionnaire.hidden_words or [])
    groups = word_groups(values)
    shown = [g for g in groups if g["stem"] not in hidden]
    found: dict[str, Any] = {
        "words": shown,
        "svg": charts.word_cloud(question.label, [(g["word"], g["count"]) for g in shown[:60]]),
    }
    if manager:
        found["hidden"] = [g for g in groups if g["stem"] in hidden]
    return found


def _question(questionnaire, question, rows, names, manager) -> dict[str, Any]:
    """One question's part of the results, from the memo when nothing it shows changed."""
    answered = [(r, answers[question.id]) for r, answers in rows if question.id in answers]
    texts = question.type in ("short_text", "long_text")
    key = (
        repr(sorted(question_dict(question).items())),
        repr([(v, names.get(r.id) if texts else None) for r, v in answered]),
        tuple(questionnaire.hidden_words or ()) if question.type == "words" else (),
        manager and question.type == "words",
        str(get_locale()),
    )
    return memo.cached(
        key, lambda: _compute_question(questionnaire, question, rows, names, manager)
    )


def _compute_question(questionnaire, question, rows, names, manager) -> dict[str, Any]:
    values = [answers[question.id] for _, answers in rows if question.id in answers]
    base = {
        "id": question.id,
        "type": question.type,
        "label": question.label,
        "section": question.section,
        "answered": len(values),
    }
    if question.type in ("short_text", "long_text"):
        return {**base, **_texts(question, rows, names)}
    if question.type == "words":
        return {**base, **_words(questionnaire, question, values, manager)}
    return {**base, **AGGREGATES[question.type](question, values)}


def _profiles(questionnaire: Questionnaire, questions: list[Question], rows: Rows):
    profiles = questionnaire.profiles or []
    counts = {p["key"]: 0 for p in profiles}
    for _, answers in rows:
        key = dominant_profile(profile_totals(questions, answers, profiles))
        if key is not None:
            counts[key] += 1
    bars = [(p["title"], float(counts[p["key"]])) for p in profiles]
    title = gettext("Répartition du groupe par profil")
    items = [{"key": p["key"], "title": p["title"], "count": counts[p["key"]]} for p in profiles]
    return {"counts": counts, "items": items, "svg": charts.bar_chart(title, bars)}


def _radar(
    questions: list[Question], rows: Rows, mine: dict[int, Any] | None, *, group_shown: bool = True
):
    axes = grid_axes(questions)
    low, high = grid_scale(questions)
    group = group_line((grid_line(questions, answers) for _, answers in rows), len(axes))
    me = grid_line(questions, mine) if mine is not None else None
    series: list[tuple[str, list[float | None]]] = []
    if group_shown:
        series.append((gettext("Moyenne du groupe"), group))
    if me is not None:
        series.append((gettext("Vos réponses"), me))
    svg = charts.radar_chart(gettext("Auto-évaluation"), axes, series, low=low, high=high)
    return {"axes": axes, "group": group, "me": me, "low": low, "high": high}, svg


def compute(
    questionnaire: Questionnaire,
    *,
    viewer_key: str | None = None,
    manager: bool = False,
    credits: Any = None,
) -> dict[str, Any]:
    """The results dict (see docs/questionnaires-contract.md), without permission checks;
    ``credits``: names as the mémoire prints them (see ``names_of``)."""
    questions = ordered(questionnaire)
    rows = load_rows(questionnaire)
    names = names_of(questionnaire, rows, credits)
    mine = next((a for r, a in rows if viewer_key and r.respondent_key == viewer_key), None)
    found: dict[str, Any] = {
        "questionnaire_id": questionnaire.id,
        "kind": questionnaire.kind,
        "anonymous": questionnaire.anonymous,
        "respondents": len(rows),
        "questions": [_question(questionnaire, q, rows, names, manager) for q in questions],
    }
    if questionnaire.kind == "quiz":
        found["profiles"] = _profiles(questionnaire, questions, rows)
    if questionnaire.kind == "grid":
        found["radar"], found["radar_svg"] = _radar(questions, rows, mine)
    if mine is not None:
        found["me"] = {
            "answers": {str(k): v for k, v in mine.items()},
            "result": personal_result(questionnaire, questions, mine),
        }
    return found


def check_visible(
    user: User | None,
    questionnaire: Questionnaire,
    viewer_key: str | None,
    link_token: str | None = None,
) -> bool:
    """Raise unless ``user`` may see the results; True when they are a facilitator.

    Someone who came with the link of an "anyone with the link" questionnaire needs no
    account to read the space: the link stands for it, as it does for answering.
    """
    space = space_of(questionnaire)
    if not has_link(questionnaire, link_token):
        require(user, space, Action.READ)
    manager = allowed(user, space, Action.MANAGE)
    if manager or questionnaire.results_visibility == "everyone":
        return manager
    if questionnaire.results_visibility == "facilitators":
        raise PermissionDenied(ONLY_FACILITATORS)
    if response_of(questionnaire, viewer_key) is None:
        raise PermissionDenied(AFTER_ANSWER)
    return manager


def results(
    user: User | None,
    questionnaire_id: int,
    *,
    respondent_key: str | None = None,
    link_token: str | None = None,
) -> dict[str, Any]:
    questionnaire = load(questionnaire_id)
    viewer_key = respondent_key_for(questionnaire, user, respondent_key)
    manager = check_visible(user, questionnaire, viewer_key, link_token)
    return compute(questionnaire, viewer_key=viewer_key, manager=manager)


def own_result(
    user: User | None,
    questionnaire_id: int,
    *,
    respondent_key: str | None = None,
    link_token: str | None = None,
) -> dict[str, Any] | None:
    """The person's own result for the thank-you page, or None if they have not answered:
    ``result`` (quiz profile, grid line) and, for a grid, ``radar_svg`` — their line, with
    the group's mean only when the results are visible to them (``results_visibility``).
    Someone who answered through the link needs no account, the link stands for it."""
    questionnaire = load(questionnaire_id)
    key = respondent_key_for(questionnaire, user, respondent_key)
    if not has_link(questionnaire, link_token):
        require(user, space_of(questionnaire), Action.READ)
    try:
        check_visible(user, questionnaire, key, link_token)
        group_shown = True
    except PermissionDenied:  # READ is checked above: this is the results' visibility
        group_shown = False
    rows = load_rows(questionnaire)
    mine = next((a for r, a in rows if key and r.respondent_key == key), None)
    if mine is None:
        return None
    questions = ordered(questionnaire)
    found: dict[str, Any] = {"result": personal_result(questionnaire, questions, mine)}
    if questionnaire.kind == "grid":
        shown_rows = rows if group_shown else []
        _line, found["radar_svg"] = _radar(questions, shown_rows, mine, group_shown=group_shown)
    return found


def hide_word(user: User, question_id: int, stem: str, hidden: bool = True) -> None:
    """Take a word group off the wall (or put it back); its answers stay stored."""
    question = db.session.get(Question, question_id) if in_id_range(question_id) else None
    if question is None or question.type != "words":
        raise NotFound(_l("Cette question de mots n'existe pas."))
    questionnaire = get(user, question.questionnaire_id)
    require(user, space_of(questionnaire), Action.MANAGE)
    words = [w for w in questionnaire.hidden_words or [] if w != stem]
    if hidden and isinstance(stem, str) and stem:
        words.append(stem[:200])
    questionnaire.hidden_words = words
    db.session.commit()
    # every wall takes the word off (or puts it back) at once, facilitators' tabs included
    word = {"question_id": question.id, "stem": stem, "hidden": bool(hidden)}
    events.answers_changed.send(questionnaire, word=word)
