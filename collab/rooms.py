"""A room is one page's live document; the registry opens rooms on demand and forgets them.

Each room has one pycrdt ``Doc`` whose root ``Text`` named ``content`` is the page's Markdown,
guarded by ``lock``: Flask-SocketIO's threading mode runs handlers of different sockets at
the same time, and ``Doc.transaction()`` does not wait for another thread's transaction.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from flask_babel import lazy_gettext as _l
from pycrdt import Doc, Map, Text

from wiki.kinds import CONTENT, SharedType
from wiki.pages import MARKDOWN_MAX

from . import protocol
from .presence import Presence
from .protocol import ProtocolError
from .store import UpdateStore
from .validation import Schema, too_long

ROOT = CONTENT
#: The seed of a document built from stored Markdown always has this Yjs client id, so the
#: same text seeded twice (two processes, or a retry) is the same Yjs items, never a copy.
SEED_CLIENT_ID = 1


def seed_update(markdown: str) -> bytes:
    seed = Doc(client_id=SEED_CLIENT_ID)
    text = seed.get(ROOT, type=Text)
    if markdown:
        text += markdown
    return seed.get_update()


def _byte_len(text: str) -> int:
    return len(text.encode("utf-8"))


def text_edit(old: str, new: str) -> tuple[int, int, str] | None:
    """The one replacement turning ``old`` into ``new``: (start, deleted, inserted), in UTF-8
    bytes as pycrdt counts them; None when equal."""
    if old == new:
        return None
    start = 0
    limit = min(len(old), len(new))
    while start < limit and old[start] == new[start]:
        start += 1
    end_old, end_new = len(old), len(new)
    while end_old > start and end_new > start and old[end_old - 1] == new[end_new - 1]:
        end_old -= 1
        end_new -= 1
    return _byte_len(old[:start]), _byte_len(old[start:end_old]), new[start:end_new]


class MapChange(Protocol):
    """A server-made change of a document's map roots (``Room.change_maps``)."""

    #: root → key → new value (plain JSON data)
    sets: Mapping[str, Mapping[str, Any]]
    #: root → keys to remove
    deletes: Mapping[str, Iterable[str]]
    #: the new ``content`` text (the rendition), None: unchanged
    content: str | None


Change = TypeVar("Change", bound=MapChange)


@dataclass
class Batch:
    """Updates taken from a room to be stored together; ``seq`` is the last one's number."""

    pending: list[tuple[str | None, bytes]]
    seq: int


