"""The mémoire's selection: which pages, comparison tables and lists go in, in which order.

``effective_selection`` is what every export uses when none is given: the saved
selection, else the whole space (the page tree in order, without the working pages kept
out of the mémoire, then the comparison table of each comparable kind with two pages or
more, then the list of the resources). Items are ``ItemRef`` values, the same shape as the
API's ``selection`` and an ``ExportJob``'s stored JSON.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from . import kinds
from .credits import Credits
from .db import db
from .errors import UnknownReference, ValidationError
from .models import Membership, Page, Space, User
from .models_memoire import DEFAULT_LICENCE, ITEM_KINDS, MemoireCover, MemoireItem, _utcnow
from .navigation import page_tree
from .permissions import Action, require
from .spaces import one_line


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
            if not isinstance(ref_id, int) or isinstance(ref_id, bool):
                raise ValidationError(
                    _l("L'élément n° %(n)s de la sélection n'est pas compris.", n=index),
                    field="selection",
                )
            if ref_id not in page_ids:
                raise UnknownReference(
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


# --- Saving the selection, the cover (issue 11, curation) ---------------------------------

TITLE_MAX, SUBTITLE_MAX, DATES_MAX, FUNDER_MAX, LICENCE_MAX = 200, 300, 200, 300, 100
FACILITATORS_MAX, INTRODUCTION_MAX = 2000, 50_000
_MULTILINE_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
COVER_FIELDS = ("title", "subtitle", "dates", "facilitators", "funder", "licence", "introduction")
_LIMITS = {
    "title": TITLE_MAX,
    "subtitle": SUBTITLE_MAX,
    "dates": DATES_MAX,
    "facilitators": FACILITATORS_MAX,
    "funder": FUNDER_MAX,
    "licence": LICENCE_MAX,
    "introduction": INTRODUCTION_MAX,
}
_NAMES = {
    "title": _l("Le titre"),
    "subtitle": _l("Le sous-titre"),
    "dates": _l("Les dates"),
    "facilitators": _l("La liste des animateur·rices"),
    "funder": _l("Le financeur"),
    "licence": _l("La licence"),
    "introduction": _l("L'introduction"),
}


@dataclass(frozen=True)
class Cover:
    """The cover as the mémoire prints it: what a facilitator wrote, else the defaults (the
    space's title and dates, its facilitators as credited, CC BY-SA 4.0); ``participants``
    are the other members as their credit consent allows, with their structure."""

    title: str
    subtitle: str
    dates: str
    facilitators: str
    funder: str
    licence: str
    introduction: str
    participants: list[tuple[str, str]]
    saved: bool  # a facilitator saved a cover
    has_selection: bool  # a facilitator saved a selection


def default_dates(space: Space) -> str:
    """The space's dates in words, as the exports print them ("le 12 mars 2026", "du 12
    au 14 mars 2026"), or ""."""
    from .memoire_content import space_dates  # the exports' wording (imports this module)

    return space_dates(space)


def _members(space: Space, facilitators: bool) -> list[int]:
    role = Membership.role == "facilitator"
    return list(
        db.session.scalars(
            select(Membership.user_id)
            .join(User, User.id == Membership.user_id)
            .where(Membership.space_id == space.id, role if facilitators else ~role)
            .order_by(User.name)
        )
    )


def default_facilitators(space: Space, credits: Credits | None = None) -> str:
    credits = credits or Credits(space)
    return ", ".join(credits.names(_members(space, facilitators=True)))


def participants(space: Space, credits: Credits | None = None) -> list[tuple[str, str]]:
    """(name, structure) of the people the cover names, as the exports print them: every
    member as they agreed to be credited (the uncredited are left out)."""
    from .memoire_content import participants as printed

    return [(person.name, person.structure) for person in printed(space, credits or Credits(space))]


def cover(space: Space, credits: Credits | None = None) -> Cover:
    """The one place the cover's defaults are decided: the builder shows it, the exports
    print it (``memoire_content.cover_of``)."""
    row = db.session.get(MemoireCover, space.id)
    credits = credits or Credits(space)
    stored = {name: (getattr(row, name) or "").strip() if row else "" for name in COVER_FIELDS}
    return Cover(
        title=stored["title"] or space.title,
        subtitle=stored["subtitle"],
        dates=stored["dates"] or default_dates(space),
        facilitators=stored["facilitators"] or default_facilitators(space, credits),
        funder=stored["funder"],
        licence=stored["licence"] or DEFAULT_LICENCE,
        introduction=stored["introduction"],
        participants=participants(space, credits),
        saved=any(stored.values()),
        has_selection=bool(row and row.has_selection),
    )


def stored_cover(space: Space) -> dict[str, str]:
    """What a facilitator wrote (empty strings: the default applies), for the form."""
    row = db.session.get(MemoireCover, space.id)
    return {name: (getattr(row, name) or "") if row else "" for name in COVER_FIELDS}


def _cover_row(space: Space) -> MemoireCover:
    row = db.session.get(MemoireCover, space.id)
    if row is None:
        row = MemoireCover(space_id=space.id, licence="")
        db.session.add(row)
    return row


def save_cover(user: User, space: Space, values: dict[str, Any]) -> MemoireCover:
    """Write the cover fields given in ``values`` (others unchanged); facilitators only,
    refused once archived. An empty field means "the default"."""
    require(user, space, Action.MANAGE)
    cleaned: dict[str, str] = {}
    for name, value in values.items():
        if name not in COVER_FIELDS:
            continue
        if not isinstance(value, str):
            raise ValidationError(_l("%(what)s doit être un texte.", what=_NAMES[name]), field=name)
        if len(value) > _LIMITS[name]:  # as sent: the limit the API document states
            raise ValidationError(
                _l(
                    "%(what)s dépasse %(max)s caractères.",
                    what=_NAMES[name],
                    max=_LIMITS[name],
                ),
                field=name,
            )
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValidationError(
                _l("%(what)s contient un texte mal encodé.", what=_NAMES[name]), field=name
            ) from None
        if name in ("introduction", "facilitators"):
            value = _MULTILINE_CONTROL.sub(" ", value.replace("\r\n", "\n")).strip()
        else:
            value = one_line(value)
        cleaned[name] = value
    row = _cover_row(space)
    for name, value in cleaned.items():
        setattr(row, name, value)
    row.updated_at = _utcnow()
    row.updated_by_id = user.id
    db.session.commit()
    return row


def save_selection(user: User, space: Space, raw: Any) -> list[ItemRef]:
    """Check and save the facilitator's selection (refused once archived)."""
    require(user, space, Action.MANAGE)
    items = parse_selection(space, raw)
    store_selection(space, items, user.id)
    db.session.commit()
    return items


def reset_selection(user: User, space: Space) -> None:
    """Forget the saved selection: the mémoire takes the whole space again."""
    require(user, space, Action.MANAGE)
    db.session.execute(delete(MemoireItem).where(MemoireItem.space_id == space.id))
    row = db.session.get(MemoireCover, space.id)
    if row is not None:
        row.has_selection = False
        row.updated_by_id = user.id
    db.session.commit()
