"""Every route that writes and every Socket.IO event that writes is refused for an archived
space: 423 (``archived``) and nothing changed in the database.

The routes come from ``app.url_map`` and the events from the handlers registered on every
namespace, so a route or an event added later is tried too: one that is neither refused nor
in the exemption list below makes this test fail, naming it. The exemption lists are the
review: each entry says why that route or event is allowed on an archived space.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

import collab
from collab import protocol
from tests.conftest import _forget_request_state
from wiki import accounts, archive, invitations, page_trash, pages
from wiki.db import Base, db
from wiki.models import Page

from .conftest import fill

WRITING = {"POST", "PUT", "PATCH", "DELETE"}

#: writing routes allowed on an archived space, and why (reviewed here)
EXEMPT: dict[str, str] = {
    # not about a space: the instance and the person's own account
    "admin.set_space_creation": "instance: who may open spaces",
    "admin.reset_link": "instance: a password-reset link for a person",
    "kinds.template": "instance: the page models every space starts from",
    "kinds.reset_template": "instance: the page models every space starts from",
    "auth.login": "signing in",
    "auth.logout": "signing out",
    "auth.set_language": "the person's language",
    "auth.reset_password": "the person's password",
    "auth.profile": "the person's profile",
    "auth.create_token": "the person's API tokens",
    "auth.revoke_token": "the person's API tokens",
    "auth.end_session": "the person's sign-in sessions",
    "auth.end_other_sessions": "the person's sign-in sessions",
    "api.revoke_token": "the person's API tokens",
    "spaces.create": "opens a new space, not this one",
    "api.create_space": "opens a new space, not this one",
    # read the archived space, write elsewhere or nothing
    "pages.preview": "renders the Markdown sent, saves nothing",
    "archive.duplicate": "copies the archived space into a new one (the way to continue)",
    "api.duplicate": "copies the archived space into a new one (the way to continue)",
    "exports.start": "an export only reads the space (archiving itself makes three)",
    "api.create_export": "an export only reads the space (archiving itself makes three)",
    # the way out, for an instance admin (kept in the audit log)
    "archive.reopen": "an instance admin reopens the space, with a reason",
    "api.reopen_space": "an instance admin reopens the space, with a reason",
}
#: Socket.IO events allowed on an archived space, per namespace, and why
EXEMPT_EVENTS: dict[tuple[str, str], str] = {
    ("/collab", "connect"): "opens the connection, writes nothing",
    ("/collab", "disconnect"): "closes the connection",
    ("/collab", "join"): "reading the live page (read-only when archived)",
    ("/collab", "leave"): "leaving the live page",
    ("/results", "connect"): "opens the connection, writes nothing",
    ("/results", "disconnect"): "closes the connection",
    ("/results", "watch"): "watching the live results (reading)",
    ("/results", "unwatch"): "no longer watching",
}
#: tables a refused request may still touch: sign-in sessions (last seen), API tokens
#: (last used), failed sign-ins; none is part of a space
JSON_ROUTES = {"metaplan.intent"}
VOLATILE_TABLES = {"user_sessions", "api_tokens", "login_attempts", "access_log"}


class Scene:
    """An archived space with one of everything, and the ids the routes need."""

    def __init__(self, app: Flask, personas: Any) -> None:
        self.app, self.personas = app, personas
        self.filled = fill(personas)
        space = personas.space
        self.trashed = pages.create_page(personas.facilitator, space, "Jetée", "x")
        page_trash.delete_page(personas.facilitator, self.trashed)
        self.invitation = invitations.create_invitation(personas.facilitator, space, "reader")
        self.token = accounts.create_token(personas.facilitator)
        self.admin_token = accounts.create_token(personas.admin)
        archive.archive(personas.facilitator, space)

    def values(self, endpoint: str, arguments: set[str]) -> dict[str, Any]:
        f, p = self.filled, self.personas
        page = f.board if endpoint.startswith("metaplan.") else f.parent
        if endpoint.startswith("questionnaire") or "questionnaire" in endpoint:
            page = f.questionnaire.page
        known = {
            "space_ref": p.space.slug,
            "space": p.space.slug,
            "slug": page.slug,
            "page_id": self.trashed.id if endpoint == "pages.restore" else page.id,
            "qid": f.questionnaire.id,
            "question_id": f.questionnaire.questions[
                1 if endpoint == "questionnaires.hide_word" else 0
            ].id,
            "resource_id": f.file.id,
            "user_id": p.participant.id,
            "invitation_id": self.invitation.id,
            "number": 1,
            "n": 1,
            "token": self.invitation.token
            if endpoint == "spaces.join"
            else f.questionnaire.link_token,
            "id": f.questionnaire.id if "questionnaire" in endpoint or "answers" in endpoint
            or "synthesis" in endpoint else f.parent.id,
        }  # fmt: skip
        missing = arguments - set(known)
        assert not missing, f"{endpoint}: no value for {sorted(missing)} (add one to Scene)"
        return {name: known[name] for name in arguments}


def _form(scene: Scene, endpoint: str) -> dict[str, Any]:
    """Plausible data, so a refusal is the archive's and not the input's."""
    f, p = scene.filled, scene.personas
    question = str(f.questionnaire.questions[0].id)
    return {
        "pages.create": {"title": "Nouvelle", "markdown": "Texte", "kind": "page"},
        "pages.edit": {"title": "Programme", "markdown": "Changé", "message": "x"},
        "pages.move": {"parent_id": "", "position": "0"},
        "spaces.settings": {"title": "Autre titre", "description": ""},
        "spaces.add_member": {"email": p.outsider.email, "role": "participant"},
        "spaces.change_member": {"action": "remove"},
        "spaces.create_invitation": {"role": "participant", "days": "7"},
        "spaces.join": {},
        "resources.new": {
            "kind": "link",
            "url": "https://example.org/autre",
            "title": "Autre",
        },
        "questionnaires.submit": {f"q-{question}": "Encore", question: "Encore"},
        "questionnaire_builder.new": {"title": "Nouveau questionnaire"},
        "questionnaire_builder.add_question": {"type": "short_text", "label": "Question ?"},
        "questionnaire_builder.save_question": {"label": "Autre ?", "type": "short_text"},
        "memoire.save_cover": {"title": "Couverture"},
        "memoire.credit": {"choice": "none"},
        "metaplan.intent": {"op": "add_card", "text": "Trop tard"},
        "questionnaires.hide_word": {"stem": "idee", "hidden": "1"},
        "imports.form": {"file": (io.BytesIO(b"PK\x05\x06" + b"\0" * 18), "pages.zip")},
        "kinds.mark_model": {"is_model": "1"},
    }.get(endpoint, {})


def _json(scene: Scene, endpoint: str) -> dict[str, Any]:
    f, p = scene.filled, scene.personas
    question = str(f.questionnaire.questions[0].id)
    return {
        "api.update_page": {"markdown": "Changé"},
        "api.create_page": {"title": "Nouvelle", "markdown": "Texte"},
        "api.add_member": {"email": p.outsider.email, "role": "participant"},
        "api.add_resource": {"kind": "link", "url": "https://example.org/x", "title": "X"},
        "api.create_questionnaire": {"title": "Q", "questions": []},
        "api.update_questionnaire": {"title": "Autre"},
        "api.submit_answers": {"answers": {question: "Encore"}},
        "api.put_memoire": {"items": []},
        "api.put_credit": {"choice": "none"},
    }.get(endpoint, {})


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table a space owns (what a refused request must leave as is)."""
    db.session.expire_all()
    rows = {}
    with db.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            if table.name in VOLATILE_TABLES:
                continue
            rows[table.name] = sorted(map(tuple, connection.execute(table.select())), key=repr)
    return rows


