"""Issue 8, in-process: what the room refuses (foreign shared types, over-long text), updates
acknowledged only once stored, presence owned by its connection."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from pycrdt import Array, Awareness, Doc, Map, Text

from collab import protocol
from collab.hub import Access, CollabHub, NotStored, Settings
from collab.presence import Presence, clean_state
from collab.rooms import ROOT, Room, load_room
from collab.store import MemoryUpdateStore
from collab.validation import ForeignContent, Schema, inspect
from wiki.errors import PayloadTooLarge, PermissionDenied
from wiki.kinds import SharedType
from wiki.pages import MARKDOWN_MAX


def _peer_edit(room: Room, edit: Callable[[Doc], None], client_id: int = 77) -> bytes:
    """An update a peer who has the room's document makes with ``edit``."""
    peer = Doc(client_id=client_id)
    peer.apply_update(room.doc.get_update())
    before = peer.get_state()
    edit(peer)
    return peer.get_update(before)


def _insert(text: str, at: int = 0) -> Callable[[Doc], None]:
    return lambda doc: doc.get(ROOT, type=Text).insert(at, text)


def _room(markdown: str = "Bonjour") -> tuple[Room, MemoryUpdateStore]:
    store = MemoryUpdateStore()
    return load_room(1, markdown, store), store


def _unchanged(room: Room, text: str, state: bytes) -> None:
    assert room.content() == text
    assert room.doc.get_state() == state
    assert room.pending == []
    assert set(room.doc.keys()) == {ROOT}


FOREIGN: dict[str, Callable[[Doc], None]] = {
    "root evil (map)": lambda d: d.get("evil", type=Map).__setitem__("x", "y"),
    "root evil (text)": lambda d: d.get("evil", type=Text).insert(0, "caché"),
    "content as map": lambda d: d.get(ROOT, type=Map).__setitem__("k", "v"),
    "content as array": lambda d: d.get(ROOT, type=Array).append({"x": 1}),
    "embed in content": lambda d: d.get(ROOT, type=Text).insert_embed(1, {"img": 1}),
    "format in content": lambda d: d.get(ROOT, type=Text).format(0, 2, {"bold": True}),
}


@pytest.mark.parametrize("name", list(FOREIGN))
def test_foreign_shared_types_are_refused_before_touching_the_room(name: str) -> None:
    room, _ = _room()
    state = room.doc.get_state()
    with pytest.raises(ForeignContent) as refused:
        room.apply_update("sid", _peer_edit(room, FOREIGN[name]), 3)
    assert refused.value.code == "foreign_type"
    _unchanged(room, "Bonjour", state)
    room.apply_update("sid", _peer_edit(room, _insert("ok ")), 3)  # still takes text
    assert room.content() == "ok Bonjour"


def test_a_kind_with_a_map_root_accepts_it_and_nothing_else() -> None:
    schema = Schema({ROOT: SharedType.TEXT, "cards": SharedType.MAP})
    room, _ = _room()
    room.schema = schema
    room.apply_update(
        "sid", _peer_edit(room, lambda d: d.get("cards", type=Map).update({"a": 1})), 3
    )
    for edit in (
        lambda d: d.get("votes", type=Map).__setitem__("a", 1),
        lambda d: d.get("cards", type=Array).append(1),
        lambda d: d.get(ROOT, type=Map).__setitem__("k", "v"),
    ):
        with pytest.raises(ForeignContent):
            room.apply_update("sid", _peer_edit(room, edit, client_id=78), 3)


def test_inspect_counts_inserted_characters_and_roots() -> None:
    doc = Doc(client_id=5)
    doc.get(ROOT, type=Text).insert(0, "Noël à la coop 😀")
    summary = inspect(doc.get_update())
    assert summary.inserted_chars == len("Noël à la coop 😀")
    assert summary.roots == {ROOT: {"text"}}


