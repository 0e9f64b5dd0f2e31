"""Who is in a room and where their cursors are: the room's awareness mirror, with owners.

The server keeps a pycrdt ``Awareness`` per room (STACK-NOTES 2): a newcomer gets everyone's
presence in its join, and a leaving connection's cursors are removed at once.

Ownership: an awareness client id belongs to the connection (sid) that first announced it in
the room, until that connection leaves. A message speaking for an id owned by another person
is refused whole (``PermissionDenied``), so nobody can move, rename or remove someone else's
cursor by sending a higher clock. The same person may take their own id over from an older
connection (a browser reconnecting before the server noticed the old socket died keeps its
Yjs client id). Across processes (``collab.docsync``) each presence message carries the
user id of every client id in it: another process's clients are owned by their person here
too, until their process says they left.

What a state may carry (for everyone, readers included): ``user`` (the name is always the
account's, the colours only ``#rrggbb[aa]``) and ``cursor`` / ``selection`` made of Yjs
relative positions (``{anchor, head}``, each ``{type, tname, item, assoc}``, ids as
``{client, clock}``).
Anything else is dropped before it is relayed: a presence never carries content.
"""

from __future__ import annotations

import json
import re
import threading
from typing import Any

from flask_babel import lazy_gettext as _l
from pycrdt import Awareness, Doc

from wiki.errors import PayloadTooLarge, PermissionDenied

from . import protocol

AWARENESS_MAX = 64 * 1024
COLOR = re.compile(r"#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?")
DEFAULT_COLOR = "#30bced"
CURSOR_FIELDS = ("cursor", "selection")
#: the owner "connection" of a client id announced through another process
REMOTE = "remote"
NAME_MAX = 120


def _id(value: Any) -> dict[str, int] | None:
    if not isinstance(value, dict) or set(value) != {"client", "clock"}:
        return None
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in value.values()):
        return None
    return {"client": value["client"], "clock": value["clock"]}


def _position(value: Any) -> dict[str, Any] | None:
    """A Yjs relative position as the editor sends it (``{type, tname, item, assoc}``, absent
    parts null: Yjs tests them against null, so they stay null), or None."""
    if not isinstance(value, dict) or not set(value) <= {"type", "tname", "item", "assoc"}:
        return None
    clean: dict[str, Any] = {"type": None, "tname": None, "item": None}
    for key in ("type", "item"):
        if value.get(key) is not None:
            if (ident := _id(value[key])) is None:
                return None
            clean[key] = ident
    tname = value.get("tname")
    if tname is not None:
        if not isinstance(tname, str) or len(tname) > 64:
            return None
        clean["tname"] = tname
    assoc = value.get("assoc", 0)
    if not isinstance(assoc, int) or isinstance(assoc, bool):
        return None
    clean["assoc"] = assoc
    return clean


def _cursor(value: Any) -> dict[str, Any] | None:
    if not isinstance(value, dict) or set(value) != {"anchor", "head"}:
        return None
    anchor, head = _position(value["anchor"]), _position(value["head"])
    return {"anchor": anchor, "head": head} if anchor and head else None


def clean_state(state: Any, name: str) -> dict[str, Any]:
    """Only the fields a presence needs; the account's name instead of the one sent."""
    clean: dict[str, Any] = {}
    if not isinstance(state, dict):
        return clean
    user = state.get("user")
    if isinstance(user, dict):
        color = user.get("color")
        color = color if isinstance(color, str) and COLOR.fullmatch(color) else DEFAULT_COLOR
        light = user.get("colorLight")
        light = light if isinstance(light, str) and COLOR.fullmatch(light) else color + "33"
        clean["user"] = {"name": name[:NAME_MAX], "color": color, "colorLight": light}
    for key in CURSOR_FIELDS:
        if key in state:
            clean[key] = _cursor(state[key])
    return clean