def _changes(before: dict, after: dict) -> list[str]:
    return [name for name in before if before[name] != after.get(name)]


def _request(scene: Scene, client: Any, rule: Any, method: str) -> Any:
    endpoint = rule.endpoint
    url = scene.app.url_for(endpoint, **scene.values(endpoint, set(rule.arguments)))
    if rule.rule.startswith("/api/"):
        token = scene.token
        return client.open(
            url,
            method=method,
            json=_json(scene, endpoint),
            headers={"Authorization": f"Bearer {token}"},
        )
    if endpoint in JSON_ROUTES:
        return client.open(url, method=method, json=_form(scene, endpoint))
    return client.open(url, method=method, data=_form(scene, endpoint))


def _said(response: Any) -> str:
    """The words of an answer: an HTML page, or the JSON some pages' scripts read."""
    if response.is_json:
        return str(response.get_json())
    return response.get_data(as_text=True)


def writing_rules(app: Flask) -> list[tuple[Any, str]]:
    return sorted(
        ((rule, method) for rule in app.url_map.iter_rules() for method in rule.methods & WRITING),
        key=lambda pair: (pair[0].rule, pair[1]),
    )


def test_every_writing_route_is_refused_for_an_archived_space(app, personas, client_for):
    scene = Scene(app, personas)
    endpoints = {rule.endpoint for rule, _ in writing_rules(app)}
    stale = sorted(set(EXEMPT) - endpoints)
    assert not stale, f"exempted routes that no longer exist: {stale}"
    facilitator = client_for(personas.facilitator)
    joiner = client_for(personas.outsider)
    not_refused, changed = [], []
    tried = 0
    for rule, method in writing_rules(app):
        if rule.endpoint in EXEMPT:
            continue
        tried += 1
        before = snapshot()
        client = joiner if rule.endpoint == "spaces.join" else facilitator
        response = _request(scene, client, rule, method)
        db.session.rollback()
        label = f"{method} {rule.rule} ({rule.endpoint})"
        if response.status_code != 423:
            not_refused.append(f"{label} → {response.status_code}")
        elif rule.rule.startswith("/api/"):
            error = response.get_json()["error"]
            if error["code"] != "archived" or set(error) != {"code", "message"}:
                not_refused.append(f"{label} → {error}")
        elif "archivé" not in _said(response):
            not_refused.append(f"{label} → a 423 page that does not say why")
        after = snapshot()
        if _changes(before, after):
            changed.append(f"{label}: {_changes(before, after)}")
    assert not not_refused, (
        "routes that write but are not refused on an archived space (refuse them with "
        "permissions.require, or add them to EXEMPT with the reason):\n" + "\n".join(not_refused)
    )
    assert not changed, "refused, yet the database changed:\n" + "\n".join(changed)
    assert tried >= 40  # the url_map really was walked


