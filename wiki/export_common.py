"""What the Markdown and static-site exports share: the pages of a selection, each page's
text as its editors see it now, its credited authors, the space's files a text points at,
and the rewriting of Cercle's own addresses into paths inside the export.

Credit consent applies to every name printed: page authors come from ``Credits.names``
(full name, initials, or left out), and the author shown after each Métaplan card in a
board's Markdown is rewritten the same way.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from flask import current_app
from sqlalchemy import select

from . import live
from .credits import Credits
from .db import db
from .errors import NotFound
from .memoire import ItemRef
from .metaplan_rendition import credit_authors
from .models import Page, Resource, Space, User
from .models_metaplan import MetaplanCard
from .slugs import slugify

#: the folder of an export's files (Markdown zip and static site alike)
FILES_DIR = "fichiers"


def selected_pages(space: Space, items: Iterable[ItemRef]) -> list[Page]:
    """The live pages of ``space`` named by ``items``, in the selection's order."""
    wanted = [item.ref_id for item in items if item.item_kind == "page" and item.ref_id]
    found = {
        page.id: page
        for page in db.session.scalars(
            select(Page).where(
                Page.space_id == space.id, Page.id.in_(wanted or [0]), Page.deleted_at.is_(None)
            )
        )
    }
    return [found[page_id] for page_id in dict.fromkeys(wanted) if page_id in found]


def nearest_exported_parent(page: Page, exported: dict[int, Page]) -> Page | None:
    """The closest ancestor of ``page`` that is exported too (None: at the top)."""
    seen: set[int] = set()
    parent_id = page.parent_id
    while parent_id is not None and parent_id not in seen:
        seen.add(parent_id)
        if parent_id in exported:
            return exported[parent_id]
        parent = db.session.get(Page, parent_id)
        parent_id = parent.parent_id if parent is not None else None
    return None


def iso(moment: dt.datetime | None) -> str | None:
    """A stored (naive UTC) time as ISO 8601 with its ``Z``."""
    if moment is None:
        return None
    return moment.replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def credited_authors(page: Page, credits: Credits) -> list[str]:
    """Who wrote ``page``, as they consented to be named (the PDF's list, the same order)."""
    from .memoire_content import page_authors

    return page_authors(page, credits)


def _board_authors(page: Page, text: str, credits: Credits) -> str:
    """A Métaplan board's Markdown with each card's author named as they consented."""
    author_ids_ = select(MetaplanCard.author_id).where(
        MetaplanCard.page_id == page.id, MetaplanCard.author_id.is_not(None)
    )
    users = db.session.scalars(select(User).where(User.id.in_(author_ids_)))
    return credit_authors(text, {user.name: credits.name(user.id) for user in users})


def text_now(page: Page, credits: Credits) -> str:
    """The page's Markdown as its editors see it now (the live document's text when the page
    is open), with credit consent applied to the names a board prints."""
    text = live.current_text(page)
    text = page.markdown if text is None else text
    if page.kind == "metaplan":
        text = _board_authors(page, text, credits)
    return text


# --- Cercle's own addresses -----------------------------------------------------------


@dataclass(frozen=True)
class OwnLinks:
    """Regular expressions for the addresses of one space that a page's text may hold:
    its files (``/s/<space>/ressources/<id>/fichier``) and its pages (``/s/<space>/p/<slug>``),
    relative or on this instance's host."""

    files: re.Pattern[str]
    pages: re.Pattern[str]


def own_links(space: Space) -> OwnLinks:
    host = current_app.config.get("SERVER_NAME")
    origin = f"(?:https?://{re.escape(host)})?" if host else ""
    start = r"(?<![\w/.:-])" + origin + "/s/" + re.escape(space.slug)
    return OwnLinks(
        files=re.compile(start + r"/ressources/(\d{1,12})/fichier\b"),
        pages=re.compile(start + r"/p/([a-z0-9-]{1,220})(?![\w-])(?:/?(#[\w-]*))?"),
    )


def referenced_resource_ids(texts: Iterable[str], links: OwnLinks) -> set[int]:
    return {int(match.group(1)) for text in texts for match in links.files.finditer(text)}


def rewrite(
    text: str,
    links: OwnLinks,
    file_target: Callable[[int], str | None],
    page_target: Callable[[str], str | None],
) -> str:
    """``text`` with each own address replaced by what ``file_target`` (a resource id) or
    ``page_target`` (a slug) gives; an address either answers None for stays as written."""

    def file_link(match: re.Match[str]) -> str:
        target = file_target(int(match.group(1)))
        return match.group(0) if target is None else target

    def page_link(match: re.Match[str]) -> str:
        target = page_target(match.group(1))
        return match.group(0) if target is None else target + (match.group(2) or "")

    return links.pages.sub(page_link, links.files.sub(file_link, text))


def file_resources(space: Space, ids: set[int] | None = None) -> list[Resource]:
    """The space's file resources (those of ``ids`` only, when given), oldest first."""
    query = select(Resource).where(Resource.space_id == space.id, Resource.kind == "file")
    if ids is not None:
        query = query.where(Resource.id.in_(ids or {0}))
    return list(db.session.scalars(query.order_by(Resource.created_at, Resource.id)))


def export_name(resource: Resource, used: set[str]) -> str:
    """A readable, unique, path-safe file name for ``resource`` in ``fichiers/``."""
    name = PurePosixPath(resource.filename or resource.stored_name or "fichier")
    suffix = "".join(s for s in name.suffixes[-1:] if re.fullmatch(r"\.[A-Za-z0-9]{1,8}", s))
    stem = slugify(name.name.removesuffix(suffix)) or f"fichier-{resource.id}"
    candidate, n = f"{stem}{suffix.lower()}", 1
    while candidate.lower() in used:
        n += 1
        candidate = f"{stem}-{n}{suffix.lower()}"
    used.add(candidate.lower())
    return candidate


def stored_file(resource: Resource) -> Path | None:
    """The file of ``resource`` on disk, None when it is missing."""
    from .resources import file_path

    try:
        path = file_path(resource, Path(current_app.config["UPLOAD_DIR"]))
    except NotFound:  # a stored name that is not one of ours
        return None
    return path if path.is_file() else None


def relative(from_file: str, to_file: str) -> str:
    """The relative path from the file ``from_file`` to ``to_file`` (both zip paths)."""
    source = PurePosixPath(from_file).parent.parts
    target = PurePosixPath(to_file).parts
    common = 0
    while common < min(len(source), len(target) - 1) and source[common] == target[common]:
        common += 1
    return "/".join([".."] * (len(source) - common) + list(target[common:]))
