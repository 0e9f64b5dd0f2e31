"""Page templates: the French data files shipped in ``wiki/page_templates`` and an admin's
own text for them on this instance (``page_template_overrides``).

A template is Markdown plus guiding questions: a line ``? Question…`` under a heading is
that section's question. It is taken out of the page's text (never exported, nothing to
delete) and shown by the live editor as a hint under the heading while the section is
empty (``static/src/editor/hints.js``). The same file format is what the admin edits, so
an instance can reword a question as easily as a heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from flask_babel import lazy_gettext as _l

from . import kinds
from .db import db
from .errors import NotFound, PermissionDenied, ValidationError
from .kinds import PageKind
from .models import User
from .models_kinds import TemplateOverride, _utcnow

TEMPLATES_DIR = Path(__file__).resolve().parent / "page_templates"
TEXT_MAX = 20_000
_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_HINT = re.compile(r"^\?(?:[ \t]+(.*))?$")


def heading_key(text: str) -> str:
    """How a section is recognised by its heading: case, spacing and closing #s aside
    (``static/src/editor/hints.js`` and ``wiki.comparison`` agree on this)."""
    return " ".join(text.replace("#", " ").split()).casefold()


def heading_of(line: str) -> tuple[int, str] | None:
    """``(level, text)`` of an ATX heading line, else None."""
    match = _HEADING.match(line)
    return (len(match.group(1)), match.group(2).strip()) if match else None


@dataclass(frozen=True)
class Hint:
    heading: str  # as written
    key: str  # ``heading_key``
    question: str


@dataclass(frozen=True)
class Template:
    markdown: str
    hints: tuple[Hint, ...]

    def as_json(self) -> list[dict[str, str]]:
        return [{"key": h.key, "heading": h.heading, "question": h.question} for h in self.hints]


def parse(source: str) -> Template:
    """Split a template's source into the page's Markdown and its sections' questions."""
    lines, hints, heading = [], [], None
    for line in source.replace("\r\n", "\n").split("\n"):
        found = heading_of(line)
        if found is not None:
            heading = found[1]
        hint = _HINT.match(line)
        if hint and heading is not None:
            if hint.group(1):
                hints.append(Hint(heading, heading_key(heading), hint.group(1).strip()))
            continue
        lines.append(line)
    markdown = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    return Template(markdown + "\n" if markdown else "", tuple(hints))


@cache
def _shipped(name: str) -> str:
    return (TEMPLATES_DIR / f"{name}.md").read_text(encoding="utf-8")


def builtin_kinds() -> list[PageKind]:
    """The kinds that start from a shipped template, in the picker's order."""
    return [k for k in kinds.all_kinds() if k.template]


def _kind_with_template(name: str) -> PageKind:
    kind = next((k for k in builtin_kinds() if k.name == name), None)
    if kind is None or kind.template is None:
        raise NotFound(_l("Ce modèle n'existe pas."))
    return kind


def source(kind_name: str) -> str:
    """The template's text on this instance: the admin's, else the shipped file's."""
    kind = _kind_with_template(kind_name)
    override = db.session.get(TemplateOverride, kind.name)
    return override.text if override is not None else _shipped(kind.template or kind.name)


def is_overridden(kind_name: str) -> bool:
    return db.session.get(TemplateOverride, kind_name) is not None


def for_kind(kind: PageKind) -> Template:
    """What a new page of ``kind`` starts with (empty for a kind without a template)."""
    return parse(source(kind.name)) if kind.template else Template("", ())


def hints(kind_name: str | None) -> list[dict[str, str]]:
    """The guiding questions the editor shows for a page of that kind."""
    kind = kinds.of_page(kind_name)
    return for_kind(kind).as_json() if kind.template else []


def _require_admin(user: User | None) -> None:
    if user is None or not getattr(user, "is_admin", False):
        raise PermissionDenied(_l("Seule l'administration de l'instance modifie les modèles."))


def save(user: User | None, kind_name: str, text: str) -> None:
    """Give the template its text on this instance (admins)."""
    _require_admin(user)
    kind = _kind_with_template(kind_name)
    text = (text or "").replace("\r\n", "\n").replace("\x00", "")
    if len(text) > TEXT_MAX:
        raise ValidationError(
            _l("Le modèle dépasse %(max)s caractères.", max=TEXT_MAX), field="text"
        )
    override = db.session.get(TemplateOverride, kind.name)
    if override is None:
        override = TemplateOverride(name=kind.name, text=text)
        db.session.add(override)
    override.text, override.updated_by_id, override.updated_at = text, user.id, _utcnow()
    db.session.commit()


def reset(user: User | None, kind_name: str) -> None:
    """Back to the shipped text (admins)."""
    _require_admin(user)
    kind = _kind_with_template(kind_name)
    override = db.session.get(TemplateOverride, kind.name)
    if override is not None:
        db.session.delete(override)
        db.session.commit()
