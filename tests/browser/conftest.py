"""A live Cercle (SQLite, demo space) on loopback, and Debian's Chromium through Playwright."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

import search
from app import create_app
from wiki import demo, migrate
from wiki.db import db

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).parent / "screenshots"
ROOT = Path(__file__).resolve().parents[2]
SECRET = "browser-test"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def live_config() -> dict:
    """Extra app settings for ``live_server``; a test module overrides this fixture."""
    return {}


def seeded_app(base: Path, config: dict | None = None, prepare=None) -> Flask:
    """A Cercle with the demo space in ``base`` (SQLite, data folder), its index written.

    ``prepare(app)`` runs in an app context after the demo is seeded (extra rows a test
    module needs, e.g. an invitation).
    """
    url = f"sqlite:///{base / 'browser.db'}"
    migrate.upgrade(url)
    app = create_app(
        {"DATA_DIR": base / "data", "DATABASE_URL": url, "SECRET_KEY": SECRET, **(config or {})}
    )
    with app.app_context():
        demo.seed()
        if prepare is not None:
            prepare(app)
        assert search.flush(60)  # the demo is searchable before the first click
    return app


@contextmanager
def serve(base: Path, config: dict | None = None, prepare=None) -> Iterator[str]:
    """That Cercle served in this process (Werkzeug, a thread) on a free port; yields its URL."""
    app = seeded_app(base, config, prepare)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


class ServerProcess:
    """That Cercle served by ``python app.py`` (gunicorn, as in production) in a child."""

    def __init__(self, base: Path) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.base, self.url = base, f"http://127.0.0.1:{self.port}"
        self.log = base / "server.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        env = {
            **os.environ,
            "CERCLE_DATA_DIR": str(self.base / "data"),
            "DATABASE_URL": f"sqlite:///{self.base / 'browser.db'}",
            "SECRET_KEY": SECRET,
            "PORT": str(self.port),
        }
        env.pop("GUNICORN_CMD_ARGS", None)
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "app.py"], cwd=ROOT, env=env, stdout=out, stderr=out
            )
        deadline = time.monotonic() + 60  # a loaded 2-core machine imports slowly
        while not self._answers():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"python app.py does not answer:\n{self.log.read_text()}")
            time.sleep(0.05)

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + "/connexion", timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    def stop(self) -> int:
        """SIGTERM, as systemd sends; the exit status."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise
        finally:
            self.proc.wait()


@contextmanager
def serve_process(base: Path, prepare=None) -> Iterator[ServerProcess]:
    app = seeded_app(base, prepare=prepare)
    with app.app_context():
        db.engine.dispose()  # the child process writes from now on
    server = ServerProcess(base)
    server.start()
    try:
        yield server
    finally:
        if server.proc is not None and server.proc.poll() is None:
            server.stop()


@pytest.fixture
def live_server(tmp_path, live_config) -> Iterator[str]:
    with serve(tmp_path, live_config) as url:
        yield url


@pytest.fixture
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS


def collect_errors(page) -> list[str]:
    """The page's uncaught script errors, collected as they happen (tests assert none)."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def sign_in(
    page, base_url: str, role: str = "animateur·rice", login: tuple[str, str] | None = None
) -> None:
    """Sign in as a demo account (its role), or with ``login`` (e-mail, password)."""
    email, password = login or demo.logins()[role]
    page.goto(f"{base_url}/connexion")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{base_url}/")
