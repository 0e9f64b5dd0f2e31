"""The sections of the static site, rendered for files opened from disk (``file://``).

What ``wiki.export_site`` puts in each HTML file: a page's text rendered with every link to
the space's own pages and files made relative to the site (``[[Titre]]`` links too; one to
a page left out of the site becomes its plain label), a mind map as its server SVG, a
comparison table, the list of the resources; and, per section, its plain text for the
search index. Names are printed as each person consented (``wiki.credits``). A
questionnaire (its questions, its results and their charts) and the cover come from
``wiki.memoire_content``, as the PDF has them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup
from sqlalchemy import select

from . import comparison, kinds, memoire_content, mindmap
from .credits import Credits
from .db import db
from .export_common import OwnLinks, credited_authors, rewrite, text_now
from .kind_templates import heading_key
from .models import Page, Resource, Space
from .models_questionnaires import PublishedChart
from .navigation import slug_map
from .rendering import LinkTarget, render_markdown, render_plain, trusted_svg
from .slugs import slugify

_WIKILINK = re.compile(r"\[\[([^\[\]|\n]{1,200})(?:\|([^\[\]\n]{0,200}))?\]\]")
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})


def folded(text: str) -> str:
    """Lower case, accents and ligatures folded, spaces collapsed: what the site's search
    compares (``static/src/memoire/site-search.js`` folds the query the same way)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.lower().split())


@dataclass
class Cell:
    html: Markup
    empty: bool


@dataclass
class Section:
    """One HTML file of the site (besides ``index.html``)."""

    file: str  # "pages/<name>.html"
    title: str
    kind: str  # a page kind's name, "comparison" or "resources"
    html: Markup = field(default_factory=Markup)
    svg: Markup | None = None
    authors: list[str] = field(default_factory=list)
    #: comparison: page titles and rows (section title, cells)
    columns: list[str] = field(default_factory=list)
    rows: list[tuple[str, list[Cell]]] = field(default_factory=list)
    #: resources: (title, href or "", description, is_file)
    resources: list[tuple[str, str, str, bool]] = field(default_factory=list)
    plain: str = ""
    depth: int = 0
    children: list[Section] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


class Renderer:
    """Renders texts of one space for the site: links relative to ``pages/``."""

    def __init__(
        self,
        space: Space,
        links: OwnLinks,
        page_files: dict[str, str],
        file_names: dict[int, str],
    ) -> None:
        self.space, self.links = space, links
        self.page_files = page_files  # current slug → "pages/x.html"
        self.file_names = file_names  # resource id → name in fichiers/
        self.slugs = slug_map(space)
        self.credits = Credits(space)

    def _page_href(self, slug: str) -> str | None:
        target = self.page_files.get(self.slugs.get(slug, slug))
        return target.removeprefix("pages/") if target else None

    def _file_href(self, resource_id: int) -> str | None:
        name = self.file_names.get(resource_id)
        return f"../fichiers/{name}" if name else None

    def _unlink_missing(self, markdown: str) -> str:
        def plain(match: re.Match[str]) -> str:
            href = self._page_href(slugify(match.group(1).strip()))
            return match.group(0) if href else (match.group(2) or match.group(1)).strip()

        return _WIKILINK.sub(plain, markdown)

    def _link_target(self, title: str) -> LinkTarget:
        href = self._page_href(slugify(title))
        return LinkTarget(href or "#", href is not None)

    def _chart(self, chart_id: int) -> str | None:
        chart = db.session.get(PublishedChart, chart_id) if 1 <= chart_id < 2**31 else None
        return chart.svg if chart is not None and chart.space_id == self.space.id else None

    def render(self, markdown: str) -> Markup:
        text = rewrite(markdown, self.links, self._file_href, self._page_href)
        text = self._unlink_missing(text)
        return render_markdown(text, self._link_target, self._chart).html

    def page(self, section: Section, page: Page) -> None:
        text = text_now(page, self.credits)
        if page.kind == "questionnaire":
            # its questions and its results with their charts, as the PDF shows them
            section.html = memoire_content.page_html(self.space, page, self.credits)
        else:
            section.html = self.render(text)
        section.authors = credited_authors(page, self.credits)
        if page.kind == "mind_map":
            section.svg = trusted_svg(mindmap.page_svg(text, page.title))
        section.plain = render_plain(text)

    def comparison(self, section: Section, kind_name: str) -> None:
        kind = kinds.of_page(kind_name)
        sheets = comparison.sheets(self.space, kind)
        found = {p.id: comparison.sections(text_now(p, self.credits)) for p in sheets}
        section.columns = [page.title for page in sheets]
        plain = []
        for title in comparison.section_titles(kind):
            cells = []
            for page in sheets:
                body = found[page.id].get(heading_key(title), "")
                cells.append(Cell(self.render(body) if body else Markup(""), not body))
                plain.append(body)
            section.rows.append((title, cells))
        section.plain = render_plain("\n\n".join(plain))

    def resources(self, section: Section) -> None:
        rows = db.session.scalars(
            select(Resource)
            .where(Resource.space_id == self.space.id)
            .order_by(Resource.created_at, Resource.id)
        )
        for resource in rows:
            if resource.kind == "file":
                href = self._file_href(resource.id) or ""
            else:
                href = resource.url or ""
            is_file = resource.kind == "file"
            section.resources.append((resource.title, href, resource.description, is_file))
        section.plain = "\n".join(f"{t} {d}" for t, _h, d, _f in section.resources)
