"""Several processes, in-process and without Redis: what the hub publishes, what it does with
another node's messages, and compaction that keeps rows another process stored."""

from __future__ import annotations

from pycrdt import Doc, Text

from collab import docsync, protocol
from collab.hub import CollabHub, Settings
from collab.rooms import ROOT, load_room
from collab.store import MemoryUpdateStore


class FakeReplica:
    def __init__(self) -> None:
        self.started = 0
        self.updates: list[tuple[int, bytes, list[int]]] = []
        self.awareness: list[tuple[int, bytes]] = []

    def start(self) -> None:
        self.started += 1

    def publish_update(self, page_id: int, update: bytes, authors: list[int]) -> None:
        self.updates.append((page_id, update, authors))

    def publish_awareness(self, page_id: int, payload: bytes, owners: list[int]) -> None:
        self.awareness.append((page_id, payload))


def _edit(base: bytes, text: str) -> bytes:
    peer = Doc()
    peer.apply_update(base)
    before = peer.get_state()
    peer.get(ROOT, type=Text).insert(0, text)
    return peer.get_update(before)


def test_message_encoding_round_trips() -> None:
    message = docsync.encode(docsync.UPDATE, "n1", 42, [3, 7], b"\x00\n|\x01")
    assert docsync.decode(message) == ("u", "n1", 42, [3, 7], b"\x00\n|\x01")
    assert docsync.decode(docsync.encode("a", "n2", 1, [], b""))[3] == []


def test_hub_publishes_what_it_stored_and_applies_remote_without_resending() -> None:
    sent: list[tuple] = []
    store = MemoryUpdateStore()
    hub = CollabHub(store, lambda *args: sent.append(args), Settings(coalesce_s=0))
    hub.replica = replica = FakeReplica()
    room = hub.registry.get_or_create(9, lambda page_id: load_room(page_id, "", store))
    local = _edit(room.doc.get_update(), "ici ")
    room.apply_update(None, local, 5)
    hub.flush(room)
    assert [(p, a) for p, _, a in replica.updates] == [(9, [])]  # no sid: an HTTP save
    assert len(sent) == 1

    remote = _edit(room.doc.get_update(), "là-bas ")
    hub.apply_remote(9, remote, [8])
    hub.apply_remote(10, remote, [8])  # a page not open here: ignored (SQL has it)
    hub.flush(room)
    assert room.content() == "là-bas ici "
    assert len(sent) == 1 and len(replica.updates) == 1  # the queue already delivered it
    assert room.authors == {5, 8} and not room.pending


def test_compaction_folds_rows_stored_by_another_process() -> None:
    store = MemoryUpdateStore()
    room = load_room(4, "Début", store)
    other = _edit(room.doc.get_update(), "Autre processus : ")
    store.append(4, [other])  # stored by process B, its message not received here yet
    mine = _edit(room.doc.get_update(), "Ici : ")
    room.apply_update(None, mine, 1)
    room.last_row_id = store.append(4, [mine])
    store.compact(4, room.last_row_id, room.merge_rows)
    assert len(store.rows[4]) == 1
    fresh = load_room(4, "ignored", store)
    assert fresh.content() == room.content()
    assert "Autre processus : " in fresh.content() and "Ici : " in fresh.content()


def test_join_folds_rows_stored_since_the_room_was_loaded() -> None:
    store = MemoryUpdateStore()
    room = load_room(6, "Texte", store)
    store.append(6, [_edit(room.doc.get_update(), "Nouveau. ")])  # another process
    room.fold(*store.load(6, room.seen_row_id))
    assert room.content() == "Nouveau. Texte"
    assert room.seen_row_id == store.load(6)[1]
    assert protocol.decode_state_vector(room.doc.get_state())
