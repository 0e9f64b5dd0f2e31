"""Answers as a spreadsheet: CSV (UTF-8 with BOM, ``;``) and .xlsx (openpyxl), for facilitators.

One row per response, one column per question (the label; a repeated label gets " (2)"),
multiple choices, rankings and words joined by `` | ``, yes/no as « oui »/« non ». Named
questionnaires start with the person's name (and structure, for "anyone with the link");
anonymous ones have no such column, and their rows follow the keyed hashes, never the
order in which people answered. A text starting like a formula (``=``, ``+``, ``-``, ``@``)
is prefixed with an apostrophe in the CSV, so a spreadsheet shows it instead of computing
it; in the .xlsx every text cell is typed as text (never a formula) and numbers as numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

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


def table(questionnaire: Questionnaire, render: Callable[[Any], Any] = cell) -> list[list[Any]]:
    """Header row then one row per response, each value through ``render`` (no
    permission check)."""
    questions = ordered(questionnaire)
    rows: Rows = load_rows(questionnaire)
    names = names_of(questionnaire, rows)
    if not questionnaire.anonymous:
        rows = sorted(rows, key=lambda row: names.get(row[0].id, "").casefold())
    lines = [_headers(questionnaire, questions)]
    for response, answers in rows:
        line: list[Any] = []
        if not questionnaire.anonymous:
            line.append(render(names.get(response.id, "")))
            if questionnaire.audience == "link":
                line.append(render(response.structure or ""))
        line += [render(answers.get(question.id)) for question in questions]
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


def typed(value: Any) -> Any:
    """A spreadsheet value: numbers stay numbers, texts stay as typed (the cell is typed as
    text, so no apostrophe is needed), yes/no and lists as in the CSV."""
    if isinstance(value, int | str) and not isinstance(value, bool):
        return value
    if isinstance(value, list):
        return JOIN.join(str(typed(item)) for item in value)
    return cell(value)


def xlsx_bytes(user: User | None, questionnaire_id: int) -> bytes:
    """For facilitators: the same table as the CSV, as an Excel workbook."""
    questionnaire = _readable(user, questionnaire_id)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Réponses")
    for values in table(questionnaire, typed):
        row = []
        for value in values:
            written = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                written.data_type = "s"  # "=1+1" typed by someone is text, not a formula
            row.append(written)
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
