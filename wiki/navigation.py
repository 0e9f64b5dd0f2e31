"""Read-side queries over a space's pages: the tree, backlinks, which slugs resolve."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.orm import load_only

from .db import db
from .models import Page, PageAlias, PageLink, Space


@dataclass
class TreeNode:
    page: Page
    children: list[TreeNode] = field(default_factory=list)


def bump_tree_version(space_id: int) -> None:
    """What a page view shows around the text changed (tree, titles, badges, links between
    pages): its cached parts (``page_html``), kept per tree version, are stale in every
    process. Part of the caller's transaction."""
    db.session.execute(
        update(Space).where(Space.id == space_id).values(tree_version=Space.tree_version + 1)
    )


def live_pages(space: Space) -> list[Page]:
    return list(
        db.session.scalars(
            select(Page)
            .where(Page.space_id == space.id, Page.deleted_at.is_(None))
            .order_by(Page.position, Page.title)
        )
    )


def page_tree(space: Space) -> list[TreeNode]:
    # Only what the tree shows: loading every page's text made a view of a large space slow.
    rows = db.session.scalars(
        select(Page)
        .options(load_only(Page.id, Page.parent_id, Page.title, Page.slug, Page.position))
        .where(Page.space_id == space.id, Page.deleted_at.is_(None))
        .order_by(Page.position, Page.title)
    )
    nodes = {page.id: TreeNode(page) for page in rows}
    roots: list[TreeNode] = []
    for node in nodes.values():
        parent = nodes.get(node.page.parent_id) if node.page.parent_id else None
        (parent.children if parent else roots).append(node)
    return roots


def backlinks(page: Page) -> list[Page]:
    slugs = [
        page.slug,
        *db.session.scalars(select(PageAlias.slug).where(PageAlias.page_id == page.id)),
    ]
    return list(
        db.session.scalars(
            select(Page)
            .join(PageLink, PageLink.source_id == Page.id)
            .where(
                PageLink.space_id == page.space_id,
                PageLink.target_slug.in_(slugs),
                Page.deleted_at.is_(None),
                Page.id != page.id,
            )
            .distinct()
            .order_by(Page.title)
        )
    )


def slug_map(space: Space) -> dict[str, str]:
    """Every slug that resolves in the space (current and old) → the page's current slug."""
    rows = db.session.execute(
        select(Page.slug, Page.slug).where(Page.space_id == space.id, Page.deleted_at.is_(None))
    ).all()
    aliases = db.session.execute(
        select(PageAlias.slug, Page.slug)
        .join(Page, Page.id == PageAlias.page_id)
        .where(PageAlias.space_id == space.id, Page.deleted_at.is_(None))
    ).all()
    return {**dict(aliases), **dict(rows)}