@dataclass
class Room:
    """A page's live document. Owns its fields: every change goes through a method, under
    ``lock``; ``flush_lock`` orders batches (taken, stored, broadcast) one at a time."""

    page_id: int
    doc: Doc
    schema: Schema = field(default_factory=lambda: Schema({ROOT: SharedType.TEXT}))
    max_chars: int = MARKDOWN_MAX
    last_row_id: int = 0
    #: the highest update-log row folded into ``doc`` by a load (other processes' rows too)
    seen_row_id: int = 0
    lock: threading.RLock = field(default_factory=threading.RLock)
    flush_lock: threading.Lock = field(default_factory=threading.Lock)
    pending: list[tuple[str | None, bytes]] = field(default_factory=list)
    #: users who typed since the last revision
    authors: set[int] = field(default_factory=set)
    changed_at: float = 0.0
    written_back: bool = True
    snapshotted: bool = True
    rows_since_compact: int = 0
    empty_since: float | None = field(default_factory=time.monotonic)
    #: numbers of the updates queued and of the last one stored (acknowledgements wait on it)
    queued_seq: int = 0
    stored_seq: int = 0
    closed: bool = False
    #: an upper bound of the text's length in characters (None: not counted yet)
    _chars: int | None = None
    _stored: threading.Condition = field(default_factory=threading.Condition)

    def __post_init__(self) -> None:
        self.text = self.doc.get(ROOT, type=Text)
        self.presence = Presence(self.doc)

    def content(self) -> str:
        with self.lock:
            return str(self.text)

    def _mark_changed(self, user_id: int | None) -> None:
        if user_id is not None:
            self.authors.add(user_id)
        self.changed_at = time.monotonic()
        self.written_back = self.snapshotted = False

    def _queue(self, sid: str | None, update: bytes) -> int:
        self.pending.append((sid, update))
        self.queued_seq += 1
        return self.queued_seq

    # --- people ------------------------------------------------------------------------------

    def enter(self, sid: str) -> None:
        with self.lock:
            self.presence.enter(sid)
            self.empty_since = None

    def leave(self, sid: str) -> None:
        with self.lock:
            if self.presence.leave(sid) and self.empty_since is None:
                self.empty_since = time.monotonic()

    def occupied(self) -> bool:
        return self.presence.count() > 0

    # --- the document ------------------------------------------------------------------------

    def apply_update(self, sid: str | None, update: bytes, user_id: int | None) -> int:
        """Check a peer's update (``collab.validation``), apply it and queue it for storage
        and broadcast; returns its number (``wait_stored``). Refused: nothing changed."""
        with self.lock:
            summary = self.schema.check(update)
            self._check_size(update, summary.inserted_chars)
            try:
                self.doc.apply_update(update)
            except ValueError as error:
                raise ProtocolError(_l("Mise à jour Yjs illisible : elle est ignorée.")) from error
            if self._chars is not None:
                self._chars += summary.inserted_chars
            seq = self._queue(sid, update)
            self._mark_changed(user_id)
            return seq

    def _check_size(self, update: bytes, inserted: int) -> None:
        """The text may not grow over ``max_chars``: the running bound (every insert added,
        no delete subtracted) when it is enough, else the exact count on a scratch copy."""
        if not inserted:
            return
        if self._chars is None or self._chars + inserted > self.max_chars:
            self._chars = len(str(self.text))  # exact again, deletions included
        if self._chars + inserted <= self.max_chars:
            return
        scratch = Doc()
        scratch.apply_update(self.doc.get_update())
        try:
            scratch.apply_update(update)
        except ValueError as error:
            raise ProtocolError(_l("Mise à jour Yjs illisible : elle est ignorée.")) from error
        after = len(str(scratch.get(ROOT, type=Text)))
        if after > self.max_chars and after > self._chars:
            raise too_long(self.max_chars)

    def sync_step1(self) -> bytes:
        with self.lock:
            return protocol.sync_step1(self.doc)

    def sync_step2(self, state_vector: bytes) -> bytes:
        """The answer to a peer's step 1: what the document has that the peer lacks."""
        with self.lock:
            return protocol.sync_step2(self.doc, state_vector)

    def apply_remote(self, update: bytes, authors: Iterable[int]) -> None:
        """Another process's update, already stored and sent to every client: the document
        only. Its typists are credited in this process's next revision; the revision itself
        is taken by the process whose clients typed."""
        with self.lock:
            self.doc.apply_update(update)
            self.authors.update(authors)
            self._chars = None

    def fold(self, updates: list[bytes], last_id: int) -> bytes | None:
        """Apply stored rows (applying what the document already has is a no-op); returns
        what they added (None if nothing): rows a process stored just before it died were
        never sent to anyone, and the clients must get them."""
        with self.lock:
            before = self.doc.get_state() if updates else b""
            with self.doc.transaction():
                for update in updates:
                    self.doc.apply_update(update)
            self.seen_row_id = max(self.seen_row_id, last_id)
            self._chars = None
            if not updates:
                return None
            added = self.doc.get_update(before)
            return None if added == protocol.EMPTY_UPDATE else added

    def state_update(self) -> bytes:
        """The whole document as one update."""
        with self.lock:
            return self.doc.get_update()

    def merge_rows(self, rows: list[bytes]) -> bytes:
        """``store.compact``'s merger: fold the rows being replaced, return the whole state."""
        with self.lock:
            self.fold(rows, 0)
            return self.doc.get_update()

    def apply_text(self, markdown: str, user_id: int | None) -> bool:
        """Turn the whole new text into the smallest Yjs change; queue it like a peer's."""
        captured: list[bytes] = []
        with self.lock:
            edit = text_edit(str(self.text), markdown)
            if edit is None:
                return False
            start, deleted, inserted = edit
            subscription = self.doc.observe(lambda event: captured.append(event.update))
            try:
                with self.doc.transaction():
                    if deleted:
                        del self.text[start : start + deleted]
                    if inserted:
                        self.text.insert(start, inserted)
            finally:
                self.doc.unobserve(subscription)
            for update in captured:
                self._queue(None, update)
            self._chars = None
            self._mark_changed(user_id)
        return True

    def map_state(self) -> dict[str, Any]:
        """The map roots as plain data, and ``content`` as a string."""
        with self.lock:
            state: dict[str, Any] = {ROOT: str(self.text)}
            for name, shape in self.schema.types.items():
                if shape is SharedType.MAP:
                    state[name] = self.doc.get(name, type=Map).to_py() or {}
            return state

    def change_maps(
        self, decide: Callable[[dict[str, Any]], Change], user_id: int | None
    ) -> Change:
        """A server-made change (``collab.board``): ``decide`` reads the state under the lock,
        so two changes never decide from the same state; what it returns is applied in one
        transaction and queued like a peer's update (stored, then broadcast)."""
        captured: list[bytes] = []
        with self.lock:
            change = decide(self.map_state())
            subscription = self.doc.observe(lambda event: captured.append(event.update))
            try:
                with self.doc.transaction():
                    self._write_maps(change)
            finally:
                self.doc.unobserve(subscription)
            for update in captured:
                self._queue(None, update)
            if captured:
                self._chars = None
                self._mark_changed(user_id)
        return change

    def _write_maps(self, change: MapChange) -> None:
        for name, values in change.sets.items():
            root = self.doc.get(name, type=Map)
            for key, value in values.items():
                root[key] = value
        for name, keys in change.deletes.items():
            root = self.doc.get(name, type=Map)
            for key in keys:
                if key in root:
                    del root[key]
        edit = None if change.content is None else text_edit(str(self.text), change.content)
        if edit is not None:
            start, deleted, inserted = edit
            if deleted:
                del self.text[start : start + deleted]
            if inserted:
                self.text.insert(start, inserted)

    # --- storage: batches and acknowledgements -----------------------------------------------

    def take_pending(self) -> Batch:
        with self.lock:
            batch = Batch(self.pending, self.queued_seq)
            self.pending = []
        return batch

    def requeue(self, batch: Batch) -> None:
        """A batch that could not be stored goes back in front, in its order."""
        with self.lock:
            self.pending[:0] = batch.pending

    def stored(self, batch: Batch, row_id: int) -> None:
        """The batch is committed: wake the acknowledgements waiting for it."""
        with self.lock:
            self.last_row_id = max(self.last_row_id, row_id)
            self.rows_since_compact += len(batch.pending)
        with self._stored:
            self.stored_seq = max(self.stored_seq, batch.seq)
            self._stored.notify_all()

    def wait_stored(self, seq: int, timeout: float) -> bool:
        """True once update ``seq`` is in the update log; False on timeout or shutdown."""
        with self._stored:
            return (
                self._stored.wait_for(lambda: self.stored_seq >= seq or self.closed, timeout)
                and self.stored_seq >= seq
            )

    def close(self) -> None:
        """The process stops: acknowledgements still waiting are answered (not stored)."""
        with self._stored:
            self.closed = True
            self._stored.notify_all()

    # --- housekeeping ------------------------------------------------------------------------

    def take_writeback(self) -> tuple[str, int]:
        """The text to write into the page and the last stored row it includes."""
        with self.lock:
            self.written_back = True
            return str(self.text), self.last_row_id

    def writeback_failed(self) -> None:
        with self.lock:
            self.written_back = False

    def take_snapshot(self) -> tuple[str, list[int], int]:
        """Text, typists since the last revision (forgotten here) and the last stored row."""
        with self.lock:
            self.snapshotted = self.written_back = True
            authors = sorted(self.authors)
            self.authors.clear()
            return str(self.text), authors, self.last_row_id

    def snapshot_failed(self, authors: Iterable[int]) -> None:
        with self.lock:
            self.authors.update(authors)
            self.snapshotted = self.written_back = False

    def take_authors(self) -> list[int]:
        """Typists since the last revision, for a revision someone else is taking (a save)."""
        with self.lock:
            authors = sorted(self.authors)
            self.authors.clear()
            return authors

    def compacted(self, row_id: int) -> None:
        with self.lock:
            self.last_row_id = max(self.last_row_id, row_id)
            self.rows_since_compact = 1


def load_room(
    page_id: int, markdown: str, store: UpdateStore, schema: Schema | None = None
) -> Room:
    """The room of a page, from its update log; the first time, seeded from its Markdown."""
    updates, last_id = store.load(page_id)
    if not updates and markdown:
        store.seed(page_id, seed_update(markdown))  # False: another process seeded it first
        updates, last_id = store.load(page_id)
    doc = Doc()
    with doc.transaction():
        for update in updates:
            doc.apply_update(update)
    room = Room(page_id=page_id, doc=doc, last_row_id=last_id, seen_row_id=last_id)
    if schema is not None:
        room.schema = schema
    room.rows_since_compact = len(updates)
    return room
