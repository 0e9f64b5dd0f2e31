"""A room is one page's live document; the registry opens rooms on demand and forgets them.

Each room has one pycrdt ``Doc`` whose root ``Text`` named ``content`` is the page's Markdown,
guarded by ``lock``: Flask-SocketIO's threading mode runs handlers of different sockets at
the same time, and ``Doc.transaction()`` does not wait for another thread's transaction.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from pycrdt import Awareness, Doc, Text

from .protocol import ProtocolError
from .store import UpdateStore

ROOT = "content"
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


@dataclass
class Room:
    page_id: int
    doc: Doc
    last_row_id: int = 0
    #: the highest update-log row folded into ``doc`` by a load (other processes' rows too)
    seen_row_id: int = 0
    lock: threading.RLock = field(default_factory=threading.RLock)
    flush_lock: threading.Lock = field(default_factory=threading.Lock)
    #: sid → awareness client ids that socket announced
    sids: dict[str, set[int]] = field(default_factory=dict)
    pending: list[tuple[str | None, bytes]] = field(default_factory=list)
    pending_awareness: set[int] = field(default_factory=set)
    #: users who typed since the last revision
    authors: set[int] = field(default_factory=set)
    changed_at: float = 0.0
    written_back: bool = True
    snapshotted: bool = True
    rows_since_compact: int = 0
    empty_since: float | None = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.text = self.doc.get(ROOT, type=Text)
        self.awareness = Awareness(self.doc)
        self.awareness.set_local_state(None)  # the server is not a peer

    def content(self) -> str:
        with self.lock:
            return str(self.text)

    def _mark_changed(self, user_id: int | None) -> None:
        if user_id is not None:
            self.authors.add(user_id)
        self.changed_at = time.monotonic()
        self.written_back = self.snapshotted = False

    def apply_update(self, sid: str | None, update: bytes, user_id: int | None) -> None:
        """Apply a peer's update and queue it for storage and broadcast."""
        with self.lock:
            try:
                self.doc.apply_update(update)
            except ValueError as error:
                raise ProtocolError(_l("Mise à jour Yjs illisible : elle est ignorée.")) from error
            self.pending.append((sid, update))
            self._mark_changed(user_id)

    def apply_remote(self, update: bytes, authors: Iterable[int]) -> None:
        """Another process's update, already stored and sent to every client: the document
        only. Its typists are credited in this process's next revision; the revision itself
        is taken by the process whose clients typed."""
        with self.lock:
            self.doc.apply_update(update)
            self.authors.update(authors)

    def fold(self, updates: list[bytes], last_id: int) -> None:
        """Apply stored rows (applying what the document already has is a no-op)."""
        with self.lock, self.doc.transaction():
            for update in updates:
                self.doc.apply_update(update)
            self.seen_row_id = max(self.seen_row_id, last_id)

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
            self.pending.extend((None, u) for u in captured)
            self._mark_changed(user_id)
        return True

    def take_pending(self) -> tuple[list[tuple[str | None, bytes]], set[int]]:
        with self.lock:
            pending, self.pending = self.pending, []
            aware, self.pending_awareness = self.pending_awareness, set()
        return pending, aware


def load_room(page_id: int, markdown: str, store: UpdateStore) -> Room:
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
    room.rows_since_compact = len(updates)
    return room


class RoomRegistry:
    """Open rooms by page id; creation is serialised so a page never has two rooms."""

    def __init__(self) -> None:
        self._rooms: dict[int, Room] = {}
        self._lock = threading.Lock()

    def get(self, page_id: int) -> Room | None:
        return self._rooms.get(page_id)

    def get_settled(self, page_id: int) -> Room | None:
        """The room, waiting if it is being loaded right now: a message from another process
        is then either in what the load read, or applied to the loaded room."""
        with self._lock:
            return self._rooms.get(page_id)

    def get_or_create(self, page_id: int, loader: Callable[[int], Room]) -> Room:
        room = self._rooms.get(page_id)
        if room is not None:
            return room
        with self._lock:
            room = self._rooms.get(page_id)
            if room is None:
                room = self._rooms[page_id] = loader(page_id)
            return room

    def remove(self, room: Room) -> None:
        with self._lock:
            if self._rooms.get(room.page_id) is room:
                del self._rooms[room.page_id]

    def all(self) -> list[Room]:
        return list(self._rooms.values())
