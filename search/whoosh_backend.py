"""``SearchBackend`` on Whoosh(-Reloaded): French analysis, one writer, pooled readers."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TypeVar

from markupsafe import Markup, escape
from whoosh.query import Every, Query
from whoosh.searching import Hit as WhooshHit
from whoosh.searching import Searcher
from whoosh.writing import CLEAR

from . import whoosh_query
from .backend import Filters, Hit, Progress, ResultPage, SearchError
from .highlight import Terms, excerpt, title_html
from .query import ParsedQuery
from .schema import SearchDoc, whoosh_fields
from .whoosh_store import IndexStore

log = logging.getLogger(__name__)
T = TypeVar("T")

REBUILD_LIMIT_MB = 256
SUGGEST_MAX = 20


class WhooshBackend:
    def __init__(self, folder: Path, *, write_timeout: float = 20.0) -> None:
        self.store = IndexStore(folder, write_timeout=write_timeout)

    @property
    def needs_rebuild(self) -> bool:
        self.store.index()
        return self.store.needs_rebuild

    @needs_rebuild.setter
    def needs_rebuild(self, value: bool) -> None:
        self.store.needs_rebuild = value

    # --- writing ------------------------------------------------------------------------

    def apply(self, upserts: Sequence[SearchDoc], deletes: Sequence[str]) -> None:
        if not upserts and not deletes:
            return
        writer = self.store.writer()
        try:
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

    def _read(self, action: Callable[[Searcher], T]) -> T:
        """Run ``action`` on a pooled searcher; recover once from a damaged index."""
        try:
            with self.store.searcher() as searcher:
                return action(searcher)
        except Exception as error:
            log.warning("search failed (%s); checking the index", repr(error))
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
        fq = whoosh_query.filter_query(filters)

        terms = whoosh_query.highlight_terms(query)

        def run(searcher: Searcher) -> ResultPage:
            # optimize=False: with block-quality skipping, Whoosh counts the total by
            # re-running the query *without* the filter, which would count documents
            # of spaces the person may not read.
            results = searcher.search(wq, limit=page * per_page, filter=fq, optimize=False)
            hits = [_hit(h, terms) for h in list(results)[(page - 1) * per_page :]]
            return ResultPage(hits=hits, total=len(results), page=page, per_page=per_page,
                              ignored=ignored)

        return self._read(run)

    def suggest(self, text: str, filters: Filters, limit: int) -> list[Hit]:
        wq = whoosh_query.suggest_query(text)
        if wq is None or filters.space_ids == frozenset():
            return []
        fq = whoosh_query.filter_query(filters)

        def run(searcher: Searcher) -> list[Hit]:
            results = searcher.search(wq, limit=min(limit, SUGGEST_MAX), filter=fq)
            return [_hit(h, None) for h in results]

        return self._read(run)

    def stored_keys(self) -> dict[str, str]:
        def run(searcher: Searcher) -> dict[str, str]:
            return {f["key"]: f["title"] for f in searcher.all_stored_fields()}

        return self._read(run)

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
