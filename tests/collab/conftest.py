"""A real Cercle server process on loopback (SQLite file), with personas and API tokens."""

from __future__ import annotations

import gc
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pycrdt import Doc, Text

import collab
from app import create_app
from tests.server_logs import without_library_races
from wiki import accounts, migrate, pages
from wiki.db import db
from wiki.models import Membership, Page, Space

ROOT = Path(__file__).resolve().parents[2]
SEED_TEXT = "# Fiche statut\n\nBonjour à toutes et à tous.\n"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LiveServer:
    data_dir: Path
    db_url: str
    port: int
    env_extra: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    page_id: int = 0
    proc: subprocess.Popen | None = None
    log_path: Path | None = None
    _app: Any = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = {
            **os.environ,
            "CERCLE_DATA_DIR": str(self.data_dir),
            "DATABASE_URL": self.db_url,
            "PORT": str(self.port),
            "SECRET_KEY": "collab-test",
            **self.env_extra,
        }
        self.log_path = self.data_dir / f"server-{time.monotonic_ns()}.log"
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log, stderr=log
            )
        deadline = time.monotonic() + 60  # a loaded 2-core machine imports slowly
        while time.monotonic() < deadline and self.proc.poll() is None:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError(f"le serveur ne répond pas : {self.log_path.read_text()[-2000:]}")

    def log(self) -> str:
        """The server's output, without engineio's known close race on an ended WebSocket."""
        assert self.log_path is not None
        return without_library_races(self.log_path.read_text())

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc is not None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=10)
            self.proc = None

    def app(self):
        """An app on the server's database, for reading it from the test (made once)."""
        if self._app is None:
            self._app = create_app(
                {
                    "DATA_DIR": self.data_dir,
                    "DATABASE_URL": self.db_url,
                    "SECRET_KEY": "collab-test",
                }
            )
        return self._app

    def stored_text(self) -> tuple[str, str]:
        """(text of the stored update log, Page.markdown), read from the database."""
        from collab.store import SqlUpdateStore

        app = self.app()
        with app.app_context():
            updates, _ = SqlUpdateStore(db.engine).load(self.page_id)
            doc = Doc()
            for update in updates:
                doc.apply_update(update)
            markdown = db.session.get(Page, self.page_id).markdown
            db.engine.dispose()
        return str(doc.get("content", type=Text)), markdown

    def stored_doc(self) -> Doc:
        from collab.store import SqlUpdateStore

        app = self.app()
        with app.app_context():
            updates, _ = SqlUpdateStore(db.engine).load(self.page_id)
            db.engine.dispose()
        doc = Doc()
        for update in updates:
            doc.apply_update(update)
        return doc


def _seed(server: LiveServer) -> None:
    app = server.app()
    with app.app_context():
        people = {
            role: accounts.create_user(f"{role}@collab.test", name, "mdp-test-12345")
            for role, name in (
                ("facilitator", "Camille Animatrice"),
                ("participant", "Sami Participant"),
                ("reader", "Dominique Lectrice"),
            )
        }
        space = Space(slug="module", title="Module statuts")
        db.session.add(space)
        db.session.flush()
        for role, user in people.items():
            db.session.add(Membership(space_id=space.id, user_id=user.id, role=role))
        db.session.commit()
        page = pages.create_page(people["facilitator"], space, "Fiche statut", SEED_TEXT)
        server.page_id = page.id
        server.tokens = {role: accounts.create_token(user) for role, user in people.items()}
        db.engine.dispose()


@pytest.fixture
def live_collab(tmp_path) -> Iterator[LiveServer]:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    url = f"sqlite:///{tmp_path / 'collab.db'}"
    migrate.upgrade(url)
    server = LiveServer(data_dir, url, free_port(), {"COLLAB_RELEASE_SECONDS": "600"})
    _seed(server)
    server.start()
    try:
        yield server
    finally:
        if server.proc:
            server.stop(signal.SIGKILL)
        gc.collect()  # python-engineio clients left sockets to the GC: collect them here


@pytest.fixture
def live_db(tmp_path, database_url) -> Iterator[LiveServer]:
    """A real server process, like ``live_collab``, on SQLite and on PostgreSQL."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    migrate.upgrade(database_url)
    server = LiveServer(data_dir, database_url, free_port(), {"COLLAB_RELEASE_SECONDS": "600"})
    _seed(server)
    try:
        yield server
    finally:
        if server.proc:
            server.stop(signal.SIGKILL)
        gc.collect()


@pytest.fixture(autouse=True)
def _no_collab_threads(request) -> None:
    """In-process tests drive the hub and the housekeeper themselves: no flusher or
    housekeeper thread, which would outlive the test's database (and log about it)."""
    if "app" in request.fixturenames:
        collab.get(request.getfixturevalue("app"))._started = True
