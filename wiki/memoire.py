"""The mémoire's selection: which pages, comparison tables and lists go in, in which order.

``effective_selection`` is what every export uses when none is given: the saved
selection, else the whole space (the page tree in order, without the working pages kept
out of the mémoire, then the comparison table of each comparable kind with two pages or
more, then the list of the resources). Items are ``ItemRef`` values, the same shape as the
API's ``selection`` and an ``ExportJob``'s stored JSON.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from . import kinds
from .db import db
from .errors import ValidationError
from .models import Page, Space
from .models_memoire import ITEM_KINDS, MemoireCover, MemoireItem
from .navigation import page_tree


@dataclass(frozen=True)
class ItemRef:
    item_kind: str  # one of ITEM_KINDS
    ref_id: int | None = None  # a page's id
    ref_key: str = ""  # a comparable kind's name

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _tree_order(space: Space) -> list[int]:
    order: list[int] = []

    def walk(nodes) -> None:
        for node in nodes:
            order.append(node.page.id)
            walk(node.children)

    walk(page_tree(space))
    return order


def whole_space(space: Space) -> list[ItemRef]:
    hidden = set(
        db.session.scalars(
            select(Page.id).where(
                Page.space_id == space.id,
                (Page.hidden_from_memoire.is_(True)) | (Page.is_model.is_(True)),
            )
        )
    )
    items = [ItemRef("page", page_id) for page_id in _tree_order(space) if page_id not in hidden]
    counts = dict(
        db.session.execute(
            select(Page.kind, func.count())
            .where(Page.space_id == space.id, Page.deleted_at.is_(None), Page.is_model.is_(False))
            .group_by(Page.kind)
        ).all()
    )
    for kind in kinds.all_kinds():
        if kind.comparable and counts.get(kind.name, 0) >= 2:
            items.append(ItemRef("comparison", ref_key=kind.name))
    items.append(ItemRef("resources"))
    return items


def saved_selection(space: Space) -> list[ItemRef] | None:
    cover = db.session.get(MemoireCover, space.id)
    if cover is None or not cover.has_selection:
        return None
    rows = db.session.scalars(
        select(MemoireItem).where(MemoireItem.space_id == space.id).order_by(MemoireItem.position)
    )
    return [ItemRef(row.item_kind, row.ref_id, row.ref_key) for row in rows]


def effective_selection(space: Space) -> list[ItemRef]:
    saved = saved_selection(space)
    return saved if saved is not None else whole_space(space)


def parse_selection(space: Space, raw: Any) -> list[ItemRef]:
    """Check a selection given by a person or the API: a list of items that exist in
    ``space``; raises ``ValidationError`` saying which item is wrong."""
    if not isinstance(raw, list) or not raw:
        raise ValidationError(
            _l("Choisissez au moins un élément pour le mémoire."), field="selection"
        )
    if len(raw) > 5000:
        raise ValidationError(_l("La sélection est trop longue."), field="selection")
    page_ids = set(
        db.session.scalars(
            select(Page.id).where(Page.space_id == space.id, Page.deleted_at.is_(None))
        )
    )
    comparable = {kind.name for kind in kinds.all_kinds() if kind.comparable}
    items: list[ItemRef] = []
    for index, entry in enumerate(raw, start=1):
        if not isinstance(entry, dict) or entry.get("item_kind") not in ITEM_KINDS:
            raise ValidationError(
                _l("L'élément n° %(n)s de la sélection n'est pas compris.", n=index),
                field="selection",
            )
        kind = entry["item_kind"]
        if kind == "page":
            ref_id = entry.get("ref_id")
            if not isinstance(ref_id, int) or isinstance(ref_id, bool) or ref_id not in page_ids:
                raise ValidationError(
                    _l(
                        "L'élément n° %(n)s de la sélection n'est pas une page de cet espace.",
                        n=index,
                    ),
                    field="selection",
                )
            item = ItemRef("page", ref_id)
        elif kind == "comparison":
            if entry.get("ref_key") not in comparable:
                raise ValidationError(
                    _l(
                        "L'élément n° %(n)s de la sélection n'est pas un tableau comparatif.",
                        n=index,
                    ),
                    field="selection",
                )
            item = ItemRef("comparison", ref_key=entry["ref_key"])
        else:
            item = ItemRef("resources")
        if item not in items:
            items.append(item)
    return items


def dumps(items: list[ItemRef]) -> str:
    return json.dumps([item.as_json() for item in items])


def loads(text: str) -> list[ItemRef]:
    return [ItemRef(**entry) for entry in json.loads(text or "[]")]


def store_selection(space: Space, items: list[ItemRef], user_id: int | None) -> None:
    """Replace the saved selection (the caller checked permission and archive state)."""
    cover = db.session.get(MemoireCover, space.id)
    if cover is None:
        cover = MemoireCover(space_id=space.id)
        db.session.add(cover)
    cover.has_selection = True
    cover.updated_by_id = user_id
    db.session.execute(delete(MemoireItem).where(MemoireItem.space_id == space.id))
    for position, item in enumerate(items):
        db.session.add(
            MemoireItem(
                space_id=space.id,
                position=position,
                item_kind=item.item_kind,
                ref_id=item.ref_id,
                ref_key=item.ref_key,
            )
        )
