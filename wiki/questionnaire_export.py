"""Answers as a spreadsheet: CSV (UTF-8 with BOM, ``;``) and .xlsx, for facilitators.

One row per response, one column per question (the label; a repeated label gets " (2)"),
multiple choices, rankings and words joined by `` | ``, yes/no as « oui »/« non ». Named
questionnaires start with the person's name (and structure, for "anyone with the link");
anonymous ones have no such column, and their rows follow the keyed hashes, never the
order in which people answered. A text starting like a formula (``=``, ``+``, ``-``, ``@``)
is prefixed with an apostrophe, so a spreadsheet shows it instead of computing it.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from .models import User
from .models_questionnaires import Question, Questionnaire
from .permissions import Action, require
from .questionnaire_core import load, ordered, space_of
from .questionnaire_results import Rows, load_rows, names_of

JOIN = " | "
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _headers(questionnaire: Questionnaire, questions: list[Question]) -> list[str]:
    headers: list[str] = []
    if not questionnaire.anonymous:
        headers.append("Nom")
        if questionnaire.audience == "link":
            headers.append("Structure")
    seen: dict[str, int] = {}
    for question in questions:
        seen[question.label] = seen.get(question.label, 0) + 1
        count = seen[question.label]
        headers.append(question.label if count == 1 else f"{question.label} ({count})")
    return headers


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list):
        return JOIN.join(cell(item) for item in value)
    text = str(value)
    if isinstance(value, str) and text.startswith(_FORMULA_START):
        return "'" + text
    return text


def table(questionnaire: Questionnaire) -> list[list[str]]:
    """Header row then one row per response (no permission check)."""
    questions = ordered(questionnaire)
    rows: Rows = load_rows(questionnaire)
    names = names_of(questionnaire, rows)
    if not questionnaire.anonymous:
        rows = sorted(rows, key=lambda row: names.get(row[0].id, "").casefold())
    lines = [_headers(questionnaire, questions)]
    for response, answers in rows:
        line: list[str] = []
        if not questionnaire.anonymous:
            line.append(cell(names.get(response.id, "")))
            if questionnaire.audience == "link":
                line.append(cell(response.structure or ""))
        line += [cell(answers.get(question.id)) for question in questions]
        lines.append(line)
    return lines


def _readable(user: User | None, questionnaire_id: int) -> Questionnaire:
    questionnaire = load(questionnaire_id)
    require(user, space_of(questionnaire), Action.MANAGE, writing=False)
    return questionnaire


def csv_bytes(user: User | None, questionnaire_id: int) -> bytes:
    """For facilitators: the answers as CSV that spreadsheets open with accents intact."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows(table(_readable(user, questionnaire_id)))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
