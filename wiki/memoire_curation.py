"""Curation of a space into its mémoire (issue 11): reorganising the page tree, keeping
working pages out of the mémoire, and the builder's lists (what is in, what could be).

Moves go through ``pages.move_page`` (redirects and permission checks are its own);
hiding a page from the mémoire is a facilitator's choice (``Action.MANAGE``), refused once
the space is archived. The builder's entries are labelled here so the HTML view, the API
and the exports name an item the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from . import kinds, pages
from .db import db
from .errors import NotFound, ValidationError
from .memoire import ItemRef, effective_selection
from .models import Page, Space, User
from .navigation import TreeNode, bump_tree_version, page_tree
from .permissions import Action, require

RESOURCES_LABEL = _l("Liste des ressources")
PAGE_NOT_IN_SPACE = _l("Cette page n'existe pas dans cet espace.")


@dataclass(frozen=True)
class Entry:
    """One possible item of the mémoire, as the builder lists it."""

    ref: ItemRef
    label: str
    kind_label: str
    depth: int = 0
    hidden: bool = False  # a page kept out of the mémoire

    @property
    def key(self) -> str:
        """A stable text id (``page:12``, ``comparison:fiche_statut``, ``resources``)."""
        if self.ref.item_kind == "page":
            return f"page:{self.ref.ref_id}"
        if self.ref.item_kind == "comparison":
            return f"comparison:{self.ref.ref_key}"
        return "resources"

    def as_json(self) -> dict[str, Any]:
        return {
            **self.ref.as_json(),
            "key": self.key,
            "label": self.label,
            "kind_label": self.kind_label,
        }


def _space_page(space: Space, page_id: Any) -> Page:
    if not isinstance(page_id, int) or isinstance(page_id, bool) or not 1 <= page_id < 2**31:
        raise NotFound(PAGE_NOT_IN_SPACE)
    page = db.session.get(Page, page_id)
    if page is None or page.space_id != space.id or page.is_deleted:
        raise NotFound(PAGE_NOT_IN_SPACE)
    return page


def move(user: User, space: Space, page_id: Any, parent_id: Any, position: Any) -> Page:
    """Move a page of ``space`` under ``parent_id`` (None: the top level) at ``position``
    among its new siblings (0 = first); old links keep working (slugs do not change)."""
    page = _space_page(space, page_id)
    if parent_id is not None and (not isinstance(parent_id, int) or isinstance(parent_id, bool)):
        raise ValidationError(_l("La page parente doit être un numéro."), field="parent_id")
    if not isinstance(position, int) or isinstance(position, bool) or not 0 <= position < 100_000:
        raise ValidationError(
            _l("La position doit être un nombre entier positif."), field="position"
        )
    return pages.move_page(user, page, parent_id, position)


def set_hidden(user: User, space: Space, page_id: Any, hidden: bool) -> Page:
    """Keep a working page out of the mémoire (or put it back); it stays in the space."""
    require(user, space, Action.MANAGE)
    page = _space_page(space, page_id)
    page.hidden_from_memoire = bool(hidden)
    # the tree shows a "hors mémoire" badge: its cached rendering is now stale
    bump_tree_version(space.id)
    db.session.commit()
    return page


def hidden_ids(space: Space) -> set[int]:
    return set(
        db.session.scalars(
            select(Page.id).where(
                Page.space_id == space.id,
                Page.deleted_at.is_(None),
                Page.hidden_from_memoire.is_(True),
            )
        )
    )


def hidden_count(space: Space) -> int:
    return (
        db.session.scalar(
            select(func.count()).where(
                Page.space_id == space.id,
                Page.deleted_at.is_(None),
                Page.hidden_from_memoire.is_(True),
            )
        )
        or 0
    )


def _kind_label(page: Page) -> str:
    return str(kinds.of_page(page.kind).label)


def _page_entries(space: Space) -> list[Entry]:
    entries: list[Entry] = []

    def walk(nodes: list[TreeNode], depth: int) -> None:
        for node in nodes:
            page = node.page
            entries.append(
                Entry(
                    ItemRef("page", page.id),
                    page.title,
                    _kind_label(page),
                    depth,
                    bool(page.hidden_from_memoire),
                )
            )
            walk(node.children, depth + 1)

    walk(page_tree(space), 0)
    return entries


def _comparison_entries() -> list[Entry]:
    return [
        Entry(
            ItemRef("comparison", ref_key=kind.name),
            str(_l("Tableau comparatif : %(kind)s", kind=kind.label)),
            str(_l("Tableau comparatif")),
        )
        for kind in kinds.all_kinds()
        if kind.comparable
    ]


def all_entries(space: Space) -> list[Entry]:
    """Everything that can go in: the pages in tree order, the comparison table of each
    comparable kind, the list of the resources."""
    resources = Entry(ItemRef("resources"), str(RESOURCES_LABEL), str(_l("Liste")))
    return [*_page_entries(space), *_comparison_entries(), resources]


def builder_lists(space: Space) -> tuple[list[Entry], list[Entry]]:
    """(what is in the mémoire now, in order; what could be added, in tree order)."""
    entries = {entry.ref: entry for entry in all_entries(space)}
    chosen = [entries[ref] for ref in effective_selection(space) if ref in entries]
    taken = {entry.ref for entry in chosen}
    return chosen, [entry for ref, entry in entries.items() if ref not in taken]
