"""Métaplan boards in-process: Flask-SocketIO test clients on ``/collab``, SQLite and
PostgreSQL (the ``app`` fixture), each client's received payloads kept for inspection."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from pycrdt import Doc, Map, Text

import collab
from collab import protocol
from tests.conftest import _forget_request_state, make_user
from wiki import pages
from wiki.db import db
from wiki.models import Membership

NS = "/collab"


@dataclass(eq=False)
class BoardClient:
    """A socket on the board's page, with a Yjs doc fed by everything it received."""

    socket: Any
    page_id: int
    doc: Doc = field(default_factory=Doc)
    #: every event received, as Flask-SocketIO's test client gives it (raw payloads)
    raw: list[dict[str, Any]] = field(default_factory=list)

    def pump(self) -> list[dict[str, Any]]:
        events = self.socket.get_received(NS)
        self.raw.extend(events)
        for event in events:
            if event["name"] != "yjs":
                continue
            message = protocol.parse(bytes(event["args"][1]))
            if message.kind == protocol.YMessageType.SYNC and message.step != 0:
                self.doc.apply_update(message.payload)
            elif message.kind == protocol.YMessageType.SYNC:
                self.socket.emit(
                    "yjs",
                    self.page_id,
                    protocol.sync_step2(self.doc, message.payload),
                    namespace=NS,
                )
        return events

    def board(self, op: str, **data: Any) -> dict[str, Any]:
        ack = self.socket.emit(
            "board", {"page_id": self.page_id, "op": op, **data}, namespace=NS, callback=True
        )
        self.pump()
        return ack

    def cards(self) -> dict[str, Any]:
        self.pump()
        return self.doc.get("cards", type=Map).to_py() or {}

    def settings(self) -> dict[str, Any]:
        self.pump()
        return self.doc.get("board", type=Map).to_py() or {}

    def content(self) -> str:
        self.pump()
        return str(self.doc.get("content", type=Text))

    def everything(self) -> str:
        """All it received, as text (Yjs bytes decoded loosely, JSON payloads as repr)."""
        self.pump()
        parts = []
        for event in self.raw:
            for arg in event["args"]:
                parts.append(
                    bytes(arg).decode("utf-8", "replace")
                    if isinstance(arg, bytes | bytearray)
                    else repr(arg)
                )
        return "\n".join(parts)


@pytest.fixture(autouse=True)
def _no_collab_threads(app) -> None:
    """No flusher or housekeeper thread (they would outlive the test's database): the board
    handlers store and broadcast by themselves, tests call the housekeeper when needed."""
    collab.get(app)._started = True


@pytest.fixture
def second_participant(personas):
    user = make_user("part2@cercle.test", "Noa Participante")
    db.session.add(Membership(space_id=personas.space.id, user_id=user.id, role="participant"))
    db.session.commit()
    return user


@pytest.fixture
def board_page(personas):
    return pages.create_page(personas.facilitator, personas.space, "Tableau", "", kind="metaplan")


@pytest.fixture
def join(app, client_for, board_page) -> Iterator[Any]:
    state = collab.get(app)
    state._started = True  # no flusher or housekeeper thread: the handlers flush themselves
    sockets: list[Any] = []

    def open_(user, page=None) -> BoardClient:
        page = page or board_page
        _forget_request_state()  # the signed-in user cached in ``g`` by the previous connect
        socket = state.socketio.test_client(app, namespace=NS, flask_test_client=client_for(user))
        sockets.append(socket)
        ack = socket.emit("join", {"page_id": page.id}, namespace=NS, callback=True)
        assert ack["ok"], ack
        client = BoardClient(socket, page.id)
        client.pump()
        return client

    yield open_
    for socket in sockets:
        if socket.is_connected(NS):
            socket.disconnect(namespace=NS)
