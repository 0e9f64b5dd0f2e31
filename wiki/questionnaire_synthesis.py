"""“Publier la synthèse”: an ordinary page with the charts and the text answers, frozen.

The page (a sub-page of the questionnaire) is plain Markdown, so it has a history, search
and export like any page, and later answers do not change it. Its charts are stored in
``published_charts`` (SVG drawn by ``wiki.charts``) and named by id in ``cercle-chart``
fenced blocks, which the renderer replaces by the stored SVG (see ``wiki.rendering``).
Text answers are quoted as typed (Markdown escaped), with names only when the
questionnaire is named, in the results' order (keyed hashes, not time).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date

from . import pages
from .db import db
from .models import TITLE_MAX, Page, User, utcnow
from .models_questionnaires import PublishedChart, Questionnaire
from .questionnaire_core import editable, space_of
from .questionnaire_rendition import escape
from .questionnaire_results import compute

PARIS = ZoneInfo("Europe/Paris")


def _chart(questionnaire: Questionnaire, svg: str | None) -> list[str]:
    if not svg:
        return []
    chart = PublishedChart(space_id=space_of(questionnaire).id, svg=svg)
    db.session.add(chart)
    db.session.flush()
    return ["```cercle-chart", str(chart.id), "```", ""]


def _quote(card: dict[str, str]) -> list[str]:
    lines = [escape(line) for line in card["text"].splitlines() if line.strip()]
    if "name" in card:
        lines[0] = f"**{escape(card['name'])}** : {lines[0]}"
    return [*(f"> {line}" for line in lines), ""]


def _question_part(questionnaire: Questionnaire, question: dict[str, Any]) -> list[str]:
    part = [f"## {escape(question['label'])}", ""]
    part.append(f"{question['answered']} réponse(s).")
    part.append("")
    if question["type"] in ("short_text", "long_text"):
        for card in question["texts"]:
            part += _quote(card)
        return part
    part += _chart(questionnaire, question.get("svg"))
    if question.get("mean") is not None:
        part += [f"Moyenne : {str(question['mean']).replace('.', ',')}", ""]
    for text in question.get("other", {}).get("texts", []):
        part += _quote({"text": f"Autre : {text}"})
    return part


def synthesis_markdown(questionnaire: Questionnaire, found: dict[str, Any]) -> str:
    today = format_date(utcnow().replace(tzinfo=dt.UTC).astimezone(PARIS), "long", locale="fr")
    lines = [
        f"Synthèse du questionnaire [[{questionnaire.title}]] : "
        f"{found['respondents']} personne(s) avaient répondu le {today}.",
        "",
    ]
    if "profiles" in found:
        lines += ["## Répartition par profil", "", *_chart(questionnaire, found["profiles"]["svg"])]
    if "radar_svg" in found:
        lines += ["## Auto-évaluation du groupe", "", *_chart(questionnaire, found["radar_svg"])]
    for question in found["questions"]:
        lines += _question_part(questionnaire, question)
    return "\n".join(lines).rstrip() + "\n"


def publish_synthesis(user: User, questionnaire_id: int) -> Page:
    """A new page under the questionnaire, with its results as they are now."""
    questionnaire = editable(user, questionnaire_id)
    markdown = synthesis_markdown(questionnaire, compute(questionnaire))
    title = f"Synthèse — {questionnaire.title}"[:TITLE_MAX]
    return pages.create_page(
        user, space_of(questionnaire), title, markdown, parent_id=questionnaire.page_id
    )
