"""Fuzzing ``/collab`` on a real server process (SQLite and PostgreSQL), bounded: a few hundred
messages in bursts (garbage and truncated binary, wrong types and arities, unknown events,
unknown and foreign pages, foreign shared types, oversized updates and frames, a flood,
someone else's presence). After each burst the server still answers, a newcomer still
syncs, and the stored page (update log and Markdown) is unchanged."""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import socketio
from pycrdt import Awareness, Doc, Map, Text, create_update_message

from collab import protocol

from .conftest import SEED_TEXT, LiveServer
from .yclient import NS, YClient, wait_for

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]
SEED = 8
BUDGET_S = 30


def _foreign_updates(base: bytes) -> list[bytes]:
    """Well-formed updates the page's kind does not allow (roots, shapes, size)."""
    out = []
    for client_id, edit in enumerate(
        (
            lambda d: d.get("evil", type=Map).__setitem__("x", "y"),
            lambda d: d.get("content", type=Map).__setitem__("k", "v"),
            lambda d: d.get("content", type=Text).insert_embed(0, {"img": 1}),
            lambda d: d.get("content", type=Text).insert(0, "x" * 600_000),
        ),
        start=900,
    ):
        peer = Doc(client_id=client_id)
        peer.apply_update(base)
        before = peer.get_state()
        edit(peer)
        out.append(peer.get_update(before))
    return out


def _garbage(rng: random.Random, valid: bytes) -> Iterator[bytes]:
    """Random bytes, truncated and re-framed copies of a valid update message."""
    message = create_update_message(valid)
    for _ in range(40):
        yield bytes(rng.randrange(256) for _ in range(rng.choice([0, 1, 2, 3, 7, 40, 300])))
    for cut in range(1, len(message)):
        yield message[:cut]
    for cut in range(1, len(valid)):
        yield create_update_message(valid[:cut])  # framed right, the update truncated
    for _ in range(20):
        yield bytes([rng.choice([0, 1, 2, 9]), rng.randrange(4)]) + rng.randbytes(12)


class Fuzzer:
    def __init__(self, server: LiveServer) -> None:
        self.server = server
        self.counts: Counter[str] = Counter()
        self.writer = YClient(server.url, server.tokens["participant"], server.page_id)
        self.reader = YClient(server.url, server.tokens["reader"], server.page_id)
        self.writer.connect(), self.reader.connect()
        wait_for(lambda: SEED_TEXT in self.writer.content(), what="le rédacteur a la page")

    def call(self, client: YClient, what: str, event: str, *args: Any) -> dict[str, Any]:
        data = args if args else None  # a tuple is several arguments; None is none
        ack = client.sio.call(event, data, namespace=NS, timeout=10)
        self.counts[what] += 1
        assert isinstance(ack, dict) and ack["ok"] is False, (what, event, args, ack)
        assert ack["error"]["code"] and ack["error"]["message"]
        return ack

    def yjs(self, client: YClient, what: str, data: Any, page_id: Any = None) -> None:
        self.call(client, what, "yjs", self.server.page_id if page_id is None else page_id, data)

    def check(self, expected: tuple[str, str]) -> None:
        """The server answers, a newcomer syncs, the stored page is unchanged."""
        newcomer = YClient(self.server.url, self.server.tokens["facilitator"], self.server.page_id)
        newcomer.connect()
        try:
            wait_for(
                lambda: newcomer.content() == expected[0], what="un nouveau venu se synchronise"
            )
        finally:
            newcomer.close()
        assert self.server.stored_text() == expected
        assert self.server.proc is not None and self.server.proc.poll() is None
        self.counts["checks"] += 1


