"""The "tableau comparatif": the pages of one comparable kind side by side, a row per
section of the kind's template, a column per page.

One code path for every comparable kind (fiches statuts, fiches projet): the rows are the
headings of the kind's template as this instance has it, and a page's cell is what follows
that heading in the page's text, found by the heading (``kind_templates.heading_key``), up
to the next heading of the same or a higher level. The text is the live document's when
the page is open (``wiki.live.current_text``), so the table follows groups as they write.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select

from . import kind_templates, kinds, live
from .db import db
from .errors import ValidationError
from .kind_templates import heading_key, heading_of
from .models import Page, Space, User
from .page_html import render_text
from .permissions import Action, require

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


@dataclass(frozen=True)
class Cell:
    page_id: int
    markdown: str
    html: Markup
    anchor: str | None  # the section's id in the page, None when the heading is missing

    @property
    def empty(self) -> bool:
        return not self.markdown


@dataclass(frozen=True)
class Row:
    section: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Table:
    kind: str
    columns: tuple[Page, ...]
    rows: tuple[Row, ...]


def _headings(markdown: str) -> list[tuple[int, int, str]]:
    """``(line index, level, text)`` of the ATX headings outside fenced code."""
    found, fence = [], None
    for index, line in enumerate(markdown.split("\n")):
        opening = _FENCE.match(line)
        if opening and (fence is None or opening.group(1)[0] == fence[0]):
            fence = None if fence is not None else opening.group(1)
            continue
        heading = None if fence else heading_of(line)
        if heading is not None:
            found.append((index, heading[0], heading[1]))
    return found


def sections(markdown: str) -> dict[str, str]:
    """Heading key → the text under it (the first heading of that name wins)."""
    lines = markdown.replace("\r\n", "\n").split("\n")
    headings = _headings("\n".join(lines))
    result: dict[str, str] = {}
    for position, (index, level, text) in enumerate(headings):
        end = next((i for i, lv, _t in headings[position + 1 :] if lv <= level), len(lines))
        result.setdefault(heading_key(text), "\n".join(lines[index + 1 : end]).strip())
    return result


def section_titles(kind: kinds.PageKind) -> list[str]:
    """The kind's sections: the headings of its template, in order."""
    template = kind_templates.for_kind(kind).markdown
    return [text for _index, _level, text in _headings(template)]


def comparable(kind_name: str) -> kinds.PageKind:
    kind = kinds.get(kind_name)
    if not kind.comparable:
        raise ValidationError(_l("Ce type de page n'a pas de tableau comparatif."), field="kind")
    return kind


def sheets(space: Space, kind: kinds.PageKind) -> list[Page]:
    return list(
        db.session.scalars(
            select(Page)
            .where(Page.space_id == space.id, Page.kind == kind.name, Page.deleted_at.is_(None))
            .order_by(Page.title, Page.id)
        )
    )


def _cells(space: Space, page: Page, titles: list[str]) -> list[Cell]:
    text = live.current_text(page)
    text = page.markdown if text is None else text
    found = sections(text)
    anchors = {heading_key(h.text): h.anchor for h in render_text(space, text).toc}
    cells = []
    for title in titles:
        key = heading_key(title)
        body = found.get(key, "")
        html = render_text(space, body).html if body else Markup("")
        cells.append(Cell(page.id, body, html, anchors.get(key)))
    return cells


def table(user: User | None, space: Space, kind_name: str) -> Table:
    """The comparison of the space's pages of ``kind_name`` (anyone who reads the space)."""
    require(user, space, Action.READ, writing=False)
    return build_table(space, kind_name)


def build_table(space: Space, kind_name: str) -> Table:
    """The comparison table itself, for a caller that checked permission (exports)."""
    kind = comparable(kind_name)
    titles = section_titles(kind)
    columns = sheets(space, kind)
    by_page = [_cells(space, page, titles) for page in columns]
    rows = tuple(Row(title, tuple(cells[i] for cells in by_page)) for i, title in enumerate(titles))
    return Table(kind.name, tuple(columns), rows)
