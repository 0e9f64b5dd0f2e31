"""The Markdown rendition of a questionnaire: what history, diff, search and export see.

A questionnaire page's ``Page.markdown`` is always derived from its definition (never
typed): the introduction as written, then a ``## Questions`` part with one numbered item
per question, under a ``### Section`` heading when the question has one::

    Votre introduction…

    ## Questions

    ### Vous et votre structure

    1. **Votre structure** *(obligatoire)*
       Réponse courte.
    2. **Vos attentes pour la journée**
       _Ce que vous aimeriez emporter._
       Choix multiple : Des outils · Des contacts · Autre : …

Answers are never part of it (they are data, in SQL). The words are French because the
rendition is the page's content, like a template's text, not interface.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

TYPE_WORDS = {
    "short_text": "Réponse courte.",
    "long_text": "Réponse longue.",
    "single_choice": "Choix unique",
    "multiple_choice": "Choix multiple",
    "scale": "Échelle",
    "yes_no": "Oui ou non.",
    "number": "Nombre.",
    "date": "Date.",
    "ranking": "Classement",
    "words": "En quelques mots",
}
_MARKDOWN_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>#|"})


class QuestionLike(Protocol):
    label: str
    type: str
    section: str | None
    required: bool
    help: str
    options: list[str]
    allow_other: bool
    scale: dict[str, Any] | None
    max_words: int | None


def escape(text: str) -> str:
    """Plain text that Markdown shows as typed (a label is not markup)."""
    return text.translate(_MARKDOWN_SPECIAL)


def _kind_line(question: QuestionLike) -> str:
    words = TYPE_WORDS[question.type]
    if question.options:
        options = " · ".join(escape(option) for option in question.options)
        other = " · Autre : …" if question.allow_other else ""
        return f"{words} : {options}{other}"
    if question.type == "scale" and question.scale:
        scale = question.scale
        low = f" ({escape(scale['min_label'])})" if scale.get("min_label") else ""
        high = f" ({escape(scale['max_label'])})" if scale.get("max_label") else ""
        return f"{words} de {scale['min']}{low} à {scale['max']}{high}."
    if question.type == "words":
        return f"{words} : jusqu'à {question.max_words or 3}."
    return words


def _item(number: int, question: QuestionLike) -> list[str]:
    required = " *(obligatoire)*" if question.required else ""
    lines = [f"{number}. **{escape(question.label)}**{required}"]
    for help_line in question.help.splitlines():
        if help_line.strip():
            lines.append(f"   _{escape(help_line.strip())}_")
    lines.append(f"   {_kind_line(question)}")
    return lines


def rendition(intro: str, questions: Iterable[QuestionLike]) -> str:
    parts = [intro.strip()] if intro.strip() else []
    body: list[str] = []
    section: str | None = None
    for number, question in enumerate(questions, start=1):
        if question.section and question.section != section:
            body += ["", f"### {escape(question.section)}", ""]
        section = question.section or section
        body += _item(number, question)
    if body:
        parts.append("## Questions\n" + "\n".join(body).rstrip())
    return "\n\n".join(parts) + "\n"
