"""Socket.IO handlers of ``/collab``: authenticate on connect, join/leave, relay ``yjs``.

Thin: parse → one hub call. Every event answers: ``{"ok": True, …}`` or, from
``_mapped_errors`` (the one place), an ``error`` event ``{code, message}`` and the ack
``{"ok": False, "error": {code, message}}``. That place also refuses a call whose arguments
do not fit the handler (any arity, before the handler runs) and turns an unexpected exception
into ``internal`` (logged with its traceback): a client can never make a handler raise into
Socket.IO. An event with no handler is refused the same way (``trigger_event``).
"""

from __future__ import annotations

import functools
import inspect
import logging
import socket
import time
from collections.abc import Callable
from typing import Any

from flask import request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_socketio import ConnectionRefusedError, Namespace, emit, join_room, leave_room

from wiki import pages
from wiki.db import db
from wiki.errors import CercleError, NotFound, ValidationError
from wiki.models import Page, User

from . import board, credentials
from .hub import Access, CollabHub, check_write, room_name

log = logging.getLogger(__name__)


class UnexpectedMessage(ValidationError):
    code = "unexpected"


class InternalError(CercleError):
    status = 500
    code = "internal"


def _refusal(error: CercleError) -> dict[str, Any]:
    db.session.rollback()
    payload = {"code": error.code, "message": error.message}
    log.info("Refusé à %s : %s", request.sid, error.code)
    emit("error", payload)
    return {"ok": False, "error": payload}


def _mapped_errors(handler: Callable[..., Any]) -> Callable[..., Any]:
    signature = inspect.signature(handler)

    @functools.wraps(handler)
    def wrapper(self: CollabNamespace, *args: Any) -> Any:
        try:
            signature.bind(self, *args)
        except TypeError:
            return _refusal(UnexpectedMessage(_l("Message inattendu pour cet événement.")))
        try:
            return handler(self, *args)
        except CercleError as error:
            return _refusal(error)
        except Exception:
            log.exception("Erreur en traitant %s de %s", handler.__name__, request.sid)
            return _refusal(InternalError(_l("Erreur du serveur : message ignoré.")))

    return wrapper


@_mapped_errors
def _unknown_event(_namespace: CollabNamespace, *_args: Any) -> dict[str, Any]:
    raise UnexpectedMessage(_l("Événement inconnu."))


def _page_id(value: Any) -> int:
    if isinstance(value, dict):
        value = value.get("page_id")
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValidationError(_l('Identifiant de page attendu : {"page_id": <nombre>}.'))
    return value


def _no_delay(environ: dict[str, Any]) -> None:
    """A binary Socket.IO event is two WebSocket frames; with Nagle's algorithm the second
    waits for the peer's delayed ACK (up to 40 ms). Measured: p99 109 ms → see bench."""
    sock = environ.get("werkzeug.socket") or environ.get("gunicorn.socket")
    if isinstance(sock, socket.socket) and sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def _recheck(user_id: int, page_id: int) -> Access:
    try:
        user, page = db.session.get(User, user_id), db.session.get(Page, page_id)
        if user is None or page is None or page.is_deleted:
            return Access(False, time.monotonic(), NotFound(_l("Cette page n'existe plus.")))
        return check_write(user, page)
    finally:
        # the handler then waits for its update to be stored: without its connection, or 30
        # waiting editors empty the pool the flusher needs to store (measured: a deadlock)
        db.session.close()


class CollabNamespace(Namespace):
    def __init__(self, namespace: str, hub: CollabHub, on_connect: Callable[[], None]) -> None:
        super().__init__(namespace)
        self.hub = hub
        self._started = on_connect

    def trigger_event(self, event: str, *args: Any) -> Any:
        if not hasattr(self, f"on_{event or ''}"):  # unknown: answered, not silently dropped
            return self.socketio._handle_event(
                functools.partial(_unknown_event, self), event, self.namespace, *args
            )
        return super().trigger_event(event, *args)

    def on_connect(self, auth: Any = None) -> None:
        user, credential = credentials.identify(auth)
        if user is None:
            raise ConnectionRefusedError(
                gettext("Connectez-vous (session ou jeton d'API) pour co-écrire.")
            )
        self._started()
        _no_delay(request.environ)
        self.hub.connect(request.sid, user, credential)

    def on_disconnect(self, *_args: Any) -> None:
        self.hub.disconnect(request.sid)

    @_mapped_errors
    def on_join(self, data: Any) -> dict[str, Any]:
        client = self.hub.client(request.sid)
        user = db.session.get(User, client.user_id)
        page = pages.get_page(user, _page_id(data))  # READ permission
        join_room(room_name(page.id))
        self.hub.join(request.sid, user, page)
        writable = self.hub.clients[request.sid].pages[page.id].writable
        return {"ok": True, "page_id": page.id, "writable": writable}

    @_mapped_errors
    def on_leave(self, data: Any) -> dict[str, Any]:
        page_id = _page_id(data)
        leave_room(room_name(page_id))
        self.hub.leave(request.sid, page_id)
        return {"ok": True}

    @_mapped_errors
    def on_yjs(self, page_id: Any, data: Any = None) -> dict[str, Any]:
        """Answered once the update is stored (``CollabHub.receive``)."""
        page_id = _page_id(page_id)
        if not isinstance(data, bytes | bytearray):
            raise ValidationError(_l("Message Yjs binaire attendu."))
        user_id = self.hub.client(request.sid).user_id
        self.hub.receive(request.sid, page_id, bytes(data), lambda: _recheck(user_id, page_id))
        return {"ok": True}

    @_mapped_errors
    def on_board(self, data: Any) -> dict[str, Any]:
        """A Métaplan intent (``collab.board``): answered once stored and broadcast."""
        return board.handle(self.hub, request.sid, data)
