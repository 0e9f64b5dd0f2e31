"""The trash: a page deleted goes there with its history, sub-pages move up a level;
facilitators list and restore (under a new slug if its own was taken meanwhile)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from . import events, page_slugs
from .db import db
from .errors import NotFound
from .models import Page, Space, User, utcnow
from .navigation import bump_tree_version
from .permissions import Action, require
from .spaces import in_id_range


def delete_page(user: User, page: Page) -> None:
    """Send to the trash; sub-pages move up one level so nothing disappears with it."""
    require(user, page.space, Action.EDIT)
    db.session.execute(
        update(Page).where(Page.parent_id == page.id).values(parent_id=page.parent_id)
    )
    page.deleted_at, page.deleted_by_id = utcnow(), user.id
    bump_tree_version(page.space_id)
    db.session.commit()
    events.page_deleted.send(page)


def trash(user: User, space: Space) -> list[Page]:
    require(user, space, Action.MANAGE, writing=False)
    return list(
        db.session.scalars(
            select(Page)
            .where(Page.space_id == space.id, Page.deleted_at.is_not(None))
            .order_by(Page.deleted_at.desc())
        )
    )


def restore_page(user: User, space: Space, page_id: int) -> Page:
    require(user, space, Action.MANAGE)
    page = db.session.get(Page, page_id) if in_id_range(page_id) else None
    if page is None or page.space_id != space.id or not page.is_deleted:
        raise NotFound(_l("Cette page n'est pas dans la corbeille."))
    if page.parent_id is not None and (page.parent is None or page.parent.is_deleted):
        page.parent_id = None
    page.deleted_at = page.deleted_by_id = None
    if page.slug == page_slugs.parked_slug(page.id) or page_slugs.slug_taken(
        space.id, page.slug, except_page=page.id
    ):
        page.slug = page_slugs.unique_slug(space.id, page.title, except_page=page.id)
    page_slugs.claim_slug(space.id, page.slug, page.id)
    bump_tree_version(space.id)
    db.session.commit()
    events.page_restored.send(page)
    return page