class Presence:
    def __init__(self, doc: Doc) -> None:
        self._awareness = Awareness(doc)
        self._awareness.set_local_state(None)  # the server is not a peer
        self._lock = threading.Lock()
        #: sid → awareness client ids that connection announced
        self._sids: dict[str, set[int]] = {}
        #: client id → (sid, user id) of the connection that owns it
        self._owners: dict[int, tuple[str, int]] = {}
        self._pending: set[int] = set()

    # --- connections -------------------------------------------------------------------------

    def enter(self, sid: str) -> None:
        with self._lock:
            self._sids.setdefault(sid, set())

    def leave(self, sid: str) -> bool:
        """Remove the connection's cursors (broadcast at the next flush); True if the room is
        empty now."""
        with self._lock:
            ids = self._sids.pop(sid, set())
            for client_id in ids:
                if self._owners.get(client_id, ("",))[0] == sid:
                    del self._owners[client_id]
            live = [i for i in ids if i in self._awareness.states]
            self._awareness.remove_awareness_states(live, "server")
            self._pending |= {i for i in ids if i in self._awareness.meta}
            return not self._sids

    def count(self) -> int:
        return len(self._sids)

    def has(self, sid: str) -> bool:
        return sid in self._sids

    # --- messages ----------------------------------------------------------------------------

    def apply(self, sid: str, user_id: int, name: str, payload: bytes) -> None:
        """A connection's awareness update: owners checked, states cleaned, queued."""
        if len(payload) > AWARENESS_MAX:
            raise PayloadTooLarge(_l("Information de présence trop volumineuse."))
        ids = protocol.awareness_client_ids(payload)
        with self._lock:
            for client_id in ids:
                owner = self._owners.get(client_id)
                if owner is not None and owner[1] != user_id:
                    raise PermissionDenied(
                        _l("Cette présence est celle d'une autre personne : elle est refusée.")
                    )
            try:
                self._awareness.apply_awareness_update(payload, sid)
            except (ValueError, UnicodeDecodeError, RecursionError, KeyError) as error:
                raise protocol.ProtocolError(_l("Information de présence illisible.")) from error
            mine = self._sids.setdefault(sid, set())
            for client_id in ids:
                previous = self._owners.get(client_id)
                if previous is not None and previous[0] != sid:  # the same person, reconnected
                    self._sids.get(previous[0], set()).discard(client_id)
                self._owners[client_id] = (sid, user_id)
                mine.add(client_id)
                state = self._awareness.states.get(client_id)
                if state is not None:
                    self._awareness.states[client_id] = clean_state(state, name)
            self._pending.update(ids)

    def apply_remote(self, payload: bytes, owners: dict[int, int]) -> None:
        """Another process's presence (checked and cleaned there, sent to every client):
        ``owners`` maps its client ids to user ids; a local connection keeps its own ids."""
        with self._lock:
            self._awareness.apply_awareness_update(payload, REMOTE)
            for client_id in protocol.awareness_client_ids(payload):
                owner = self._owners.get(client_id)
                if client_id not in self._awareness.states:  # gone there
                    if owner is not None and owner[0] == REMOTE:
                        del self._owners[client_id]
                elif client_id in owners and (owner is None or owner[0] == REMOTE):
                    self._owners[client_id] = (REMOTE, owners[client_id])

    def drop_remote(self, client_ids: list[int]) -> list[int]:
        """The presences of a process found dead (``collab.docsync``): removed, and the
        removal queued for this process's clients. An id a local connection took over (its
        browser reconnected here) stays. Returns the ids removed."""
        with self._lock:
            gone = [
                i
                for i in client_ids
                if i in self._awareness.states and self._owners.get(i, (REMOTE,))[0] == REMOTE
            ]
            for client_id in gone:
                self._owners.pop(client_id, None)
            self._awareness.remove_awareness_states(gone, "server")
            self._pending.update(gone)
            return gone

    def everyone(self) -> bytes | None:
        """Every known presence, for a newcomer (None when nobody is here)."""
        with self._lock:
            ids = [i for i in self._awareness.states if i in self._awareness.meta]
            return self._awareness.encode_awareness_update(ids) if ids else None

    def take_pending(self) -> tuple[bytes | None, list[int]]:
        """What changed since the last flush, as one awareness update (None if nothing), and
        its owners (``[client id, user id, …]``, for the other processes)."""
        with self._lock:
            pending, self._pending = self._pending, set()
            known = [i for i in pending if i in self._awareness.meta]
            if not known:
                return None, []
            owners = [x for i in known if (o := self._owners.get(i)) for x in (i, o[1])]
            return self._awareness.encode_awareness_update(known), owners

    @property
    def dirty(self) -> bool:
        return bool(self._pending)

    def state(self, client_id: int) -> Any:
        """The relayed state of an id (tests)."""
        with self._lock:
            return json.loads(json.dumps(self._awareness.states.get(client_id)))
