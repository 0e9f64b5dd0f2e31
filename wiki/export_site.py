"""The mémoire as a static site in a zip (``exports.BUILDERS["html"]``): plain HTML files that
open from disk (``file://``), with no server and nothing fetched.

Layout (everything under one folder, ``<space>-site/``)::

    index.html                cover, introduction, table of contents, who took part
    pages/<name>.html         one file per section: a page, a comparison table, the resources
    fichiers/<name>           the space's files the pages show or link to (all of them when
                              the selection has the resources list)
    static/site.css           the stylesheet
    static/search-index.js    the search index: ``window.CERCLE_SITE_INDEX = [...]`` (title,
                              address, text, folded text of each section), loaded by a script tag
                              because browsers refuse ``fetch()`` on ``file://``
    static/site-search.js     the search box: filters as one types

Every link to the space's own pages and files is relative; the only other addresses are the
links the pages themselves contain. Sections come from ``wiki.site_content``; the tree and
order are those of the Markdown export (``export_markdown.plan``).
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import current_app, render_template

from . import memoire_content
from .credits import Credits
from .db import db
from .export_common import (
    export_name,
    file_resources,
    own_links,
    referenced_resource_ids,
    stored_file,
    text_now,
)
from .export_markdown import Entry, plan
from .memoire import ItemRef
from .models import Space
from .models_memoire import MemoireCover
from .site_content import Renderer, Section, folded

ASSETS = {
    "static/site.css": ("static", "css", "memoire-site.css"),
    "static/site-search.js": ("static", "src", "memoire", "site-search.js"),
}
INDEX_GLOBAL = "CERCLE_SITE_INDEX"
#: characters of a section kept in the search index
TEXT_MAX = 20000


def _files(entries: list[Entry]) -> list[str]:
    used: set[str] = set()
    names = []
    for entry in entries:
        name, n = entry.name, 1
        while name.lower() in used:
            n += 1
            name = f"{entry.name}-{n}"
        used.add(name.lower())
        names.append(f"pages/{name}.html")
    return names


def _section(entry: Entry, file: str, renderer: Renderer) -> Section:
    if entry.page is not None:
        section = Section(file, entry.page.title, entry.page.kind)
        renderer.page(section, entry.page)
    elif entry.item is not None and entry.item.item_kind == "comparison":
        section = Section(file, entry.title, "comparison")
        renderer.comparison(section, entry.item.ref_key)
    else:
        section = Section(file, entry.title, "resources")
        renderer.resources(section)
    return section


def _cover(space: Space, credits: Credits) -> dict[str, Any]:
    """The PDF's cover (``memoire_content.cover_of``: names as consented), with the
    introduction as Markdown, rendered by the site's renderer (relative links)."""
    cover = memoire_content.cover_of(space, credits)
    saved = db.session.get(MemoireCover, space.id)
    people = [f"{p.name} ({p.structure})" if p.structure else p.name for p in cover.participants]
    return {
        "title": cover.title,
        "subtitle": cover.subtitle,
        "dates": cover.dates,
        "facilitators": cover.facilitators,
        "funder": cover.funder,
        "licence": cover.licence,
        "introduction": (saved.introduction if saved else "") or space.description,
        "people": people,
    }


def _search_index(sections: list[Section]) -> str:
    entries = []
    for section in sections:
        text = " ".join(f"{section.title} {section.plain}".split())[:TEXT_MAX]
        # "x" is what the query is compared with; "o" the same text as written, for the
        # excerpt (folding keeps the length but for ligatures, so offsets carry over)
        entries.append({"t": section.title, "u": section.file, "x": folded(text), "o": text})
    data = json.dumps(entries, ensure_ascii=True, separators=(",", ":")).replace("</", "<\\/")
    return f"window.{INDEX_GLOBAL} = {data};\n"


def _tree(entries: list[Entry], sections: list[Section]) -> list[Section]:
    by_entry = dict(zip(entries, sections, strict=True))
    roots = []
    for entry, section in by_entry.items():
        section.children = [by_entry[child] for child in entry.children]
        if entry.parent is None:
            roots.append(section)
    return roots


class _Site:
    def __init__(self, space: Space, items: list[ItemRef]) -> None:
        self.space = space
        self.entries = plan(space, items)
        self.files = _files(self.entries)
        links = own_links(space)
        credits = Credits(space)
        texts = [text_now(e.page, credits) for e in self.entries if e.page is not None]
        with_list = any(item.item_kind == "resources" for item in items)
        wanted = referenced_resource_ids(texts, links)
        self.resources = file_resources(space, None if with_list else wanted)
        used: set[str] = set()
        self.file_names = {r.id: export_name(r, used) for r in self.resources if stored_file(r)}
        page_files = {
            e.page.slug: f for e, f in zip(self.entries, self.files, strict=True) if e.page
        }
        self.renderer = Renderer(space, links, page_files, self.file_names)
        self.cover = _cover(space, credits)

    def sections(self, progress: Callable[[int], None]) -> list[Section]:
        done = []
        for index, (entry, file) in enumerate(zip(self.entries, self.files, strict=True)):
            done.append(_section(entry, file, self.renderer))
            progress(int(70 * (index + 1) / max(1, len(self.entries))))
        return done

    def page(self, template: str, root: str, **context: Any) -> str:
        return render_template(
            f"memoire/site/{template}",
            root=root,
            space=self.space,
            cover=self.cover,
            index_global=INDEX_GLOBAL,
            **context,
        )


def _asset(parts: tuple[str, ...]) -> bytes:
    return Path(current_app.root_path, *parts).read_bytes()


def build(
    space: Space, items: list[ItemRef], out_path: Path, progress: Callable[[int], None]
) -> None:
    """Write the static site of ``items`` (a mémoire selection of ``space``) to ``out_path``."""
    progress(0)
    site = _Site(space, items)
    sections = site.sections(progress)
    tree = _tree(site.entries, sections)
    top = f"{space.slug}-site/"
    with zipfile.ZipFile(out_path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, parts in ASSETS.items():
            zf.writestr(top + name, _asset(parts))
        zf.writestr(top + "static/search-index.js", _search_index(sections))
        introduction = site.renderer.render(site.cover["introduction"] or "")
        zf.writestr(
            top + "index.html",
            site.page("index.html", "", tree=tree, introduction=introduction, current=None),
        )
        for index, section in enumerate(sections):
            previous = sections[index - 1] if index > 0 else None
            following = sections[index + 1] if index + 1 < len(sections) else None
            html = site.page(
                "section.html",
                "../",
                tree=tree,
                section=section,
                current=section.file,
                previous=previous,
                following=following,
            )
            zf.writestr(top + section.file, html)
            progress(70 + int(20 * (index + 1) / max(1, len(sections))))
        for resource in site.resources:
            name, path = site.file_names.get(resource.id), stored_file(resource)
            if name and path:
                zf.write(path, f"{top}fichiers/{name}")
    progress(100)