def _bursts(f: Fuzzer, rng: random.Random) -> list[Callable[[], None]]:
    server, writer, reader = f.server, f.writer, f.reader
    with writer.lock:
        base = writer.doc.get_update()
    peer = Doc(client_id=4242)
    peer.apply_update(base)
    before = peer.get_state()
    peer.get("content", type=Text).insert(0, "FUZZ ")
    valid = peer.get_update(before)

    def garbage() -> None:
        for data in _garbage(rng, valid):
            f.yjs(writer, "garbage/truncated binary", data)

    def types_and_arities() -> None:
        calls: list[tuple[str, tuple[Any, ...]]] = [
            ("join", ()),
            ("join", (None,)),
            ("join", ("1",)),
            ("join", ({"page_id": -1},)),
            ("join", ({"page_id": 1.5},)),
            ("join", ({"page_id": server.page_id}, "en trop")),
            ("leave", ()),
            ("leave", ([],)),
            ("yjs", ()),
            ("yjs", (server.page_id,)),
            ("yjs", (server.page_id, b"\x00\x02\x00", "en trop")),
            ("yjs", (server.page_id, "texte")),
            ("yjs", (server.page_id, 12)),
            ("yjs", (server.page_id, {"update": "x"})),
            ("yjs", (str(server.page_id), create_update_message(valid))),
            ("yjs", (None, None, None, None)),
            ("inconnu", ()),
            ("inconnu", (1, b"\x00")),
            ("update", ({"room": "page:1"},)),
        ]
        for event, args in calls * 3:
            f.call(writer, "wrong type/arity/event", event, *args)

    def pages() -> None:
        for page_id in (0, -3, 999_999, 2**40, True):
            f.call(writer, "unknown/foreign page", "join", {"page_id": page_id})
            f.yjs(writer, "unknown/foreign page", create_update_message(valid), page_id)

    def foreign_types_and_size() -> None:
        for update in _foreign_updates(base) * 3:
            f.yjs(writer, "foreign shared type/oversized update", create_update_message(update))

    def reader_writes_and_spoofs() -> None:
        aware = Awareness(writer.doc)
        aware.set_local_state({"user": {"name": "Sami", "color": "#123456"}})
        writer.call(
            protocol.awareness_message(aware.encode_awareness_update([writer.doc.client_id]))
        )
        for clock in range(1, 11):  # someone else's cursor, each time with a higher clock
            spoof = Doc(client_id=writer.doc.client_id)
            fake = Awareness(spoof)
            for _ in range(clock + 1):
                fake.set_local_state({"user": {"name": "Sami"}, "content": "faux"})
            payload = fake.encode_awareness_update([writer.doc.client_id])
            f.yjs(reader, "foreign client id (presence)", protocol.awareness_message(payload))
            f.yjs(reader, "reader update", create_update_message(valid))

    def flood_and_oversized_frame() -> None:
        flood, refused = 200, len(writer.errors)
        for _ in range(flood):  # no ack asked: as fast as the socket goes (unknown type first)
            writer.send(b"\x07" + rng.randbytes(rng.randrange(0, 50)))
        f.counts["flood (no ack)"] += flood
        wait_for(lambda: len(writer.errors) >= refused + flood, what="tout le flot refusé")
        big = socketio.Client(reconnection=False)
        big.connect(
            server.url,
            namespaces=[NS],
            transports=["websocket"],
            auth={"token": server.tokens["participant"]},
            wait_timeout=10,
        )
        big.emit("yjs", (server.page_id, b"\x00" * (3 * 1024 * 1024)), namespace=NS)
        f.counts["oversized frame (over the buffer)"] += 1
        wait_for(lambda: not big.connected, what="la connexion trop lourde est fermée")
        big.disconnect()

    return [
        garbage,
        types_and_arities,
        pages,
        foreign_types_and_size,
        reader_writes_and_spoofs,
        flood_and_oversized_frame,
    ]


def test_fuzzing_the_namespace_changes_nothing(live_db: LiveServer, database_url: str) -> None:
    live_db.start()
    started = time.monotonic()
    fuzzer = Fuzzer(live_db)
    rng = random.Random(SEED)
    try:
        expected = live_db.stored_text()
        fuzzer.check(expected)
        for burst in _bursts(fuzzer, rng):
            burst()
            fuzzer.check(expected)
        assert "Traceback" not in live_db.log()
    finally:
        fuzzer.writer.close(), fuzzer.reader.close()
    elapsed = time.monotonic() - started
    sent = sum(n for what, n in fuzzer.counts.items() if what != "checks")
    backend = database_url.split(":", 1)[0].split("+")[0]
    lines = [
        f"fuzz ({backend}): {sent} messages, {fuzzer.counts['checks']} checks, {elapsed:.1f} s"
    ]
    lines += [f"  {n:>5}  {what}" for what, n in sorted(fuzzer.counts.items()) if what != "checks"]
    print("\n" + "\n".join(lines))  # the figures for the report (run with -s)
    assert elapsed < BUDGET_S
