"""Live co-editing of pages: Yjs documents over Socket.IO (namespace ``/collab``).

``init_app(app)`` binds a ``SocketIO`` to the app, registers the namespace, plugs the live
document into ``wiki.live`` (saves, restores and API writes go through it) and, on the first
connection, starts two threads: the flusher (store then broadcast, coalesced) and the
housekeeper (write-back, revisions, compaction, release). ``run(app)`` serves HTTP and
WebSockets (what ``python app.py`` does).

Several processes (``REDIS_URL``): the Socket.IO message queue carries emits between them and
``collab.docsync`` keeps their documents in step (``COLLAB_REDIS_CHANNEL`` prefixes both
channels, default ``cercle``); tested by ``tests/collab/test_multiprocess.py``.

Async mode: ``threading`` with simple-websocket. Measured with ``bench/collab.py`` (2 cores
shared with the load generator; figures, commands and profile in the bench docstring): 30
clients on one page p99 19 ms (Node reference 4 ms); 100 clients converged, p99 181-222 ms
(Node 32-87 ms), the server at 58-75 % of a core, most of it the fan-out (one queued send and
thread wake-up per client and flush).
Coalescing, not the async mode, decides whether 100 clients keep up, so threading is kept: no
monkey-patching (gevent), no deprecated library (eventlet 0.41 warns), same code under
``gunicorn -w 1 --threads 100``. gevent was not measured (not installed here).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from flask_socketio import SocketIO

from wiki import live
from wiki.db import db

from .docsync import RedisDocSync
from .hub import NAMESPACE, CollabHub, Settings
from .namespace import CollabNamespace
from .snapshot import Housekeeper
from .store import SqlUpdateStore

ASYNC_MODE = "threading"
EXTENSION_KEY = "cercle.collab"


@dataclass
class Collab:
    socketio: SocketIO
    hub: CollabHub
    housekeeper: Housekeeper
    _started: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> None:
        """Start the flusher and the housekeeper once (lazily: importing does nothing)."""
        if self._started:
            return
        with self._lock:
            if not self._started:
                self._started = True
                self.socketio.start_background_task(self.hub.flush_loop)
                self.socketio.start_background_task(self.housekeeper.run)

    def stop(self) -> None:
        self.hub.stopped.set()
        self.hub.wake()


def redis_channel(config: dict[str, Any]) -> str:
    """Prefix of the Redis channels (Socket.IO queue, document sync): processes of one
    deployment share it; parallel test runs on one Redis each pick their own."""
    return str(
        config.get("COLLAB_REDIS_CHANNEL") or os.environ.get("COLLAB_REDIS_CHANNEL") or "cercle"
    )


def init_app(app: Flask) -> Collab:
    settings = Settings.from_config(app.config)
    redis_url, channel = app.config.get("REDIS_URL"), redis_channel(app.config)
    socketio = SocketIO(
        app,
        async_mode=ASYNC_MODE,
        message_queue=redis_url,
        channel=f"{channel}:socketio",
        manage_session=False,
        # one client's events in order, in its socket's thread (no thread spawned per event)
        async_handlers=False,
        max_http_buffer_size=settings.max_update_bytes + 64 * 1024,
        logger=False,
        engineio_logger=False,
    )

    def emit(event: str, args: tuple[Any, ...], to: str, skip_sid: str | None) -> None:
        socketio.emit(event, args, to=to, namespace=NAMESPACE, skip_sid=skip_sid)

    with app.app_context():
        store = SqlUpdateStore(db.engine)
    hub = CollabHub(store, emit, settings)
    if redis_url:  # several processes: the queue carries emits, this carries the documents
        hub.replica = RedisDocSync(
            redis_url, f"{channel}:docs", hub, socketio.start_background_task, hub.stopped
        )
    collab = Collab(socketio, hub, Housekeeper(app, hub))
    socketio.on_namespace(CollabNamespace(NAMESPACE, hub, collab.start))

    def apply_text(page: Any, markdown: str, user: Any) -> bool:  # wiki.live.TextApplier
        changed = hub.apply_text(page, markdown, user)
        if changed:
            collab.start()
        return changed

    live.register(app, apply_text)
    app.extensions[EXTENSION_KEY] = collab
    return collab


def get(app: Flask) -> Collab:
    return app.extensions[EXTENSION_KEY]


def run(app: Flask, host: str, port: int) -> None:
    get(app).socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=True)
