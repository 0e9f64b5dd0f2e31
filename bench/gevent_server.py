"""Cercle under gevent, for measuring only (``bench/collab.py --async-mode gevent``).

    PORT=5000 .venv/bin/python bench/gevent_server.py

Monkey-patches first (threads → greenlets, ``threading.Lock``/``Event`` and ``time.sleep``
cooperative, sockets non-blocking), then does what ``python app.py`` does with
``COLLAB_ASYNC_MODE=gevent``: Flask-SocketIO serves it with gevent's pywsgi (and
gevent-websocket's handler when installed). Needs ``pip install gevent gevent-websocket``,
which are not project dependencies: see ``collab/__init__.py`` for why threading is kept.
"""

from gevent import monkey

monkey.patch_all()

import os  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ["COLLAB_ASYNC_MODE"] = "gevent"

import app  # noqa: E402

if __name__ == "__main__":
    app.main()
