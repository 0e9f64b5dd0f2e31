"""A mémoire selection resolved into one ordered document, for the PDF and the static site.

``document(space, items)`` returns the cover (``MemoireCover`` with the space's defaults:
its title, its dates in French, the CC BY-SA 4.0 licence; the participants and their
structures as each chose to be credited), the introduction as HTML, then one ``Section``
per item: a page as its kind shows it (a mind map's SVG, a board's cards, a questionnaire's
questions and its results with their charts, any other page's text) with the people who
wrote it, a comparison table, or the list of the space's resources.

Every name goes through ``wiki.credits.Credits``: a member who chose "none" is printed
nowhere, "initials" prints "C. D.". Images stay as the page's addresses
(``/s/<space>/ressources/<id>/fichier``); ``resource_file(space, url)`` tells a writer which
file on disk one of them is (the PDF reads it, the static site copies it).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babel.dates import format_date
from flask import current_app
from markupsafe import Markup, escape
from sqlalchemy import select

from . import comparison, kinds, live, memoire, mindmap, resources
from .credits import Credits
from .db import db
from .memoire import ItemRef
from .metaplan_rendition import credit_authors
from .models import Membership, Page, Resource, Revision, RevisionAuthor, Space, User
from .models_metaplan import MetaplanCard
from .models_questionnaires import Questionnaire
from .page_html import render_text
from .rendering import trusted_svg

ROLE_ORDER = {"facilitator": 0, "participant": 1, "reader": 2}
#: a comparison with more columns than this is printed on a landscape page
WIDE_COLUMNS = 3
_RESOURCE_URL = re.compile(r"^/s/(?P<space>[^/]+)/ressources/(?P<id>\d+)/fichier$")


@dataclass(frozen=True)
class Person:
    name: str
    structure: str = ""


@dataclass
class Cover:
    title: str
    subtitle: str
    dates: str
    facilitators: str
    funder: str
    licence: str
    participants: list[Person]
    introduction: Markup


@dataclass
class Section:
    kind: str  # "page" | "comparison" | "resources"
    anchor: str
    title: str
    html: Markup = field(default_factory=Markup)
    credits: list[str] = field(default_factory=list)
    #: printed on a landscape page (a comparison of many columns)
    wide: bool = False
    page: Page | None = None
    table: comparison.Table | None = None
    resources: list[Resource] = field(default_factory=list)
    #: the page's kind label ("Carte mentale"), "" for an ordinary page
    kind_label: str = ""


@dataclass
class Document:
    space: Space
    cover: Cover
    sections: list[Section]
    generated_on: str


def french_date(day: dt.date) -> str:
    return format_date(day, "d MMMM y", locale="fr")


def space_dates(space: Space) -> str:
    start, end = space.starts_on, space.ends_on
    if start and end and start != end:
        if (start.year, start.month) == (end.year, end.month):
            return f"du {start.day} au {french_date(end)}"
        if start.year == end.year:
            return f"du {format_date(start, 'd MMMM', locale='fr')} au {french_date(end)}"
        return f"du {french_date(start)} au {french_date(end)}"
    day = start or end
    return f"le {french_date(day)}" if day else ""


def participants(space: Space, credits: Credits) -> list[Person]:
    rows = db.session.execute(
        select(Membership.user_id, Membership.role, User.name)
        .join(User, User.id == Membership.user_id)
        .where(Membership.space_id == space.id)
    ).all()
    rows.sort(key=lambda row: (ROLE_ORDER.get(row.role, 9), row.name.casefold()))
    people = []
    for user_id, _role, _name in rows:
        name = credits.name(user_id)
        if name:
            people.append(Person(name, credits.structure(user_id)))
    return people


def cover_of(space: Space, credits: Credits) -> Cover:
    """The cover as printed: ``memoire.cover`` (its defaults), the introduction rendered."""
    shown = memoire.cover(space, credits)
    intro = shown.introduction
    return Cover(
        title=shown.title,
        subtitle=shown.subtitle,
        dates=shown.dates,
        facilitators=shown.facilitators,
        funder=shown.funder,
        licence=shown.licence,
        participants=participants(space, credits),
        introduction=render_text(space, intro).html if intro.strip() else Markup(""),
    )


def page_authors(page: Page, credits: Credits) -> list[str]:
    """Who wrote ``page``, in the order they first did, as they chose to be credited."""
    ordered: list[int] = []
    if page.created_by_id:
        ordered.append(page.created_by_id)
    rows = db.session.execute(
        select(Revision.number, Revision.author_id, RevisionAuthor.user_id)
        .outerjoin(RevisionAuthor, RevisionAuthor.revision_id == Revision.id)
        .where(Revision.page_id == page.id)
        .order_by(Revision.number)
    )
    for _number, author_id, typist_id in rows:
        for user_id in (author_id, typist_id):
            if user_id and user_id not in ordered:
                ordered.append(user_id)
    return credits.names(ordered)


def _text_of(page: Page) -> str:
    text = live.current_text(page)
    return page.markdown if text is None else text


def _metaplan_html(space: Space, page: Page, credits: Credits) -> Markup:
    names: dict[str, str | None] = {}
    author_ids = db.session.scalars(
        select(MetaplanCard.author_id).where(MetaplanCard.page_id == page.id).distinct()
    )
    for user_id in author_ids:
        user = db.session.get(User, user_id) if user_id else None
        if user is not None:
            names[user.name] = credits.name(user_id)
    return render_text(space, credit_authors(_text_of(page), names)).html


def _questionnaire_html(space: Space, page: Page, credits: Credits) -> Markup:
    from .questionnaire_results import compute

    parts = [str(render_text(space, _text_of(page)).html)]
    questionnaire = db.session.scalar(select(Questionnaire).where(Questionnaire.page_id == page.id))
    if questionnaire is None:
        return Markup("".join(parts))
    found = compute(questionnaire, manager=True, credits=credits)
    if not found["respondents"]:
        return Markup("".join(parts))
    parts.append(
        f'<section class="results"><h2>Résultats</h2><p>{found["respondents"]} '
        "personne(s) ont répondu.</p>"
    )
    for svg in (found.get("profiles", {}).get("svg"), found.get("radar_svg")):
        if svg:
            parts.append(f'<figure class="chart">{trusted_svg(svg)}</figure>')
    for question in found["questions"]:
        parts.append(f"<h3>{escape(question['label'])}</h3>")
        parts.append(f"<p>{question['answered']} réponse(s).</p>")
        if question.get("svg"):
            parts.append(f'<figure class="chart">{trusted_svg(question["svg"])}</figure>')
        for card in question.get("texts") or []:
            who = f"<strong>{escape(card['name'])}</strong> : " if card.get("name") else ""
            parts.append(f"<blockquote><p>{who}{escape(card['text'])}</p></blockquote>")
    parts.append("</section>")
    return Markup("".join(parts))


def page_html(space: Space, page: Page, credits: Credits) -> Markup:
    """``page`` as its kind shows it, as HTML (names through ``credits``)."""
    if page.kind == "mind_map":
        svg = trusted_svg(mindmap.page_svg(_text_of(page), page.title))
        return Markup(f'<figure class="mind-map">{svg}</figure>')
    if page.kind == "metaplan":
        return _metaplan_html(space, page, credits)
    if page.kind == "questionnaire":
        return _questionnaire_html(space, page, credits)
    return render_text(space, _text_of(page)).html


def _kind_label(page: Page) -> str:
    if page.kind == "page":
        return ""
    try:
        return str(kinds.get(page.kind).label)
    except Exception:
        return ""


def _page_section(space: Space, page: Page, credits: Credits, anchor: str) -> Section:
    return Section(
        "page",
        anchor,
        page.title,
        html=page_html(space, page, credits),
        credits=page_authors(page, credits),
        page=page,
        kind_label=_kind_label(page),
    )


def _comparison_section(space: Space, key: str, anchor: str) -> Section | None:
    try:
        table = comparison.build_table(space, key)
    except Exception:
        return None
    label = _kind_label_of(key)
    return Section(
        "comparison",
        anchor,
        f"Tableau comparatif : {label}" if label else "Tableau comparatif",
        table=table,
        wide=len(table.columns) > WIDE_COLUMNS,
    )


def _kind_label_of(name: str) -> str:
    try:
        return str(kinds.get(name).label)
    except Exception:
        return name


def _resources_section(space: Space, anchor: str) -> Section:
    rows = db.session.scalars(
        select(Resource).where(Resource.space_id == space.id).order_by(Resource.title, Resource.id)
    )
    return Section("resources", anchor, "Ressources", resources=list(rows))


def document(
    space: Space,
    items: list[ItemRef],
    progress: Callable[[int], None] | None = None,
    *,
    credits: Credits | None = None,
) -> Document:
    """Resolve ``items`` (pages gone since are skipped) into the document to print."""
    credits = credits or Credits(space)
    pages_by_id = {
        page.id: page
        for page in db.session.scalars(
            select(Page).where(Page.space_id == space.id, Page.deleted_at.is_(None))
        )
    }
    sections: list[Section] = []
    for number, item in enumerate(items, start=1):
        anchor = f"section-{number}"
        section: Section | None = None
        if item.item_kind == "page" and item.ref_id in pages_by_id:
            section = _page_section(space, pages_by_id[item.ref_id], credits, anchor)
        elif item.item_kind == "comparison":
            section = _comparison_section(space, item.ref_key, anchor)
        elif item.item_kind == "resources":
            section = _resources_section(space, anchor)
        if section is not None:
            sections.append(section)
        if progress is not None:
            progress(number * 100 // max(1, len(items)))
    return Document(
        space=space,
        cover=cover_of(space, credits),
        sections=sections,
        generated_on=french_date(dt.date.today()),
    )


def resource_file(space: Space, url: str) -> tuple[Path, str] | None:
    """The file on disk and its type behind ``url`` when it is the download address of one
    of ``space``'s files (``/s/<space>/ressources/<id>/fichier``), else None."""
    path = url.split("?", 1)[0].split("#", 1)[0]
    for prefix in ("http://", "https://"):
        if path.startswith(prefix):
            path = "/" + path[len(prefix) :].partition("/")[2]
    match = _RESOURCE_URL.match(path)
    if match is None or match["space"] not in (space.slug, str(space.id)):
        return None
    resource = db.session.get(Resource, int(match["id"])) if len(match["id"]) < 10 else None
    if resource is None or resource.space_id != space.id or resource.kind != "file":
        return None
    try:
        found = resources.file_path(resource, Path(current_app.config["UPLOAD_DIR"]))
    except Exception:
        return None
    return (found, resource.mime_type or "application/octet-stream") if found.is_file() else None


def describe_size(size: int) -> str:
    if size < 1024:
        return f"{size} o"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} Ko".replace(".", ",")
    return f"{size / 1024 / 1024:.1f} Mo".replace(".", ",")


def context(doc: Document) -> dict[str, Any]:
    """What the templates (print, static site) receive besides the document."""
    return {"doc": doc, "describe_size": describe_size}
