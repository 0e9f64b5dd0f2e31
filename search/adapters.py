"""One adapter per kind of searchable thing: how to load it, turn it into a ``SearchDoc``
and link to it. Adding questionnaire answers or comments means writing one more small
class with these four methods and registering it in ``ADAPTERS``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Protocol

from flask import current_app, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from wiki.db import db
from wiki.models import Page, Resource, Revision, Space
from wiki.rendering import render_plain

from .analysis import clean_text
from .extract import extract_text
from .schema import SearchDoc

BATCH = 200
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_ATX = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")


class KindAdapter(Protocol):
    kind: str

    def documents(self, ids: Iterable[int]) -> dict[int, SearchDoc | None]:
        """Current documents for ``ids``; ``None`` for those to drop from the index."""

    def all_documents(self) -> Iterator[SearchDoc]:
        """Every live object, for a rebuild (loaded in batches)."""

    def count(self) -> int:
        """How many ``all_documents`` will yield (for the progress bar)."""

    def url(self, space: Space, obj_id: int, extra: dict) -> str:
        """Where a hit leads."""


def headings(markdown: str) -> str:
    """ATX headings (``## Titre``) outside fenced code, one per line."""
    found: list[str] = []
    fenced = False
    for line in markdown.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and (match := _ATX.match(line)):
            found.append(match.group(1))
    return "\n".join(found)


def _batches(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


class PageAdapter:
    kind = "page"

    def _authors(self, page_ids: list[int]) -> dict[int, list[int]]:
        rows = db.session.execute(
            select(Revision.page_id, Revision.author_id)
            .where(Revision.page_id.in_(page_ids), Revision.author_id.is_not(None))
            .distinct()
        )
        authors: dict[int, list[int]] = {}
        for page_id, author_id in rows:
            authors.setdefault(page_id, []).append(author_id)
        return authors

    def _doc(self, page: Page, authors: list[int]) -> SearchDoc:
        markdown = clean_text(page.markdown or "")
        return SearchDoc(
            kind=self.kind,
            obj_id=page.id,
            space_id=page.space_id,
            title=page.title,
            headings=headings(markdown),
            body=render_plain(markdown),
            author_ids=sorted(set(authors) | ({page.created_by_id} - {None})),
            extra={"slug": page.slug},
            updated_at=page.updated_at,
        )

    def documents(self, ids: Iterable[int]) -> dict[int, SearchDoc | None]:
        wanted = sorted(set(ids))
        found: dict[int, SearchDoc | None] = dict.fromkeys(wanted)
        for chunk in _batches(wanted):
            pages = db.session.scalars(
                select(Page).where(Page.id.in_(chunk), Page.deleted_at.is_(None))
            ).all()
            authors = self._authors([p.id for p in pages])
            for page in pages:
                found[page.id] = self._doc(page, authors.get(page.id, []))
        return found

    def all_documents(self) -> Iterator[SearchDoc]:
        ids = list(db.session.scalars(select(Page.id).where(Page.deleted_at.is_(None))))
        for chunk in _batches(sorted(ids)):
            for doc in self.documents(chunk).values():
                if doc is not None:
                    yield doc
            db.session.expunge_all()

    def count(self) -> int:
        return db.session.scalar(select(func.count(Page.id)).where(Page.deleted_at.is_(None))) or 0

    def url(self, space: Space, obj_id: int, extra: dict) -> str:
        return url_for("pages.view", space_ref=space.slug, slug=extra.get("slug") or obj_id)


class ResourceAdapter:
    kind = "resource"

    def _file_text(self, resource: Resource) -> str:
        if resource.kind != "file":
            return ""
        from wiki import resources

        try:
            path: Path | None = resources.file_path(resource, current_app.config["UPLOAD_DIR"])
        except Exception:  # a missing file is indexed by title only
            path = None
        return extract_text(path, resource.mime_type)

    def _doc(self, resource: Resource) -> SearchDoc:
        parts = [resource.description or "", resource.filename or "", resource.url or ""]
        body = clean_text("\n".join([*parts, self._file_text(resource)]))
        return SearchDoc(
            kind=self.kind,
            obj_id=resource.id,
            space_id=resource.space_id,
            title=resource.title,
            body=body,
            tags=list(resource.tag_names),
            author_ids=[resource.author_id] if resource.author_id else [],
            extra={
                "resource_kind": resource.kind,
                "filename": resource.filename,
                "mime_type": resource.mime_type,
            },
            updated_at=resource.created_at,
        )

    def documents(self, ids: Iterable[int]) -> dict[int, SearchDoc | None]:
        wanted = sorted(set(ids))
        found: dict[int, SearchDoc | None] = dict.fromkeys(wanted)
        for chunk in _batches(wanted):
            rows = db.session.scalars(
                select(Resource).where(Resource.id.in_(chunk)).options(selectinload(Resource.tags))
            ).all()
            for resource in rows:
                found[resource.id] = self._doc(resource)
        return found

    def all_documents(self) -> Iterator[SearchDoc]:
        ids = sorted(db.session.scalars(select(Resource.id)))
        for chunk in _batches(ids):
            yield from (d for d in self.documents(chunk).values() if d is not None)
            db.session.expunge_all()

    def count(self) -> int:
        return db.session.scalar(select(func.count(Resource.id))) or 0

    def url(self, space: Space, obj_id: int, extra: dict) -> str:
        return url_for("resources.index", space_ref=space.slug, _anchor=f"ressource-{obj_id}")


ADAPTERS: dict[str, KindAdapter] = {a.kind: a for a in (PageAdapter(), ResourceAdapter())}
