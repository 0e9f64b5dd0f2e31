"""Socket.IO refusals (the ``error`` event and the ack) speak the person's language."""

from __future__ import annotations

import collab
from wiki import accounts


def _socket(app, client):
    state = collab.get(app)
    # no flusher or housekeeper thread: nothing is written here, and a thread would outlive
    # the test's database
    state._started = True
    return state.socketio.test_client(app, namespace="/collab", flask_test_client=client)


def test_refused_join_in_english(app, personas, client_for):
    accounts.update_profile(personas.reader, name="Dominique", color="#123456", locale="en")
    socket = _socket(app, client_for(personas.reader))
    try:
        ack = socket.emit("join", {"page_id": 999999}, namespace="/collab", callback=True)
        assert ack["error"] == {
            "code": "not_found",
            "message": "This page does not exist or has been deleted.",
        }
        events = socket.get_received("/collab")
        assert [e["args"][0]["message"] for e in events if e["name"] == "error"] == [
            "This page does not exist or has been deleted."
        ]
    finally:
        socket.disconnect(namespace="/collab")


def test_refused_join_in_french_by_default(app, personas, client_for):
    socket = _socket(app, client_for(personas.reader))
    try:
        ack = socket.emit("join", {"page_id": "x"}, namespace="/collab", callback=True)
        assert ack["error"]["message"] == 'Identifiant de page attendu : {"page_id": <nombre>}.'
    finally:
        socket.disconnect(namespace="/collab")
