"""A live Cercle (SQLite, demo space) on loopback, and Debian's Chromium through Playwright."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

import search
from app import create_app
from wiki import demo, migrate

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


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def live_config() -> dict:
    """Extra app settings for ``live_server``; a test module overrides this fixture."""
    return {}


@contextmanager
def serve(base: Path, config: dict | None = None, prepare=None) -> Iterator[str]:
    """A Cercle with the demo space in ``base`` on a free loopback port; yields its URL.

    ``prepare(app)`` runs in an app context after the demo is seeded (extra rows a test
    module needs, e.g. an invitation).
    """
    data_dir = base / "data"
    url = f"sqlite:///{base / 'browser.db'}"
    migrate.upgrade(url)
    app = create_app(
        {"DATA_DIR": data_dir, "DATABASE_URL": url, "SECRET_KEY": "browser-test", **(config or {})}
    )
    with app.app_context():
        demo.seed()
        if prepare is not None:
            prepare(app)
        assert search.flush(60)  # the demo is searchable before the first click
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


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
