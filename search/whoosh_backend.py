"""``SearchBackend`` on Whoosh(-Reloaded): French analysis, one writer, pooled readers."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TypeVar

from markupsafe import Markup, escape
from whoosh.collectors import FilterCollector, TopCollector
from whoosh.query import Every, Query
from whoosh.searching import Hit as WhooshHit
from whoosh.searching import Searcher
from whoosh.writing import CLEAR

from . import whoosh_query
from .backend import Collector, Filters, Hit, Progress, ResultPage, SearchError
from .highlight import Terms, excerpt, title_html
from .query import ParsedQuery
from .schema import SearchDoc, whoosh_fields
from .whoosh_store import IndexStore

log = logging.getLogger(__name__)
T = TypeVar("T")

REBUILD_LIMIT_MB = 256
SUGGEST_MAX = 20
FILTER_CACHE_SIZE = 256


class WhooshBackend:
    def __init__(self, folder: Path, *, write_timeout: float = 20.0) -> None:
        self.store = IndexStore(folder, write_timeout=write_timeout)
        self._filter_cache: dict[tuple[int, Filters], set[int]] = {}
        self._cache_lock = threading.Lock()

    @property
    def needs_rebuild(self) -> bool:
        self.store.index()
        return self.store.needs_rebuild

    @needs_rebuild.setter
    def needs_rebuild(self, value: bool) -> None:
        self.store.needs_rebuild = value

    # --- writing ------------------------------------------------------------------------

    def apply(self, upserts: Sequence[SearchDoc], deletes: Sequence[str]) -> None:
        self.apply_current(lambda: (upserts, deletes))

    def apply_current(self, collect: Collector) -> None:
        """Take the writer (a file lock: other processes wait), then read and write."""
        writer = self.store.writer()
        try:
            upserts, deletes = collect()
            if not upserts and not deletes:
                writer.cancel()
                return
            for key in deletes:
                writer.delete_by_term("key", key)
            for doc in upserts:
                writer.update_document(**whoosh_fields(doc))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

    def rebuild(self, docs: Iterable[SearchDoc], progress: Progress | None = None) -> int:
        """Write everything into new segments and drop the old ones in the same commit."""
        writer = self.store.writer(limitmb=REBUILD_LIMIT_MB, timeout=120.0)
        count = 0
        try:
            for doc in docs:
                writer.add_document(**whoosh_fields(doc))
                count += 1
                if progress is not None:
                    progress(1)
        except BaseException:
            writer.cancel()
            raise
        writer.commit(mergetype=CLEAR)
        self.store.needs_rebuild = False
        log.info("search index rebuilt: %d documents", count)
        return count

    # --- reading ------------------------------------------------------------------------

    def _allowed(self, searcher: Searcher, filters: Filters) -> set[int] | None:
        """Document numbers passing ``filters`` (None: no filter), cached per generation.

        The permission filter of a person is the same from one query to the next; building
        it costs more than many queries, so it is kept until the index changes. Whoosh
        only takes a ``set`` as a filter: callers never modify it.
        """
        fq = whoosh_query.filter_query(filters)
        if fq is None:
            return None
        key = (searcher.reader().generation(), filters)
        with self._cache_lock:
            cached = self._filter_cache.get(key)
        if cached is None:
            cached = set(searcher.docs_for_query(fq))
            with self._cache_lock:
                if len(self._filter_cache) >= FILTER_CACHE_SIZE:
                    self._filter_cache.pop(next(iter(self._filter_cache)))
                self._filter_cache[key] = cached
        return cached

    def _read(self, action: Callable[[Searcher], T]) -> T:
        """Run ``action`` on a pooled searcher; recover once from a damaged index."""
        try:
            with self.store.searcher() as searcher:
                return action(searcher)
        except Exception as error:
            log.warning("search failed (%s); checking the index", repr(error)[:300])
            if not self.store.recover():
                raise SearchError() from error
        try:  # the index was damaged and is now empty, waiting for its rebuild
            with self.store.searcher() as searcher:
                return action(searcher)
        except Exception as error:
            raise SearchError() from error

    def search(self, query: ParsedQuery, filters: Filters, page: int, per_page: int) -> ResultPage:
        wq, ignored = whoosh_query.build(query)
        if wq is None or filters.space_ids == frozenset():
            return ResultPage(hits=[], total=0, page=page, per_page=per_page, ignored=ignored)

        terms = whoosh_query.highlight_terms(query)

        def run(searcher: Searcher) -> ResultPage:
            allowed = self._allowed(searcher, filters)
            if allowed is not None and not allowed:  # an empty set would mean "no filter"
                return ResultPage(hits=[], total=0, page=page, per_page=per_page)
            # No block-quality skipping and no matcher replacement: both prune documents,
            # and then Whoosh counts the total by re-running the query without the
            # filter (documents of spaces the person may not read). One exact pass.
            top = TopCollector(limit=page * per_page, usequality=False, replace=0)
            collector = top if allowed is None else FilterCollector(top, allow=allowed)
            searcher.search_with_collector(wq, collector)
            found = list(collector.results())[(page - 1) * per_page :]
            return ResultPage(
                hits=[_hit(h, terms) for h in found],
                total=collector.count(),
                page=page,
                per_page=per_page,
                ignored=ignored,
            )

        return self._read(run)

    def suggest(self, text: str, filters: Filters, limit: int) -> list[Hit]:
        wq = whoosh_query.suggest_query(text)
        if wq is None or filters.space_ids == frozenset():
            return []

        def run(searcher: Searcher) -> list[Hit]:
            allowed = self._allowed(searcher, filters)
            if allowed is not None and not allowed:
                return []
            results = searcher.search(wq, limit=min(limit, SUGGEST_MAX), filter=allowed)
            return [_hit(h, None) for h in results]

        return self._read(run)

    def stored_keys(self) -> dict[str, str]:
        def run(searcher: Searcher) -> dict[str, str]:
            return {f["key"]: f["title"] for f in searcher.all_stored_fields()}

        return self._read(run)

    def document_count(self) -> int:
        return self._read(lambda s: s.doc_count())

    def count(self, query: Query | None = None) -> int:
        return self._read(lambda s: len(s.search(query or Every(), limit=None)))

    def close(self) -> None:
        self.store.close()


def _hit(hit: WhooshHit, terms: Terms | None) -> Hit:
    fields = hit.fields()
    title = fields.get("title", "")
    return Hit(
        key=fields["key"],
        kind=fields["kind"],
        obj_id=int(fields["obj_id"]),
        space_id=int(fields["space_id"]),
        title=title,
        title_html=title_html(title, terms) if terms else Markup(escape(title)),
        excerpt=excerpt(fields.get("content") or "", terms) if terms else Markup(""),
        score=float(hit.score or 0.0),
        tags=[t for t in (fields.get("tags") or "").split(",") if t],
        extra=dict(fields.get("extra") or {}),
        updated_at=fields.get("updated_at"),
    )
