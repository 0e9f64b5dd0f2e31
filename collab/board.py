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

from collections.abc import Callable
from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l

from wiki import metaplan, pages
from wiki.db import db
from wiki.errors import NotFound
from wiki.models import User

from .hub import CollabHub


def init_app(app: Flask, hub: CollabHub, started: Callable[[], None]) -> None:
    """Intents from HTTP and the demo (``wiki.metaplan.act``) go through the same rooms."""

    def actor(intent: metaplan.Intent) -> metaplan.BoardChange:
        started()  # the flusher and housekeeper run (write-back, revisions) as for a save
        return apply(hub, intent)

    metaplan.register_actor(app, actor)


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
