"""The index folder: open or create it, spot a missing, stale or corrupt one, hand out
writers (one at a time, across threads and processes) and pooled searchers.

* Writers: Whoosh allows one writer per index; its lock is a file lock, so it also holds
  between processes sharing the folder. ``writer()`` waits up to ``write_timeout`` for it
  and raises ``IndexBusy`` after that (the indexing worker retries later).
* Readers never wait for the writer: a searcher reads the segments of the generation it
  opened. Searchers are pooled; one that is behind the latest generation (a directory
  listing tells) is replaced before use, so a commit is visible to the next query.
* Creation and recovery run under an ``fcntl`` lock next to the folder, so two processes
  starting together do not both wipe and create the index.
"""

from __future__ import annotations

import fcntl
import gc
import logging
import os
import queue
import shutil
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask_babel import lazy_gettext as _l
from whoosh import index
from whoosh.index import FileIndex, LockError
from whoosh.query import Every
from whoosh.searching import Searcher
from whoosh.writing import IndexWriter

from .backend import IndexBusy
from .schema import SCHEMA_VERSION, build_schema

log = logging.getLogger(__name__)

VERSION_FILE = "cercle-schema-version"
POOL_SIZE = 8


@contextmanager
def _process_lock(path: Path) -> Iterator[None]:
    with open(path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class IndexStore:
    def __init__(self, folder: Path, write_timeout: float = 20.0) -> None:
        self.folder = Path(folder)
        self.write_timeout = write_timeout
        self._ix: FileIndex | None = None
        self._lock = threading.RLock()
        self._pool: queue.LifoQueue[Searcher] = queue.LifoQueue()
        #: set when the index had to be (re)created: its content must be rebuilt
        self.needs_rebuild = False

    # --- opening and recovery ---------------------------------------------------------

    def index(self) -> FileIndex:
        ix = self._ix
        if ix is None:
            with self._lock:
                if self._ix is None:
                    self._ix = self._open_or_create()
                ix = self._ix
        return ix

    def _version_ok(self) -> bool:
        try:
            return (self.folder / VERSION_FILE).read_text().strip() == str(SCHEMA_VERSION)
        except OSError:
            return False

    def _healthy(self) -> FileIndex | None:
        """The index if it opens, has our schema version and answers a query."""
        if not self._version_ok():
            return None
        with warnings.catch_warnings():
            # Whoosh leaves the file of an unreadable TOC open (kept alive by the
            # traceback); collect it here, quietly, not in some later test or request.
            warnings.simplefilter("ignore", ResourceWarning)
            ix = self._try_open()
            if ix is None:
                gc.collect()
        return ix

    def _try_open(self) -> FileIndex | None:
        try:
            if not index.exists_in(self.folder):
                return None
            ix = index.open_dir(self.folder)
            with ix.searcher() as searcher:
                searcher.search(Every(), limit=1)
                searcher.doc_count()
            return ix
        except Exception as error:  # any damage: unreadable TOC, truncated segment …
            # Only text in the log record: the traceback holds the file Whoosh left open.
            log.warning("search index in %s is unreadable: %s", self.folder, repr(error)[:300])
            return None

    def _open_or_create(self) -> FileIndex:
        self.folder.parent.mkdir(parents=True, exist_ok=True)
        with _process_lock(self.folder.parent / f".{self.folder.name}.lock"):
            ix = self._healthy()
            if ix is not None:
                return ix
            if self.folder.exists() and any(self.folder.iterdir()):
                aside = self.folder.with_name(self.folder.name + ".damaged")
                shutil.rmtree(aside, ignore_errors=True)
                os.replace(self.folder, aside)
                log.warning("search index moved to %s; it will be rebuilt", aside)
            self.folder.mkdir(parents=True, exist_ok=True)
            ix = index.create_in(self.folder, build_schema())
            (self.folder / VERSION_FILE).write_text(str(SCHEMA_VERSION))
            self.needs_rebuild = True
            log.info("created an empty search index in %s", self.folder)
            return ix

    def reset(self) -> None:
        """Forget the open index and searchers; the next use re-checks the folder."""
        with self._lock:
            self._drain_pool()
            self._ix = None

    def recover(self) -> bool:
        """After a failed read: reopen, and recreate if damaged. True if recreated."""
        self.reset()
        before = self.needs_rebuild
        self.index()
        return self.needs_rebuild and not before

    # --- writing ------------------------------------------------------------------------

    def writer(self, *, limitmb: int = 64, timeout: float | None = None) -> IndexWriter:
        wait = self.write_timeout if timeout is None else timeout
        try:
            return self.index().writer(timeout=wait, delay=0.05, limitmb=limitmb)
        except LockError:
            raise IndexBusy(_l("L'index est occupé par une autre écriture.")) from None

    # --- reading ------------------------------------------------------------------------

    @contextmanager
    def searcher(self) -> Iterator[Searcher]:
        searcher = self._borrow()
        try:
            yield searcher
        except BaseException:
            searcher.close()
            raise
        else:
            self._give_back(searcher)

    def _borrow(self) -> Searcher:
        try:
            searcher = self._pool.get_nowait()
        except queue.Empty:
            return self.index().searcher()
        if searcher.up_to_date():
            return searcher
        # Not ``searcher.refresh()``: it reuses the reader of a segment that has gained
        # deletions since, so a deleted or replaced document would still be found.
        searcher.close()
        return self.index().searcher()

    def _give_back(self, searcher: Searcher) -> None:
        if self._pool.qsize() < POOL_SIZE:
            self._pool.put(searcher)
        else:
            searcher.close()

    def _drain_pool(self) -> None:
        while True:
            try:
                self._pool.get_nowait().close()
            except queue.Empty:
                return
            except Exception:  # closing a searcher over a vanished folder
                log.debug("could not close a pooled searcher", exc_info=True)

    def close(self) -> None:
        self.reset()
