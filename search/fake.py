"""``MemoryBackend``: the in-tree fake of ``SearchBackend`` (a dict and folded words).

Good enough to test what sits around the engine (signals, indexer, permissions, views)
without Whoosh, and a reference for anyone writing another backend: same five methods,
same filters applied before counting.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence

from markupsafe import Markup, escape

from .analysis import fold
from .backend import Collector, Filters, Hit, Progress, ResultPage
from .query import ParsedQuery
from .schema import SearchDoc


def _words(text: str) -> set[str]:
    return set(fold(text).replace("'", " ").split())


class MemoryBackend:
    def __init__(self) -> None:
        self.docs: dict[str, SearchDoc] = {}
        self._lock = threading.Lock()

    def apply(self, upserts: Sequence[SearchDoc], deletes: Sequence[str]) -> None:
        with self._lock:
            for key in deletes:
                self.docs.pop(key, None)
            self.docs.update((doc.key, doc) for doc in upserts)

    def apply_current(self, collect: Collector) -> None:
        self.apply(*collect())  # one process: nothing to wait for

    def rebuild(self, docs: Iterable[SearchDoc], progress: Progress | None = None) -> int:
        fresh = {doc.key: doc for doc in docs}
        with self._lock:
            self.docs = fresh
        return len(fresh)

    def _allowed(self, doc: SearchDoc, filters: Filters) -> bool:
        return (
            (filters.space_ids is None or doc.space_id in filters.space_ids)
            and (not filters.kinds or doc.kind in filters.kinds)
            and (not filters.tag or filters.tag in doc.tags)
            and (filters.author_id is None or filters.author_id in doc.author_ids)
        )

    def _matches(self, doc: SearchDoc, query: ParsedQuery) -> bool:
        words = _words(f"{doc.title} {doc.headings} {doc.body}")
        wanted = {fold(w) for w in query.words} | {fold(w) for p in query.phrases for w in p}
        prefixes_ok = all(any(w.startswith(p) for w in words) for p in query.prefixes)
        return wanted <= words and prefixes_ok and not words & {fold(w) for w in query.excluded}

    def _hit(self, doc: SearchDoc) -> Hit:
        return Hit(
            key=doc.key,
            kind=doc.kind,
            obj_id=doc.obj_id,
            space_id=doc.space_id,
            title=doc.title,
            title_html=Markup(escape(doc.title)),
            excerpt=Markup(escape(doc.body[:200])),
            score=1.0,
            tags=list(doc.tags),
            extra=dict(doc.extra),
        )

    def search(self, query: ParsedQuery, filters: Filters, page: int, per_page: int) -> ResultPage:
        with self._lock:
            found = [
                d
                for d in self.docs.values()
                if self._allowed(d, filters) and query.has_positive and self._matches(d, query)
            ]
        found.sort(key=lambda d: d.title)
        window = found[(page - 1) * per_page : page * per_page]
        return ResultPage([self._hit(d) for d in window], len(found), page, per_page)

    def suggest(self, text: str, filters: Filters, limit: int) -> list[Hit]:
        start = fold(text.strip())
        with self._lock:
            found = [
                d
                for d in self.docs.values()
                if start and self._allowed(d, filters) and fold(d.title).startswith(start)
            ]
        return [self._hit(d) for d in sorted(found, key=lambda d: d.title)[:limit]]

    def document_count(self) -> int:
        return len(self.docs)

    def stored_keys(self) -> dict[str, str]:
        with self._lock:
            return {key: doc.title for key, doc in self.docs.items()}
