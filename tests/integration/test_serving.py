"""``python app.py`` serves with gunicorn (production's server), live editing included, and
stops cleanly: SIGTERM or Ctrl-C with an editor connected ends it quickly, exit hooks run
(the search index has the last save)."""

from __future__ import annotations

import gc
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import socketio

import search
from app import create_app
from tests.server_logs import without_library_races
from wiki import accounts, demo, migrate
from wiki.db import db
from wiki.models import Page

pytestmark = [
    pytest.mark.slow,
    # python-engineio's client leaves its socket to the GC when the server closes it
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]
ROOT = Path(__file__).resolve().parents[2]
WORD = "zorglubesque"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout  # a loaded 2-core machine imports slowly
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def answers(url: str) -> bool:
    try:
        return requests.get(url + "/connexion", timeout=2).status_code == 200
    except requests.ConnectionError:
        return False


@pytest.fixture
def site(tmp_path) -> dict:
    config = {
        "DATA_DIR": tmp_path / "data",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
        "SECRET_KEY": "serving-test",
    }
    migrate.upgrade(config["DATABASE_URL"])
    app = create_app(config)
    with app.app_context():
        demo.seed()
        assert search.flush(60)
        facilitator = accounts.find_by_email(demo.logins()["animateur·rice"][0])
        token = accounts.create_token(facilitator)
        page_id = db.session.query(Page.id).filter_by(slug="bienvenue").scalar()
        db.engine.dispose()
    return {"config": config, "token": token, "page_id": page_id, "email": facilitator.email}


def start(site: dict, port: int, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "CERCLE_DATA_DIR": str(site["config"]["DATA_DIR"]),
        "DATABASE_URL": site["config"]["DATABASE_URL"],
        "SECRET_KEY": "serving-test",
        "PORT": str(port),
    }
    env.pop("GUNICORN_CMD_ARGS", None)
    with open(log, "wb") as out:
        # its own process group, so "Ctrl-C" reaches master and worker as in a terminal
        return subprocess.Popen(
            [sys.executable, "app.py"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=out,
            start_new_session=True,
        )


@pytest.mark.parametrize("stop", ["SIGTERM", "Ctrl-C"])
def test_python_app_py_is_gunicorn_and_stops_cleanly(site, tmp_path, stop) -> None:
    port, log = free_port(), tmp_path / "server.log"
    url = f"http://127.0.0.1:{port}"
    proc = start(site, port, log)
    sio = socketio.Client(reconnection=False)
    try:
        wait_for(lambda: answers(url) or proc.poll() is not None, "the server to answer")
        assert proc.poll() is None, log.read_text()
        assert requests.get(url + "/connexion", timeout=5).headers["Server"].startswith("gunicorn")

        sio.connect(
            url,
            namespaces=["/collab"],
            transports=["websocket"],
            auth={"token": site["token"]},
            wait_timeout=10,
        )
        assert sio.connected and "/collab" in sio.namespaces
        saved = requests.put(
            f"{url}/api/v1/pages/{site['page_id']}",
            json={"markdown": f"Bienvenue, {WORD} !"},
            headers={"Authorization": f"Bearer {site['token']}"},
            timeout=10,
        )
        assert saved.status_code == 200, saved.text

        stopping = time.monotonic()
        if stop == "SIGTERM":
            proc.send_signal(signal.SIGTERM)  # what systemd and the tests send
        else:
            os.killpg(proc.pid, signal.SIGINT)  # what a terminal sends to the whole group
        assert proc.wait(timeout=20) == 0
        took = time.monotonic() - stopping
        wait_for(lambda: not sio.connected, "the live connection to close", timeout=10)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        sio.disconnect()
        gc.collect()  # python-engineio's client left its socket to the GC: collect it here

    output = without_library_races(log.read_text())
    assert "Starting gunicorn" in output and "Using worker: LiveWorker" in output
    assert "development server" not in output and "Bad request syntax" not in output
    assert "SIGKILL" not in output and "Traceback" not in output, output
    assert took < 8, f"{took:.1f} s to stop with an editor connected\n{output}"

    app = create_app(site["config"])  # the worker's exit hook wrote the last save
    with app.test_request_context():
        from search.service import run_search

        found = run_search(accounts.find_by_email(site["email"]), WORD)
        db.engine.dispose()
    assert found.total == 1, output
