"""History: list, compare and restore revisions; the recent-changes feed of a space."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from . import revision_messages
from .db import db
from .errors import NotFound
from .models import Page, Revision, Space, User
from .pages import update_page
from .permissions import Action, require
from .spaces import in_id_range

_TOKEN = re.compile(r"\s+|[\w'’-]+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class DiffPart:
    """A run of text that is ``same``, ``added`` or ``removed``."""

    kind: str
    text: str


@dataclass(frozen=True)
class DiffSummary:
    parts: list[DiffPart]
    words_added: int
    words_removed: int
    title_before: str
    title_after: str


def history(page: Page) -> Select[tuple[Revision]]:
    """Newest first, with the people credited for each (one extra query for the whole list)."""
    return (
        select(Revision)
        .where(Revision.page_id == page.id)
        .order_by(Revision.number.desc())
        .options(selectinload(Revision.credited))
    )


def get_revision(page: Page, number: int) -> Revision:
    revision = None
    if in_id_range(number):
        revision = db.session.scalar(
            select(Revision).where(Revision.page_id == page.id, Revision.number == number)
        )
    if revision is None:
        raise NotFound(_l("La version %(number)s de cette page n'existe pas.", number=number))
    return revision


def _words(parts: list[DiffPart], kind: str) -> int:
    return sum(len(re.findall(r"\w+", p.text)) for p in parts if p.kind == kind)


def word_diff(before: str, after: str) -> list[DiffPart]:
    """Compare word by word, so a reader sees the words that changed, not whole lines."""
    old, new = _TOKEN.findall(before), _TOKEN.findall(after)
    parts: list[DiffPart] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(DiffPart("same", "".join(old[i1:i2])))
            continue
        if i2 > i1:
            parts.append(DiffPart("removed", "".join(old[i1:i2])))
        if j2 > j1:
            parts.append(DiffPart("added", "".join(new[j1:j2])))
    return parts


def compare(page: Page, from_number: int, to_number: int) -> DiffSummary:
    before, after = get_revision(page, from_number), get_revision(page, to_number)
    parts = word_diff(before.markdown, after.markdown)
    return DiffSummary(
        parts=parts,
        words_added=_words(parts, "added"),
        words_removed=_words(parts, "removed"),
        title_before=before.title,
        title_after=after.title,
    )


def restore_revision(user: User, page: Page, number: int) -> Revision | None:
    """Bring back an old version as a new revision (history is never rewritten)."""
    old = get_revision(page, number)
    return update_page(
        user,
        page,
        markdown=old.markdown,
        title=old.title,
        message=revision_messages.coded(revision_messages.RESTORED, number),
    )


def recent_changes(user: User | None, space: Space, limit: int = 50) -> list[Revision]:
    require(user, space, Action.READ)
    return list(
        db.session.scalars(
            select(Revision)
            .join(Page, Page.id == Revision.page_id)
            .where(Page.space_id == space.id, Page.deleted_at.is_(None))
            .order_by(Revision.created_at.desc(), Revision.id.desc())
            .limit(max(1, min(limit, 500)))
            .options(selectinload(Revision.credited))
        )
    )
