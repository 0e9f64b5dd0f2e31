"""Live co-editing of pages: Yjs documents over Socket.IO (namespace ``/collab``).

``init_app(app)`` binds a ``SocketIO`` to the app, registers the namespace, plugs the live
document into ``wiki.live`` (saves, restores and API writes go through it) and, on the first
connection, starts two threads: the flusher (store then broadcast, coalesced) and the
housekeeper (write-back, revisions, compaction, release). ``run(app)`` serves HTTP and
WebSockets (what ``python app.py`` does).

Several processes (``REDIS_URL``): the Socket.IO message queue carries emits between them and
``collab.docsync`` keeps their documents in step (``COLLAB_REDIS_CHANNEL`` prefixes both
channels, default ``cercle``); tested by ``tests/collab/test_multiprocess.py``.

Async mode: ``threading`` with simple-websocket (``COLLAB_ASYNC_MODE``, default ``threading``;
``gevent`` only through ``bench/gevent_server.py``, for measuring). Threading is kept: its
latency was as good or better than gevent's in the measured runs, with no monkey-patching,
no extra dependency and the same code under ``gunicorn -w 1 --threads 100``; the figures and
how to reproduce them are in ``bench/collab.py`` and ``bench/README.md``.
"""

from __future__ import annotations

import os
import sys
import threading
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app, has_app_context
from flask_socketio import SocketIO

from wiki import events, live
from wiki.db import db

from . import archived, board, results
from .docsync import RedisDocSync
from .hub import NAMESPACE, CollabHub, Settings
from .namespace import CollabNamespace
from .revocation import Revocations
from .snapshot import Housekeeper
from .store import SqlUpdateStore

ASYNC_MODE = "threading"  # the default; COLLAB_ASYNC_MODE=gevent is for measuring
ASYNC_MODES = ("threading", "gevent")
EXTENSION_KEY = "cercle.collab"


@dataclass
class Collab:
    socketio: SocketIO
    hub: CollabHub
    housekeeper: Housekeeper
    _started: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)
    #: signal handlers, kept alive here (blinker holds them weakly)
    handlers: list[Any] = field(default_factory=list)
    revocations: Revocations | None = None

    def start(self) -> None:
        """Start the flusher and the housekeeper once (lazily: importing does nothing)."""
        self.housekeeper.catch_up()
        if self._started:
            return
        with self._lock:
            if not self._started:
                self._started = True
                if self.revocations is not None:
                    self.revocations.start()
                self.socketio.start_background_task(self.hub.flush_loop)
                self.socketio.start_background_task(self.housekeeper.run)

    def stop(self) -> None:
        self.hub.stopped.set()
        self.hub.wake()


def _whole_packets(server: Any) -> None:
    """A binary event is two Engine.IO frames (header, attachment) queued one after the other,
    and python-socketio (5.18) queues them without a lock. Two threads sending to one client
    (the flusher's broadcast, a handler's answer, the message queue's listener, a join
    relaying missed rows) then interleave them: the client reads an attachment as a packet
    header (ValueError in its decoder), drops the update, and every later update of that
    typist stays pending in its document (the same race in python-socketio's threaded
    client did exactly that behind nginx, tests/collab/yclient.py). One lock per process
    keeps each packet's frames together (queueing them takes microseconds)."""
    send = server._send_packet
    lock = threading.Lock()

    def send_whole(eio_sid: str, packet: Any) -> None:
        with lock:
            send(eio_sid, packet)

    server._send_packet = send_whole


def redis_channel(config: dict[str, Any]) -> str:
    """Prefix of the Redis channels (Socket.IO queue, document sync): processes of one
    deployment share it; parallel test runs on one Redis each pick their own."""
    return str(
        config.get("COLLAB_REDIS_CHANNEL") or os.environ.get("COLLAB_REDIS_CHANNEL") or "cercle"
    )


def async_mode(config: dict[str, Any]) -> str:
    """``COLLAB_ASYNC_MODE`` (config, else environment), ``threading`` by default. ``gevent``
    only in a process monkey-patched before any import (``bench/gevent_server.py``): the
    hub's locks, events and sleeps must yield to the other greenlets, not block them all."""
    mode = str(config.get("COLLAB_ASYNC_MODE") or os.environ.get("COLLAB_ASYNC_MODE") or ASYNC_MODE)
    if mode not in ASYNC_MODES:
        raise ValueError(f"COLLAB_ASYNC_MODE={mode!r}: expected one of {', '.join(ASYNC_MODES)}")
    monkey = sys.modules.get("gevent.monkey")
    if mode == "gevent" and not (monkey and monkey.is_module_patched("threading")):
        raise RuntimeError(
            "COLLAB_ASYNC_MODE=gevent needs gevent.monkey.patch_all() before any other import "
            "(see bench/gevent_server.py)"
        )
    return mode


