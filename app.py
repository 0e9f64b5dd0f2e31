"""Cercle: ``create_app(config=None)``; ``python app.py`` serves on 127.0.0.1:$PORT.

``python app.py`` is production's server: gunicorn, one process, 100 threads (gthread, so
Socket.IO's WebSockets work), with ``LiveWorker``. ``GUNICORN_CMD_ARGS`` adds gunicorn
options (``--access-logfile -``, ``--threads 200``…). ``COLLAB_ASYNC_MODE=gevent``
(``bench/gevent_server.py``, for measuring) keeps Flask-SocketIO's gevent server.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys
import threading
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.workers.gthread import ThreadWorker
from werkzeug.middleware.proxy_fix import ProxyFix

import collab
import search
import wiki

log = logging.getLogger(__name__)
THREADS = 100
PR_SET_PDEATHSIG = 1  # linux/prctl.h


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, template_folder="templates", static_folder="static")
    app.config.from_mapping(wiki.config.from_environment(config))
    wiki.init_app(app)
    search.init_app(app)
    collab.init_app(app)
    hops = int(app.config.get("PROXY_HOPS") or 0)
    if hops:  # outermost, so Socket.IO's middleware sees the client's address and scheme too
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    return app


class LiveWorker(ThreadWorker):
    """gunicorn's gthread worker that closes the live connections when told to stop.

    Each open editor holds a WebSocket, and so a thread, until it closes: without this a stop
    waits out ``graceful_timeout`` and the worker is killed before its exit hooks run (the
    search index writes its queue at exit).
    """

    def handle_exit(self, sig, frame) -> None:  # SIGTERM: stop accepting, finish, exit
        super().handle_exit(sig, frame)
        self._close_live_connections(wait=False)

    def handle_quit(self, sig, frame) -> None:  # SIGINT (Ctrl-C), SIGQUIT: exit now
        # Ctrl-C reaches the worker, then the master's SIGQUIT follows: exit once, or the
        # second SystemExit lands in the exit hooks and cuts them short
        if getattr(self, "_quitting", False):
            return
        self._quitting = True
        self._close_live_connections(wait=True)
        super().handle_quit(sig, frame)

    def _close_live_connections(self, wait: bool) -> None:
        # off the signal handler: closing takes locks the interrupted code may hold
        app = getattr(self, "wsgi", None)
        if app is None or getattr(self, "_closing", None) is not None:
            return
        self._closing = threading.Thread(
            target=_disconnect_all, args=(app,), name="cercle-stop", daemon=True
        )
        self._closing.start()
        if wait:
            self._closing.join(5)


def _disconnect_all(app: Flask) -> None:
    """Drop each connection as a crash would (no Socket.IO "disconnect" packet, which tells a
    client not to come back): the browsers see the transport close and reconnect."""
    try:
        eio = collab.get(app).socketio.server.eio
        for client in list(eio.sockets.values()):
            client.close(wait=False, abort=True)
    except Exception:  # stopping anyway: say why the worker may take longer
        log.exception("closing the live connections failed")


def _die_with_the_master(_server, _worker) -> None:
    """A master killed outright (SIGKILL, OOM) takes its worker with it, as one process would,
    instead of leaving it serving on the port."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


class Server(BaseApplication):
    """gunicorn run from Python: the app is built in the worker, after the fork."""

    def __init__(self, factory, options: dict[str, Any]) -> None:
        self.factory, self.options = factory, options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)
        extra = self.cfg.parser().parse_args(self.cfg.get_cmd_args_from_env())
        for key, value in vars(extra).items():
            if value is not None and key != "args":
                self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.factory()


def serve(host: str, port: int) -> None:
    options = {
        "bind": f"{host}:{port}",
        "workers": 1,  # one process: the live documents live in it (REDIS_URL for more)
        "threads": THREADS,
        "worker_class": LiveWorker,
        "post_fork": _die_with_the_master,
        # no control socket in $HOME: several Cercle processes (tests, benches) would share it
        "control_socket_disable": True,
        # the app refuses over-long addresses and headers itself (wiki/web.py), in the
        # reader's words and as JSON under /api; gunicorn's own limits (4094-byte line) would
        # answer first with its bare page, and cut a long pasted search that the app shortens
        "limit_request_line": 0,
        "limit_request_field_size": 64 * 1024,
        "limit_request_fields": 1000,
    }
    Server(create_app, options).run()


def main() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    port = int(os.environ.get("PORT", "5000"))
    if collab.async_mode({}) == "gevent":  # measuring only: Flask-SocketIO's gevent server
        collab.run(create_app(), host="127.0.0.1", port=port)
    else:
        serve("127.0.0.1", port)


if __name__ == "__main__":
    main()