def test_text_over_the_page_cap_is_refused_and_nothing_changes() -> None:
    room, _ = _room()
    state = room.doc.get_state()
    for _ in range(3):  # the report: three updates of 1.9 M characters, all accepted
        with pytest.raises(PayloadTooLarge) as refused:
            room.apply_update("sid", _peer_edit(room, _insert("x" * 1_900_000)), 3)
        assert "caractères" in refused.value.message
        _unchanged(room, "Bonjour", state)
    room.max_chars = 20
    room.apply_update("sid", _peer_edit(room, _insert("é" * 13)), 3)  # 20 characters exactly
    assert len(room.content()) == 20
    with pytest.raises(PayloadTooLarge):
        room.apply_update("sid", _peer_edit(room, _insert("!")), 3)

    def replace(doc: Doc) -> None:  # delete 13, insert 10: within the cap (pycrdt: bytes)
        text = doc.get(ROOT, type=Text)
        del text[0:26]
        text.insert(0, "y" * 10)

    room.apply_update("sid", _peer_edit(room, replace), 3)
    assert room.content() == "y" * 10 + "Bonjour"
    assert room.max_chars == 20 and MARKDOWN_MAX == 500_000


def test_a_page_already_over_the_cap_may_shrink_not_grow() -> None:
    room, _ = _room("a" * 30)
    room.max_chars = 20
    room.apply_update(
        "sid", _peer_edit(room, lambda d: d.get(ROOT, type=Text).__delitem__(slice(0, 5))), 3
    )
    assert len(room.content()) == 25
    with pytest.raises(PayloadTooLarge):
        room.apply_update("sid", _peer_edit(room, _insert("b")), 3)


# --- acknowledged means stored ----------------------------------------------------------------


class FlakyStore(MemoryUpdateStore):
    """Fails the first ``failures`` appends, then stores (a database that comes back)."""

    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures = failures
        self.calls = 0

    def append(self, page_id: int, updates) -> int:
        self.calls += 1
        if self.failures > 0:
            self.failures -= 1
            raise OSError("base injoignable")
        return super().append(page_id, updates)


def _hub(store: MemoryUpdateStore, **settings) -> tuple[CollabHub, Room, threading.Thread]:
    hub = CollabHub(store, lambda *args: None, Settings(coalesce_s=0.002, **settings))
    room = hub.registry.get_or_create(1, lambda page_id: load_room(page_id, "Bonjour", store))

    class User:
        id, name = 3, "Sami"

    hub.connect("sid", User())  # type: ignore[arg-type]
    hub.clients["sid"].pages[1] = Access(True, float("inf"))
    room.enter("sid")
    thread = threading.Thread(target=hub.flush_loop, daemon=True)
    thread.start()
    return hub, room, thread


def _stop(hub: CollabHub, thread: threading.Thread) -> None:
    hub.stopped.set()
    hub.wake()
    thread.join(5)
    assert not thread.is_alive()


def _update_message(room: Room, text: str, client_id: int = 77) -> bytes:
    return protocol.update_message(_peer_edit(room, _insert(text), client_id))


def _stored_text(store: MemoryUpdateStore) -> str:
    doc = Doc()
    for update in store.load(1)[0]:
        doc.apply_update(update)
    return str(doc.get(ROOT, type=Text))


