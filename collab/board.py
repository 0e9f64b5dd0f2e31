"""The ``board`` event of ``/collab``: a Métaplan intent, decided by ``wiki.metaplan`` and
applied by the room as a server-made change of its maps (``Room.change_maps``).

Why the server writes the board, not the clients' Yjs updates: a card written during
"writing" must never reach another browser (not its text, not its author), so it cannot be
in the shared document; and votes limited to N, or moves allowed only while "grouping",
cannot be enforced on a CRDT update a client made. So clients send intents, the service
checks permission, archive state and phase, and the change is stored in the update log and
broadcast like a peer's update (late joiners get it by the normal sync). What only the author
may see (a hidden card) goes to their own connections on this page as ``board_private``.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l

from wiki import metaplan, pages
from wiki.db import db
from wiki.errors import NotFound
from wiki.models import User

from .hub import CollabHub
from .rooms import Room
from .snapshot import Housekeeper


def init_app(app: Flask, hub: CollabHub, housekeeper: Housekeeper) -> None:
    """Intents from HTTP and the demo (``wiki.metaplan.act``) go through the same rooms.
    When nobody has the board open, the change is also written back and kept as a revision
    at once, as a save would be (no housekeeper may be running in that process)."""

    def actor(intent: metaplan.Intent) -> metaplan.BoardChange:
        change = apply(hub, intent)
        room = hub.registry.get(intent.page.id)
        if room is not None and not room.occupied() and (change.sets or change.deletes):
            _save_now(housekeeper, room)
        return change

    metaplan.register_actor(app, actor)


def _save_now(housekeeper: Housekeeper, room: Room) -> None:
    """Write back, then the revision (so history and search see it). Not
    ``Housekeeper.snapshot``: it marks the log after the revision, and what the page-saved
    signal's subscribers left in the session would then lock SQLite against that mark."""
    housekeeper.write_back(room, time.monotonic())
    text, authors, _row = room.take_snapshot()
    try:
        pages.save_live_revision(room.page_id, text, authors)
        db.session.commit()
    except Exception:
        db.session.rollback()
        room.snapshot_failed(authors)
        raise


def handle(hub: CollabHub, sid: str, data: Any) -> dict[str, Any]:
    """One intent from ``sid`` (which joined the page); returns the acknowledgement."""
    client = hub.client(sid)
    page_id = data.get("page_id") if isinstance(data, dict) else None
    if not isinstance(page_id, int) or page_id not in client.pages:
        raise NotFound(_l("Rejoignez la page avant d'envoyer des modifications."))
    user = db.session.get(User, client.user_id)
    page = pages.get_page(user, page_id)  # READ, and the page still exists
    return {"ok": True, **apply(hub, metaplan.parse(user, page, data)).answer}


def apply(hub: CollabHub, intent: metaplan.Intent) -> metaplan.BoardChange:
    """Decide under the room's lock, store and broadcast, then tell the author alone."""
    room = hub.open_room(intent.page)
    user_id, page_id = intent.user.id, intent.page.id
    change = room.change_maps(lambda state: metaplan.decide(intent, state), user_id)
    db.session.close()  # the flush below stores with its own connection
    if change.sets or change.deletes:
        hub.flush(room)  # stored, then broadcast now: the board is live
    if change.private is not None:
        mine = [
            c.sid for c in list(hub.clients.values()) if c.user_id == user_id and page_id in c.pages
        ]
        hub.send_to(mine, "board_private", (page_id, change.private))
    return change
