"""Scored questionnaires: a person's quiz profile and their line of the self-assessment grid.

Quiz: each chosen option adds its points (``Question.scores``: ``{option: {profile: n}}``)
to profiles; the person's profile is the one with most points (the first in the
facilitator's order on a tie; none while every total is 0 or less).

Grid: one radar axis per section, in the order sections first appear; a person's value
on an axis is the mean of their scale answers in that section, and the group's value the
mean of those personal means (each person weighs the same, however many they answered).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .models_questionnaires import Question, Questionnaire

NO_SECTION = "Questions"


def chosen_options(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def profile_totals(
    questions: Iterable[Question], answers: Mapping[int, Any], profiles: Sequence[Mapping]
) -> dict[str, int]:
    totals = {profile["key"]: 0 for profile in profiles}
    for question in questions:
        if not question.scores or question.type == "ranking":
            continue
        for option in chosen_options(answers.get(question.id)):
            for key, points in question.scores.get(option, {}).items():
                if key in totals:
                    totals[key] += int(points)
    return totals


def dominant_profile(totals: Mapping[str, int]) -> str | None:
    if not totals:
        return None
    best = max(totals.values())
    if best <= 0:
        return None
    return next(key for key, total in totals.items() if total == best)


def grid_axes(questions: Iterable[Question]) -> list[str]:
    axes: list[str] = []
    for question in questions:
        section = question.section or NO_SECTION
        if question.type == "scale" and section not in axes:
            axes.append(section)
    return axes


def grid_scale(questions: Iterable[Question]) -> tuple[int, int]:
    """The radar's range: from the lowest scale minimum to the highest maximum."""
    scales = [q.scale for q in questions if q.type == "scale" and q.scale]
    if not scales:
        return 1, 5
    return min(s["min"] for s in scales), max(s["max"] for s in scales)


def grid_line(questions: Sequence[Question], answers: Mapping[int, Any]) -> list[float | None]:
    """One person's mean per axis (None where they answered nothing in that section)."""
    sums: dict[str, list[int]] = {axis: [] for axis in grid_axes(questions)}
    for question in questions:
        value = answers.get(question.id)
        if question.type == "scale" and isinstance(value, int) and not isinstance(value, bool):
            sums[question.section or NO_SECTION].append(value)
    return [round(sum(v) / len(v), 2) if v else None for v in sums.values()]


def group_line(lines: Iterable[Sequence[float | None]], size: int) -> list[float | None]:
    columns: list[list[float]] = [[] for _ in range(size)]
    for line in lines:
        for index, value in enumerate(line):
            if value is not None:
                columns[index].append(value)
    return [round(sum(c) / len(c), 2) if c else None for c in columns]


def personal_result(
    questionnaire: Questionnaire, questions: Sequence[Question], answers: Mapping[int, Any]
) -> dict[str, Any] | None:
    """What a person sees after answering a quiz (their profile) or a grid (their line)."""
    if questionnaire.kind == "quiz":
        profiles = questionnaire.profiles or []
        totals = profile_totals(questions, answers, profiles)
        key = dominant_profile(totals)
        profile = next((dict(p) for p in profiles if p["key"] == key), None)
        return {"profile": profile, "scores": totals}
    if questionnaire.kind == "grid":
        return {"radar": {"axes": grid_axes(questions), "values": grid_line(questions, answers)}}
    return None
