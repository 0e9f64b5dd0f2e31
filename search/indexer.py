"""Keep the index in step with the database, off the request path.

Signal handlers only put ``(kind, id)`` on a queue (microseconds). One worker thread
per process drains it, coalesces repeated saves, reads the current rows in its own app
context and writes them in one commit. A page save therefore never waits for Whoosh;
the change is searchable a few tens of milliseconds later (``flush()`` waits for it,
for tests and the CLI). The worker exits when idle and restarts on the next event.

A process that stops waits (``atexit``) for its queue to be written, so ``flask demo`` and
other commands leave a complete index; whatever is lost anyway (a crash) is caught by
``ensure_current`` on the first search of the next process.

If another process holds the index lock, the batch goes back on the queue and is
retried; a rebuild (``REBUILD``) runs on the same thread, so it never races a batch.
"""

from __future__ import annotations

import atexit
import logging
import queue
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator

from flask import Flask

from .adapters import ADAPTERS
from .backend import IndexBusy, Progress, SearchBackend
from .schema import SearchDoc, doc_key

log = logging.getLogger(__name__)

Job = tuple[str, int]
REBUILD: Job = ("*rebuild*", 0)
IDLE_EXIT = 5.0
BATCH_MAX = 500
RETRY_PAUSE = 0.5
EXIT_FLUSH_SECONDS = 120.0


def _flush_at_exit(ref: weakref.ref[Indexer]) -> None:
    worker = ref()
    if worker is not None and not worker.flush(EXIT_FLUSH_SECONDS):
        log.warning("search: changes left unindexed at exit; the next search refills the index")


class Indexer:
    def __init__(self, app: Flask, backend: SearchBackend, *, asynchronous: bool = True) -> None:
        self.app = app
        self.backend = backend
        self.asynchronous = asynchronous
        self._queue: queue.Queue[Job] = queue.Queue()
        self._pending = 0
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._rebuild_requested = False
        self._checked = False
        self._exit_hook = False
        #: signal handlers, kept alive here (blinker holds them weakly)
        self.handlers: list[Callable[..., None]] = []

    # --- producers ----------------------------------------------------------------------

    def enqueue(self, kind: str, obj_id: int) -> None:
        if kind not in ADAPTERS and (kind, obj_id) != REBUILD:
            return
        if (kind, obj_id) != REBUILD and getattr(self.backend, "needs_rebuild", False):
            self.request_rebuild()  # a new or damaged index: refill it first
        if not self.asynchronous:
            try:
                self._process([(kind, obj_id)])
            except Exception:  # indexing must never break the save that triggered it
                log.exception("search indexing failed for %s:%s", kind, obj_id)
            return
        with self._cond:
            self._pending += 1
            self._queue.put((kind, obj_id))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="cercle-search-indexer", daemon=True
                )
                self._thread.start()
            if not self._exit_hook:
                self._exit_hook = True
                atexit.register(_flush_at_exit, weakref.ref(self))

    def request_rebuild(self) -> None:
        """Rebuild in the background (a new or damaged index), once until it is done.

        With nothing in the database, the empty index is already right.
        """
        if self._rebuild_requested:
            return
        self._rebuild_requested = True
        with self.app.app_context():
            empty = self.document_count() == 0
        if empty:
            self.backend.needs_rebuild = False
            return
        self.enqueue(*REBUILD)

    def ensure_current(self) -> None:
        """Before a search: a new or damaged index is refilled; and once per process, so is an
        index that holds another number of documents than the database (changes lost when a
        process stopped before writing its queue)."""
        if getattr(self.backend, "needs_rebuild", False):
            self.request_rebuild()
            return
        if self._checked or self._pending:
            return
        self._checked = True
        indexed, stored = self.backend.document_count(), self.document_count()
        if indexed != stored:
            log.warning("search index holds %d documents, database %d: rebuilding", indexed, stored)
            self.request_rebuild()

    def flush(self, timeout: float = 30.0) -> bool:
        """Wait until every queued change is in the index; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._pending:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
        return True

    # --- the worker ---------------------------------------------------------------------

    def _take_batch(self, first: Job) -> list[Job]:
        batch = [first]
        while len(batch) < BATCH_MAX:
            try:
                batch.append(self._queue.get_nowait())
            except queue.Empty:
                break
        return batch

    def _run(self) -> None:
        while True:
            try:
                first = self._queue.get(timeout=IDLE_EXIT)
            except queue.Empty:
                with self._cond:
                    if self._queue.empty():
                        self._thread = None
                        return
                continue
            batch = self._take_batch(first)
            done = self._process_safely(batch)
            with self._cond:
                self._pending -= done
                self._cond.notify_all()

    def _process_safely(self, batch: list[Job]) -> int:
        """Process ``batch``; returns how many jobs are finished (the rest were requeued)."""
        try:
            self._process(batch)
        except IndexBusy:
            log.info("search index busy, retrying %d changes", len(batch))
            time.sleep(RETRY_PAUSE)
            for job in batch:
                self._queue.put(job)
            return 0
        except Exception:
            log.exception("search indexing failed for %d changes", len(batch))
        return len(batch)

    def _process(self, batch: Iterable[Job]) -> None:
        jobs = set(batch)
        with self.app.app_context():
            if REBUILD in jobs:
                self.rebuild()
                return
            # the rows are read once the writer is ours: a process that waited for another's
            # commit must not then write rows it read before that commit
            self.backend.apply_current(lambda: self._collect(jobs))

    def _collect(self, jobs: set[Job]) -> tuple[list[SearchDoc], list[str]]:
        by_kind: dict[str, set[int]] = {}
        for kind, obj_id in jobs:
            by_kind.setdefault(kind, set()).add(obj_id)
        upserts: list[SearchDoc] = []
        deletes: list[str] = []
        for kind, ids in by_kind.items():
            for obj_id, doc in ADAPTERS[kind].documents(ids).items():
                if doc is None:
                    deletes.append(doc_key(kind, obj_id))
                else:
                    upserts.append(doc)
        return upserts, deletes

    # --- rebuild (needs an app context) -------------------------------------------------

    def document_count(self) -> int:
        return sum(adapter.count() for adapter in ADAPTERS.values())

    def all_documents(self) -> Iterator[SearchDoc]:
        for adapter in ADAPTERS.values():
            yield from adapter.all_documents()

    def rebuild(self, progress: Progress | None = None) -> int:
        count = self.backend.rebuild(self.all_documents(), progress)
        self._rebuild_requested = False
        return count
