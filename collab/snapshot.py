"""Housekeeping of open rooms: the live text back into the page, revisions, compaction, release.

- ``Page.markdown`` follows the live text within ``COLLAB_WRITEBACK_SECONDS`` (no revision),
  so the page view, its HTML and the API read what people see in the editor.
- A revision is taken after ``COLLAB_SNAPSHOT_IDLE_SECONDS`` without typing, and as soon as
  the last person leaves, credited to everyone who typed since the previous one.
- The update log is compacted into one row every ``COLLAB_COMPACT_EVERY`` updates and when
  a room is released, ``COLLAB_RELEASE_SECONDS`` after its last client left.
- Catching up after a crash (``catch_up``, once per process, before its first request or
  connection is answered): every write-back records the last log row it includes
  (``collab_writebacks``); a page whose log has rows above that mark lost its last write-back,
  so its log is replayed once and its text written back. Page views never replay the log.
- Several processes (``REDIS_URL``) each hold the room and each take a revision when their
  last client leaves: at the same moment, both would read the same previous revision and
  add one. ``_lock_page`` makes the revision's transaction begin by writing the page's row
  (PostgreSQL: a row lock; SQLite: the database's write lock), so the second waits for the
  first to commit, then finds the same text already saved and adds nothing.
"""

from __future__ import annotations

import logging
import threading
import time
from contextlib import nullcontext

from flask import Flask, has_app_context
from pycrdt import Doc, Text
from sqlalchemy import update

from wiki import pages
from wiki.db import db
from wiki.models import Page

from .hub import CollabHub
from .rooms import ROOT, Room

log = logging.getLogger(__name__)
PERIOD_S = 0.2
#: "the last person left" waits this long: a reload, or the editor's own "Enregistrer" (which
#: makes its revision with a message), must not race a "Modification en direct" revision.
LEAVE_GRACE_S = 3.0


class Housekeeper:
    def __init__(self, app: Flask, hub: CollabHub) -> None:
        self.app = app
        self.hub = hub
        self._last_writeback: dict[int, float] = {}
        self._caught_up = False
        self._catch_up_lock = threading.Lock()

    def catch_up(self) -> None:
        """Write back the pages whose update log is ahead of their text (once; the callers
        wait for it, so nobody reads a stale page after a restart)."""
        if self._caught_up:
            return
        with self._catch_up_lock:
            if self._caught_up:
                return
            store = self.hub.store
            # the caller's app context when there is one (a request's: its session then
            # reads the text written here), else our own
            with nullcontext() if has_app_context() else self.app.app_context():
                for page_id, _last in store.behind():
                    if self.hub.registry.get(page_id) is not None:
                        continue  # open here: its room writes it back
                    updates, last_id = store.load(page_id)
                    doc = Doc()
                    with doc.transaction():
                        for update in updates:
                            doc.apply_update(update)
                    pages.set_live_text(page_id, str(doc.get(ROOT, type=Text)))
                    store.written_back(page_id, last_id)
                    log.info("Page %s : texte rattrapé sur le journal (ligne %s)", page_id, last_id)
            self._caught_up = True

    def run(self) -> None:
        while not self.hub.stopped.wait(PERIOD_S):
            self.tick()

    def tick(self, now: float | None = None, force: bool = False) -> None:
        now = time.monotonic() if now is None else now
        for room in self.hub.registry.all():
            try:
                with self.app.app_context():
                    self._tend(room, now, force)
            except Exception:
                log.exception("Entretien impossible (page %s)", room.page_id)

    def _tend(self, room: Room, now: float, force: bool) -> None:
        s = self.hub.settings
        idle = now - room.changed_at
        last = self._last_writeback.get(room.page_id, 0.0)
        due = force or idle >= s.writeback_s / 2 or now - last >= s.writeback_s
        if not room.written_back and due:
            self.write_back(room, now)
        left = not room.occupied() and room.empty_since is not None
        empty = left and now - (room.empty_since or now) >= LEAVE_GRACE_S
        if not room.snapshotted and (force or empty or idle >= s.snapshot_idle_s):
            self.snapshot(room)
        if room.rows_since_compact >= s.compact_every:
            self.compact(room)
        if empty and room.empty_since is not None and now - room.empty_since >= s.release_s:
            self.release(room)

    def write_back(self, room: Room, now: float) -> None:
        self.hub.flush(room)
        text, row_id = room.take_writeback()
        self._last_writeback[room.page_id] = now
        try:
            pages.set_live_text(room.page_id, text)
        except Exception:
            db.session.rollback()
            room.writeback_failed()
            raise
        self.hub.store.written_back(room.page_id, row_id)

    def snapshot(self, room: Room) -> None:
        self.hub.flush(room)
        text, authors, row_id = room.take_snapshot()
        try:
            _lock_page(room.page_id)
            revision = pages.save_live_revision(room.page_id, text, authors)
        except Exception:
            db.session.rollback()
            room.snapshot_failed(authors)
            raise
        if revision is None:  # nothing new: end the transaction _lock_page opened (its lock)
            db.session.rollback()
        self.hub.store.written_back(room.page_id, row_id)
        if revision is not None:
            log.info("Page %s : version %s", room.page_id, revision.number)

    def compact(self, room: Room) -> None:
        with room.flush_lock:
            if room.pending:
                return  # the next tick compacts, after the flusher stored them
            new_id = self.hub.store.compact(room.page_id, room.last_row_id, room.merge_rows)
            room.compacted(new_id)

    def release(self, room: Room) -> None:
        if not self.hub.registry.remove_if_empty(room):
            return
        self.hub.flush(room)
        if not room.snapshotted:
            self.snapshot(room)
        if room.rows_since_compact > 1:
            self.compact(room)
        self._last_writeback.pop(room.page_id, None)


def _lock_page(page_id: int) -> None:
    """Open the revision's transaction with a write to the page's row: another process's
    revision of the page waits here until this one commits (its first statement, so its
    reads then see the revision committed before it), on PostgreSQL and SQLite alike."""
    db.session.commit()  # nothing read before the lock may be reused after it
    db.session.execute(
        update(Page).where(Page.id == page_id).values(revision_number=Page.revision_number),
        execution_options={"synchronize_session": False},
    )
    db.session.expire_all()  # the page as it is now, not as a write-back left it
