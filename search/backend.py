"""The seam between Cercle and a search engine: a small Protocol and its value types.

``search.whoosh_backend.WhooshBackend`` is the real one, ``search.fake.MemoryBackend``
the in-tree fake. Another engine (SQLite FTS5, PostgreSQL, Meilisearch …) implements the
same five methods; nothing else in Cercle knows which one runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from wiki.errors import TranslatedMessage

from .query import ParsedQuery
from .schema import SearchDoc


class SearchError(TranslatedMessage, Exception):
    """The engine failed; ``message`` can be shown as is (in the request's language)."""

    def __init__(self, message: Any = None) -> None:
        message = message or _l("La recherche est momentanément indisponible.")
        super().__init__(message)
        self.lazy_message = message


class IndexBusy(SearchError):
    """Another writer holds the index lock; try again a little later."""


@dataclass(frozen=True)
class Filters:
    """Restrictions applied inside the engine, before ranking and counting.

    ``space_ids`` is the permission filter: ``None`` means every space (an admin),
    an empty set means nothing at all.
    """

    space_ids: frozenset[int] | None = frozenset()
    kinds: frozenset[str] = frozenset()
    tag: str | None = None
    author_id: int | None = None


@dataclass
class Hit:
    key: str
    kind: str
    obj_id: int
    space_id: int
    title: str
    title_html: Markup
    excerpt: Markup
    score: float
    tags: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    updated_at: str | None = None


@dataclass
class ResultPage:
    hits: list[Hit]
    total: int
    page: int
    per_page: int
    #: query words dropped as too common (stop words)
    ignored: list[str] = field(default_factory=list)

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total // self.per_page))


Progress = Callable[[int], None]


#: reads the current rows of the changed objects: (documents to upsert, keys to delete)
Collector = Callable[[], tuple[Sequence[SearchDoc], Sequence[str]]]


class SearchBackend(Protocol):
    def apply(self, upserts: Sequence[SearchDoc], deletes: Sequence[str]) -> None:
        """Add or replace ``upserts`` and remove the ``deletes`` keys, in one commit."""

    def apply_current(self, collect: Collector) -> None:
        """``apply(*collect())``, ``collect`` (reading the rows) called once the writer is
        held: several processes index one folder, and rows read before waiting for another
        process's commit could be older than what that commit wrote."""

    def rebuild(self, docs: Iterable[SearchDoc], progress: Progress | None = None) -> int:
        """Replace the whole content with ``docs``; readers see the old index until done."""

    def search(self, query: ParsedQuery, filters: Filters, page: int, per_page: int) -> ResultPage:
        """Ranked hits of ``query`` within ``filters``; ``page`` starts at 1."""

    def suggest(self, text: str, filters: Filters, limit: int) -> list[Hit]:
        """Titles that start with what is being typed (last word as a prefix)."""

    def stored_keys(self) -> dict[str, str]:
        """key → title of every document (tests and rebuild checks)."""

    def document_count(self) -> int:
        """How many documents the index holds (the check against the database)."""