def init_app(app: Flask) -> Collab:
    settings = Settings.from_config(app.config)
    redis_url, channel = app.config.get("REDIS_URL"), redis_channel(app.config)
    socketio = SocketIO(
        app,
        async_mode=async_mode(app.config),
        message_queue=redis_url,
        channel=f"{channel}:socketio",
        manage_session=False,
        # one client's events in order, in its socket's thread (no thread spawned per event)
        async_handlers=False,
        max_http_buffer_size=settings.max_update_bytes + 64 * 1024,
        logger=False,
        engineio_logger=False,
    )

    _whole_packets(socketio.server)

    def emit(event: str, args: tuple[Any, ...], to: str, skip_sid: str | None) -> None:
        socketio.emit(event, args, to=to, namespace=NAMESPACE, skip_sid=skip_sid)

    with app.app_context():
        store = SqlUpdateStore(db.engine)
    hub = CollabHub(store, emit, settings)
    if redis_url:  # several processes: the queue carries emits, this carries the documents
        node_ttl = app.config.get("COLLAB_NODE_TTL", os.environ.get("COLLAB_NODE_TTL", 4))
        hub.replica = RedisDocSync(
            redis_url,
            f"{channel}:docs",
            hub,
            socketio.start_background_task,
            hub.stopped,
            node_ttl_s=float(node_ttl),  # a dead process's cursors go after this long
        )
    collab = Collab(socketio, hub, Housekeeper(app, hub))
    socketio.on_namespace(CollabNamespace(NAMESPACE, hub, collab.start))
    board.init_app(app, hub, collab.housekeeper)  # Métaplan intents from HTTP and the demo
    # /results: questionnaires' live wall
    _, results_namespace = results.init_app(app, socketio, collab.start)

    def apply_text(page: Any, markdown: str, user: Any) -> bool:  # wiki.live.TextApplier
        changed = hub.apply_text(page, markdown, user)
        if changed:
            collab.start()
        return changed

    live.register(app, apply_text, hub.live_text, hub.take_authors)
    archived.init_app(app, hub, socketio, collab.handlers)  # archived: read-only at once
    _close_on_revocation(app, collab, results_namespace, redis_url, f"{channel}:revocations")
    # the first request of a process waits for pages a crash left behind their live text
    app.before_request(collab.housekeeper.catch_up)
    app.extensions[EXTENSION_KEY] = collab
    return collab


def _close_on_revocation(
    app: Flask,
    collab: Collab,
    results_namespace: results.ResultsNamespace,
    redis_url: str | None,
    channel: str,
) -> None:
    """A revoked API token, an ended sign-in session: the connections opened with it, on
    both namespaces and in every process, are closed at once (``collab.revocation``)."""
    server = collab.socketio.server

    def close_local(token_id: int | None, session_ids: frozenset[int]) -> None:
        for sid in collab.hub.sids_of(token_id=token_id, session_ids=session_ids):
            server.disconnect(sid, namespace=NAMESPACE)
        for sid in results_namespace.sids_of(token_id, session_ids):
            server.disconnect(sid, namespace=results.NAMESPACE)

    collab.revocations = Revocations(
        close_local, redis_url, channel, collab.socketio.start_background_task, collab.hub.stopped
    )

    def ours() -> bool:  # tests build many apps in one process: not another app's event
        return not has_app_context() or current_app._get_current_object() is app

    def on_revoked(_sender: Any, token_id: int, **_extra: Any) -> None:
        if ours():
            collab.revocations.revoked(token_id=token_id)

    def on_sessions_ended(_sender: Any, session_ids: list[int], **_extra: Any) -> None:
        if ours():
            collab.revocations.revoked(session_ids=frozenset(session_ids))

    collab.handlers += [on_revoked, on_sessions_ended]
    events.token_revoked.connect(on_revoked)
    events.sessions_ended.connect(on_sessions_ended)


def get(app: Flask) -> Collab:
    return app.extensions[EXTENSION_KEY]


def run(app: Flask, host: str, port: int) -> None:
    socketio = get(app).socketio
    if socketio.async_mode == "threading":  # Werkzeug's server (gunicorn for production)
        socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=True)
    else:  # gevent's pywsgi, with gevent-websocket's handler when installed
        socketio.run(app, host=host, port=port)
