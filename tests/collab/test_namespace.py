"""``/collab`` in-process (Flask-SocketIO's test client), on SQLite and PostgreSQL: every event
answers any arity and type; a save from the editor credits everyone who typed; a page whose
update log is ahead of its text is caught up before it is read."""

from __future__ import annotations

import pytest
from pycrdt import Doc, Text
from sqlalchemy import select

import collab
from collab.rooms import ROOT, seed_update
from wiki import pages
from wiki.db import db
from wiki.models import CollabWriteback, Page, RevisionAuthor

NS = "/collab"


def _socket(app, client):
    state = collab.get(app)
    state._started = True  # no flusher or housekeeper thread (they would outlive the database)
    return state.socketio.test_client(app, namespace=NS, flask_test_client=client)


def _refusals(socket) -> list[str]:
    return [e["args"][0]["code"] for e in socket.get_received(NS) if e["name"] == "error"]


BAD_CALLS = [
    ("join", ()),  # the report: TypeError in the handler
    ("join", ({"page_id": 1}, "extra", 3)),
    ("join", (None,)),
    ("join", ([1, 2],)),
    ("join", ({"page_id": True},)),
    ("join", ({"page_id": 10**30},)),
    ("leave", ()),
    ("leave", ("x",)),
    ("yjs", ()),
    ("yjs", (1,)),
    ("yjs", (1, b"\x00\x02\x00", "extra")),  # the report
    ("yjs", ("1", b"\x00")),
    ("yjs", (1, "pas binaire")),
    ("yjs", (1, {"a": 1})),
    ("yjs", (None, None)),
    ("nimporte", (1, 2)),  # no handler at all
    ("", ()),
]


@pytest.mark.parametrize(("event", "args"), BAD_CALLS)
def test_every_event_answers_any_arity_and_type(app, personas, client_for, event, args) -> None:
    page = pages.create_page(personas.facilitator, personas.space, "Fiche", "Texte")
    socket = _socket(app, client_for(personas.participant))
    try:
        socket.get_received(NS)
        ack = socket.emit(event, *args, namespace=NS, callback=True)
        assert ack["ok"] is False, ack
        assert set(ack["error"]) == {"code", "message"} and ack["error"]["message"]
        assert _refusals(socket) == [ack["error"]["code"]]
        # and the connection still works
        joined = socket.emit("join", {"page_id": page.id}, namespace=NS, callback=True)
        assert joined == {"ok": True, "page_id": page.id, "writable": True}
    finally:
        socket.disconnect(namespace=NS)


def test_the_editors_save_credits_everyone_who_typed(app, personas) -> None:
    state = collab.get(app)
    state.hub._emit = lambda *args: None
    anim, part, lect = personas.facilitator, personas.participant, personas.reader
    page = pages.create_page(anim, personas.space, "Compte rendu", "Ordre du jour")
    room = state.hub.open_room(page)
    room.apply_text("Ordre du jour : statuts", part.id)  # Sami types…
    room.apply_text("Ordre du jour : statuts et budget", anim.id)  # …and Camille
    # Camille presses "Enregistrer": no text sent (the live document holds it)
    revision = pages.update_page(anim, page, title="Compte rendu du 3", message="Relu")
    assert revision is not None and revision.author_id == anim.id
    credited = set(
        db.session.scalars(
            select(RevisionAuthor.user_id).where(RevisionAuthor.revision_id == revision.id)
        )
    )
    assert credited == {anim.id, part.id}
    assert room.authors == set()  # taken: the next live revision does not credit them again
    # a save by someone who did not type, after nobody typed: theirs only (no list)
    pages.update_page(anim, page, title="Compte rendu du 4")
    room.apply_text("Ordre du jour : statuts, budget", part.id)
    later = pages.update_page(anim, page, message="Relu encore")
    names = {u.name for u in later.credited}
    assert names == {anim.name, part.name} and lect.name not in names


def test_a_page_behind_its_update_log_is_caught_up_before_the_first_read(
    app, personas, client_for
) -> None:
    """What ``kill -9`` leaves: log rows stored, their write-back never done."""
    state = collab.get(app)
    page = pages.create_page(personas.facilitator, personas.space, "Fiche", "Début")
    store = state.hub.store
    seed = seed_update("Début")
    store.seed(page.id, seed)
    doc = Doc()
    doc.apply_update(seed)
    before = doc.get_state()
    doc.get(ROOT, type=Text).insert(len("Début".encode()), " puis la suite tapée avant le crash")
    store.append(page.id, [doc.get_update(before)])
    assert db.session.get(Page, page.id).markdown == "Début"  # stale, as after the crash

    response = client_for(personas.reader).get(f"/s/cooperer/p/{page.slug}")
    assert response.status_code == 200
    assert "puis la suite tapée avant le crash" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Page, page.id).markdown == "Début puis la suite tapée avant le crash"
    marker = db.session.get(CollabWriteback, page.id)
    assert marker is not None and marker.row_id == store.load(page.id)[1]
    assert store.behind() == []


def test_the_permission_recheck_gives_its_connection_back(app, personas) -> None:
    """A ``yjs`` handler waits for its update to be stored after this recheck: holding a
    database connection meanwhile, 30 editors emptied the pool the flusher stores with."""
    from collab.namespace import _recheck

    page = pages.create_page(personas.facilitator, personas.space, "Fiche", "Texte")
    access = _recheck(personas.participant.id, page.id)
    assert access.writable is True
    assert not db.session.in_transaction()
    assert _recheck(personas.reader.id, page.id).writable is False
    assert not db.session.in_transaction()
