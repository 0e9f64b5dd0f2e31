"""A page's slug in its space: unique among live pages and their old slugs; a page in the
trash gives its slug up to a new page of the same title (so ``[[Title]]`` reaches it)."""

from __future__ import annotations

from sqlalchemy import delete, select

from .db import db
from .models import SLUG_MAX, Page, PageAlias
from .slugs import slugify


def slug_taken(space_id: int, slug: str, except_page: int | None = None) -> bool:
    """Whether a live page, or an old slug of a live page, answers at ``slug``.

    Pages in the trash do not hold their slug: a new page with the same title takes it
    (see ``claim_slug``), so ``[[Title]]`` links reach the page that exists.
    """
    page_id = db.session.scalar(
        select(Page.id).where(
            Page.space_id == space_id, Page.slug == slug, Page.deleted_at.is_(None)
        )
    )
    alias_of = db.session.scalar(
        select(PageAlias.page_id)
        .join(Page, Page.id == PageAlias.page_id)
        .where(PageAlias.space_id == space_id, PageAlias.slug == slug, Page.deleted_at.is_(None))
    )
    return (page_id is not None and page_id != except_page) or (
        alias_of is not None and alias_of != except_page
    )


def parked_slug(page_id: int) -> str:
    """The slug of a trashed page whose slug was taken: never produced by ``slugify``."""
    return f"~{page_id}"


def claim_slug(space_id: int, slug: str, page_id: int | None = None) -> None:
    """Free ``slug`` for a live page: park a trashed page holding it, drop stale aliases."""
    trashed = db.session.scalars(
        select(Page).where(
            Page.space_id == space_id,
            Page.slug == slug,
            Page.deleted_at.is_not(None),
            Page.id != (page_id or 0),
        )
    )
    for page in trashed:
        page.slug = parked_slug(page.id)
    db.session.execute(
        delete(PageAlias).where(PageAlias.space_id == space_id, PageAlias.slug == slug)
    )
    db.session.flush()


def unique_slug(space_id: int, title: str, except_page: int | None = None) -> str:
    base = slugify(title, max_length=SLUG_MAX - 6) or "page"
    slug, n = base, 1
    while slug_taken(space_id, slug, except_page):
        n += 1
        slug = f"{base}-{n}"
    return slug
