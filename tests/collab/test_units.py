"""Fast, in-process: framing, text diffs in UTF-8 offsets, seeding, the store, coalescing."""

from __future__ import annotations

import pytest
from pycrdt import Doc, Text, create_sync_message, create_update_message

from collab import protocol
from collab.hub import CollabHub, Settings
from collab.rooms import ROOT, Room, load_room, seed_update
from collab.store import MemoryUpdateStore


def _text(doc: Doc) -> str:
    return str(doc.get(ROOT, type=Text))


def test_parse_round_trips_and_rejects_garbage() -> None:
    doc = Doc()
    doc.get(ROOT, type=Text).insert(0, "Coopération")
    message = protocol.parse(create_sync_message(doc))
    assert message.step == protocol.YSyncMessageType.SYNC_STEP1
    assert protocol.parse(create_update_message(doc.get_update())).payload == doc.get_update()
    for bad in (b"", b"\x07\x00", b"\x00\x09\x00", b"\x00\x02\x05abc", b"\x00\x02\xff"):
        with pytest.raises(protocol.ProtocolError):
            protocol.parse(bad)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("", "Été 😀"),
        ("Noël à la coop", "Noël chez la coop ✓"),
        ("ééé", "é"),
        ("a😀b", "ab"),
        ("x", ""),
    ],
)
def test_apply_text_is_a_minimal_utf8_edit(old: str, new: str) -> None:
    room = Room(page_id=1, doc=Doc())
    room.apply_text(old, None)
    peer = Doc()
    for _, update in room.pending:
        peer.apply_update(update)
    room.pending.clear()
    assert room.apply_text(new, 7) is True
    for _, update in room.pending:
        peer.apply_update(update)
    assert room.content() == new == _text(peer)
    assert room.authors == {7}
    assert room.apply_text(new, 7) is False


def test_seeding_twice_never_duplicates() -> None:
    first, second = Doc(), Doc()
    first.apply_update(seed_update("# Fiche\n"))
    second.apply_update(seed_update("# Fiche\n"))
    first.apply_update(second.get_update())
    assert _text(first) == "# Fiche\n"


def test_store_seeds_once_and_compacts() -> None:
    store = MemoryUpdateStore()
    room = load_room(3, "Bonjour", store)
    assert store.seed(3, seed_update("Bonjour")) is False
    room.apply_text("Bonjour à tous", 1)
    updates = [u for _, u in room.pending]
    room.last_row_id = store.append(3, updates)
    store.compact(3, room.last_row_id, room.merge_rows)
    assert len(store.rows[3]) == 1
    assert _text(load_room(3, "ignored: the log wins", store).doc) == "Bonjour à tous"


def test_hub_stores_then_broadcasts_one_merged_update() -> None:
    sent: list[tuple] = []
    store = MemoryUpdateStore()
    hub = CollabHub(store, lambda *args: sent.append(args), Settings(coalesce_s=0))
    room = hub.registry.get_or_create(5, lambda page_id: load_room(page_id, "", store))
    for i, word in enumerate(["Un ", "deux ", "trois"]):
        peer = Doc()
        peer.apply_update(room.doc.get_update())
        peer.get(ROOT, type=Text).insert(len(room.content().encode()), word)
        room.apply_update(f"sid{i}", peer.get_update(room.doc.get_state()), i)
    hub.flush(room)
    assert len(store.rows[5]) == 3
    ((event, (page_id, message), to, skip),) = sent
    assert (event, page_id, to, skip) == ("yjs", 5, "page:5", None)
    check = Doc()
    check.apply_update(protocol.parse(message).payload)
    assert _text(check) == "Un deux trois"


def test_async_mode_defaults_to_threading_and_refuses_unpatched_gevent(monkeypatch) -> None:
    import collab

    monkeypatch.delenv("COLLAB_ASYNC_MODE", raising=False)
    assert collab.async_mode({}) == "threading"
    monkeypatch.setenv("COLLAB_ASYNC_MODE", "eventlet")
    with pytest.raises(ValueError):
        collab.async_mode({})
    assert collab.async_mode({"COLLAB_ASYNC_MODE": "threading"}) == "threading"
    with pytest.raises(RuntimeError, match="patch_all"):  # this process is not monkey-patched
        collab.async_mode({"COLLAB_ASYNC_MODE": "gevent"})