# --- Socket.IO ----------------------------------------------------------------------------


def registered_events(socketio: Any) -> set[tuple[str, str]]:
    """(namespace, event) of every handler: class-based namespaces' ``on_*`` methods and
    functions registered with ``@socketio.on``."""
    found = set()
    for namespace, handler in socketio.server.namespace_handlers.items():
        for name in dir(handler):
            if name.startswith("on_") and callable(getattr(handler, name)):
                found.add((namespace, name[3:]))
    for namespace, handlers in socketio.server.handlers.items():
        found.update((namespace, event) for event in handlers)
    return found


def _yjs_update() -> bytes:
    from pycrdt import Doc, Text

    doc = Doc()
    text = doc.get("content", type=Text)
    text += "Trop tard"
    return protocol.update_message(doc.get_update())


def _try_event(socket: Any, namespace: str, event: str, scene: Scene) -> dict[str, Any]:
    f = scene.filled
    if (namespace, event) == ("/collab", "yjs"):
        return socket.emit(event, f.parent.id, _yjs_update(), namespace=namespace, callback=True)
    if (namespace, event) == ("/collab", "board"):
        payload = {"page_id": f.board.id, "op": "add_card", "text": "Trop tard"}
        return socket.emit(event, payload, namespace=namespace, callback=True)
    raise AssertionError(
        f"{namespace} {event}: a new Socket.IO event; say here how to try it on an archived "
        "space, or add it to EXEMPT_EVENTS with the reason"
    )


@pytest.fixture
def sockets(app, client_for):
    state = collab.get(app)
    state._started = True  # no flusher or housekeeper thread: handlers flush themselves
    opened: list[tuple[Any, str]] = []

    def open_(user, namespace: str) -> Any:
        _forget_request_state()
        socket = state.socketio.test_client(
            app, namespace=namespace, flask_test_client=client_for(user)
        )
        opened.append((socket, namespace))
        return socket

    yield open_
    for socket, namespace in opened:
        if socket.is_connected(namespace):
            socket.disconnect(namespace=namespace)


def test_every_writing_event_is_refused_for_an_archived_space(app, personas, sockets):
    scene = Scene(app, personas)
    socketio = collab.get(app).socketio
    events = registered_events(socketio)
    assert {("/collab", "yjs"), ("/collab", "board"), ("/results", "watch")} <= events
    stale = sorted(set(EXEMPT_EVENTS) - events)
    assert not stale, f"exempted events that no longer exist: {stale}"
    socket = sockets(personas.facilitator, "/collab")
    for page in (scene.filled.parent, scene.filled.board):
        ack = socket.emit("join", {"page_id": page.id}, namespace="/collab", callback=True)
        assert ack["ok"] and ack["writable"] is False, ack
    socket.get_received("/collab")
    before = snapshot()
    for namespace, event in sorted(events - set(EXEMPT_EVENTS)):
        assert namespace == "/collab", f"{namespace} {event}: a new writing namespace?"
        ack = _try_event(socket, namespace, event, scene)
        assert ack["ok"] is False and ack["error"]["code"] == "archived", (event, ack)
    assert not _changes(before, snapshot())
    assert db.session.get(Page, scene.filled.parent.id).markdown == "# Programme\n\nJour 1."


def test_open_editors_turn_read_only_when_the_space_is_archived(app, personas, sockets):
    filled = fill(personas)
    editor = sockets(personas.participant, "/collab")
    ack = editor.emit("join", {"page_id": filled.parent.id}, namespace="/collab", callback=True)
    assert ack["ok"] and ack["writable"] is True
    wall = sockets(personas.facilitator, "/results")
    watched = wall.emit(
        "watch", {"questionnaire_id": filled.questionnaire.id}, namespace="/results", callback=True
    )
    assert watched["ok"], watched
    editor.get_received("/collab")
    wall.get_received("/results")
    archive.archive(personas.facilitator, personas.space)
    told = [e for e in editor.get_received("/collab") if e["name"] == "archived"]
    assert told and told[0]["args"][0] == {"page_id": filled.parent.id}
    walls = [e for e in wall.get_received("/results") if e["name"] == "archived"]
    assert walls and walls[0]["args"][0] == {"questionnaire_id": filled.questionnaire.id}
    # at once: not after the permission cache's delay
    refused = editor.emit(
        "yjs", filled.parent.id, _yjs_update(), namespace="/collab", callback=True
    )
    assert refused["ok"] is False and refused["error"]["code"] == "archived"
    db.session.expire_all()
    assert db.session.scalar(select(Page.markdown).where(Page.id == filled.parent.id)) == (
        "# Programme\n\nJour 1."
    )