def test_receive_returns_once_the_batch_is_stored_even_after_failed_commits() -> None:
    store = FlakyStore(failures=2)
    hub, room, thread = _hub(store)
    try:
        hub.receive("sid", 1, _update_message(room, "un "), lambda: Access(True, 0))
        assert _stored_text(store) == "un Bonjour"  # stored before receive returned
        assert store.calls == 3  # two failures, retried, then committed
        # several handlers at once: all acknowledged, in few commits (coalesced)
        calls_before = store.calls
        words = [f"m{i} " for i in range(8)]
        updates = [_update_message(room, w, 100 + i) for i, w in enumerate(words)]
        threads = [
            threading.Thread(target=hub.receive, args=("sid", 1, u, lambda: Access(True, 0)))
            for u in updates
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(5)
        assert all(w in _stored_text(store) for w in words)
        assert store.calls - calls_before < len(words)
    finally:
        _stop(hub, thread)


def test_an_update_not_stored_in_time_is_not_acknowledged() -> None:
    store = FlakyStore(failures=10**6)
    hub, room, thread = _hub(store, ack_timeout_s=0.3)
    try:
        with pytest.raises(NotStored) as refused:
            hub.receive("sid", 1, _update_message(room, "perdu? "), lambda: Access(True, 0))
        assert refused.value.code == "not_stored"
    finally:
        _stop(hub, thread)


def test_stopping_stores_what_is_queued_and_answers_who_waits() -> None:
    store = MemoryUpdateStore()
    hub, room, thread = _hub(store)
    seq = room.apply_update("sid", _peer_edit(room, _insert("dernier ")), 3)
    hub.stopped.set()  # the loop stops before flushing: the final flush stores it
    hub.wake()
    assert room.wait_stored(seq, 5)
    thread.join(5)
    assert _stored_text(store) == "dernier Bonjour"
    late = room.apply_update("sid", _peer_edit(room, _insert("après ")), 3)
    assert room.wait_stored(late, 5) is False  # answered at once, not after the timeout
    assert room.closed


# --- presence ---------------------------------------------------------------------------------


def _awareness(client_id: int, state: dict, clock_bumps: int = 0) -> bytes:
    doc = Doc(client_id=client_id)
    aw = Awareness(doc)
    for _ in range(clock_bumps + 1):
        aw.set_local_state(state)
    return aw.encode_awareness_update([client_id])


def test_presence_belongs_to_the_connection_that_announced_it() -> None:
    presence = Presence(Doc())
    presence.enter("camille"), presence.enter("dominique")
    presence.apply("camille", 1, "Camille", _awareness(42, {"user": {"name": "Camille"}}))
    spoof = _awareness(42, {"user": {"name": "Camille"}, "cursor": None}, clock_bumps=5)
    with pytest.raises(PermissionDenied):
        presence.apply("dominique", 2, "Dominique", spoof)
    assert presence.state(42)["user"]["name"] == "Camille"
    presence.apply("camille-2", 1, "Camille", spoof)  # the same person, reconnected: hers
    presence.leave("camille-2")
    presence.apply("dominique", 2, "Dominique", _awareness(42, {"user": {}}, clock_bumps=9))


def test_a_presence_carries_a_cursor_never_content() -> None:
    position = {
        "type": {"client": 1, "clock": 0},
        "tname": None,
        "item": {"client": 7, "clock": 3},
        "assoc": 0,
    }
    state = {
        "user": {"name": "Moi, l'admin", "color": "red;background:url(x)", "extra": "x"},
        "cursor": {"anchor": position, "head": position},
        "content": "tout le texte de la page",
        "selection": {"anchor": {"item": {"client": 7, "clock": 3}, "secret": "x"}, "head": 1},
    }
    cleaned = clean_state(state, "Dominique Lectrice")
    assert cleaned == {
        "user": {"name": "Dominique Lectrice", "color": "#30bced", "colorLight": "#30bced33"},
        "cursor": {"anchor": position, "head": position},  # nulls kept: Yjs tests them
        "selection": None,
    }
    presence = Presence(Doc())
    presence.apply("reader", 5, "Dominique Lectrice", _awareness(9, state))
    relayed, owners = presence.take_pending()
    assert relayed is not None and b"tout le texte" not in relayed
    assert owners == [9, 5]
    assert clean_state(["pas", "un", "objet"], "X") == {}


def test_a_room_is_forgotten_only_when_nobody_is_in_it() -> None:
    from collab.registry import RoomRegistry

    store = MemoryUpdateStore()
    registry = RoomRegistry()
    room = registry.get_or_create(1, lambda page_id: load_room(page_id, "Texte", store))
    room.enter("sid")
    assert registry.remove_if_empty(room) is False and registry.get(1) is room
    room.leave("sid")
    assert room.empty_since is not None
    assert registry.remove_if_empty(room) is True and registry.get(1) is None


def test_presence_ownership_crosses_processes() -> None:
    """What process A relays through Redis (payload and owners) binds process B too."""
    a, b = Presence(Doc()), Presence(Doc())

    def relay() -> None:
        payload, owners = a.take_pending()
        assert payload is not None
        b.apply_remote(payload, dict(zip(owners[::2], owners[1::2], strict=True)))

    a.enter("camille-on-a")
    a.apply("camille-on-a", 1, "Camille", _awareness(42, {"user": {"name": "Camille"}}))
    relay()
    spoof = _awareness(42, {"user": {"name": "Camille"}}, clock_bumps=5)
    with pytest.raises(PermissionDenied):
        b.apply("dominique-on-b", 2, "Dominique", spoof)
    a.leave("camille-on-a")  # her cursor goes, on A and then on B
    relay()
    b.apply("dominique-on-b", 2, "Dominique", spoof)
    assert b.state(42)["user"]["name"] == "Dominique"
