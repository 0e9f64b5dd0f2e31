"""What the HTML views and the JSON API call: permissions → filters → engine → links.

Permission filtering happens inside the engine (a filter on ``space_id``), before
ranking, counting and paging, so a hit the person may not read is never counted nor
shown. The spaces one may read: those one belongs to, those open by link
(``visibility == "link"``), all of them for an admin — the same rule as
``wiki.permissions.allowed(…, Action.READ)``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from wiki.db import db
from wiki.models import Membership, Space, User

from .adapters import ADAPTERS
from .backend import Filters, Hit, SearchError
from .indexer import Indexer
from .query import ParsedQuery, parse
from .schema import KIND_LABELS

log = logging.getLogger(__name__)

EXTENSION = "cercle.search"
PER_PAGE = 10
PAGE_MAX = 50
TAG_MAX = 40


@dataclass
class ResultItem:
    hit: Hit
    #: a lazy translation: ``str()`` it before JSON
    kind_label: Any
    url: str
    space: Space

    @property
    def archived(self) -> bool:
        return self.space.is_archived


@dataclass
class SearchOutcome:
    text: str
    parsed: ParsedQuery
    items: list[ResultItem] = field(default_factory=list)
    total: int = 0
    page: int = 1
    per_page: int = PER_PAGE
    #: sentence explaining an empty or refused search (shown instead of results); a lazy
    #: translation, like ``notes``: ``str()`` them before JSON
    message: Any = None

    @property
    def page_count(self) -> int:
        return max(1, min(PAGE_MAX, -(-self.total // self.per_page)))

    @property
    def notes(self) -> tuple[Any, ...]:
        return self.parsed.notes


def indexer() -> Indexer:
    return current_app.extensions[EXTENSION]


def readable_space_ids(user: User | None) -> frozenset[int] | None:
    """Ids of the spaces ``user`` may read; ``None`` for an admin (every space)."""
    if user is not None and getattr(user, "is_admin", False):
        return None
    condition = Space.visibility == "link"
    if user is not None and getattr(user, "is_authenticated", False):
        member_of = select(Membership.space_id).where(Membership.user_id == user.id)
        condition = or_(condition, Space.id.in_(member_of))
    return frozenset(db.session.scalars(select(Space.id).where(condition)))


def _filters(
    user: User | None,
    space: Space | None,
    kinds: Iterable[str] = (),
    tag: str | None = None,
    author_id: int | None = None,
) -> Filters:
    readable = readable_space_ids(user)
    if space is not None:
        readable = frozenset({space.id}) if readable is None else readable & {space.id}
    clean_tag = (tag or "").strip().lower()[:TAG_MAX] or None
    return Filters(
        space_ids=readable,
        kinds=frozenset(k for k in kinds if k in KIND_LABELS),
        tag=clean_tag,
        author_id=author_id,
    )


def _items(hits: list[Hit]) -> list[ResultItem]:
    ids = {hit.space_id for hit in hits}
    spaces = {s.id: s for s in db.session.scalars(select(Space).where(Space.id.in_(ids)))}
    items: list[ResultItem] = []
    for hit in hits:
        space, adapter = spaces.get(hit.space_id), ADAPTERS.get(hit.kind)
        if space is None or adapter is None:  # a space deleted since, or an unknown kind
            continue
        label = KIND_LABELS.get(hit.kind, hit.kind)
        items.append(ResultItem(hit, label, adapter.url(space, hit.obj_id, hit.extra), space))
    return items


def _refusal(parsed: ParsedQuery, ignored: list[str]) -> Any:
    if not parsed.has_positive:
        if parsed.excluded or parsed.excluded_phrases:
            return _l("Indiquez au moins un mot à chercher : un mot précédé de « - » est exclu.")
        return _l("Tapez un ou plusieurs mots à chercher.")
    all_ignored = len(ignored) == len(parsed.words) + len(parsed.phrases)
    if all_ignored and not parsed.prefixes:
        words = ", ".join(f"« {w} »" for w in ignored)
        return _l(
            "%(words)s : mots trop courants pour être cherchés seuls. Ajoutez un mot plus précis.",
            words=words,
        )
    return None


def run_search(
    user: User | None,
    text: str | None,
    *,
    space: Space | None = None,
    kinds: Iterable[str] = (),
    tag: str | None = None,
    author_id: int | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> SearchOutcome:
    """Search what ``user`` may read (``space`` must already be checked as readable)."""
    parsed = parse(text)
    page = max(1, min(page, PAGE_MAX))
    outcome = SearchOutcome(text=parsed.text, parsed=parsed, page=page, per_page=per_page)
    indexer().ensure_current()
    try:
        result = indexer().backend.search(
            parsed, _filters(user, space, kinds, tag, author_id), page, per_page
        )
    except SearchError as error:
        outcome.message = _l("%(reason)s Réessayez dans un instant.", reason=error.lazy_message)
        return outcome
    outcome.message = _refusal(parsed, result.ignored)
    outcome.items, outcome.total = _items(result.hits), result.total
    return outcome


def suggestions(
    user: User | None, text: str | None, *, space: Space | None = None, limit: int = 8
) -> list[ResultItem]:
    """Titles starting with what is being typed, for the search box."""
    indexer().ensure_current()
    try:
        hits = indexer().backend.suggest(str(text or "")[:200], _filters(user, space), limit)
    except SearchError:
        return []
    return _items(hits)


@dataclass
class FilterChoices:
    spaces: list[Space]
    authors: list[User]


def filter_choices(user: User | None, space: Space | None, limit: int = 200) -> FilterChoices:
    """Spaces and authors offered by the filters of the results page."""
    readable = readable_space_ids(user)
    query = select(Space).order_by(Space.title).limit(limit)
    if readable is not None:
        query = query.where(Space.id.in_(readable))
    in_scope = {space.id} if space is not None else readable
    people = select(User).order_by(User.name).limit(limit)
    if in_scope is not None:
        members = select(Membership.user_id).where(Membership.space_id.in_(in_scope))
        people = people.where(User.id.in_(members))
    return FilterChoices(
        spaces=list(db.session.scalars(query)), authors=list(db.session.scalars(people))
    )
