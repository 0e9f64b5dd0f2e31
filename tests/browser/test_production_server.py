"""Live editing in Chromium against ``python app.py`` (gunicorn, production's server), under
the real CSP (``connect-src 'self'``): WebSocket transport, two editors, and a restart the
editors come back from."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import ServerProcess, serve_process, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]
EDIT = "/s/cooperer-sur-le-territoire-accompagnement-dla/p/bienvenue/modifier"
TEXT = "() => window.cercleEditor.ytext.toString()"
TRANSPORT = "() => window.cercleEditor.connection.socket.io.engine.transport.name"


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[ServerProcess]:
    with serve_process(tmp_path_factory.mktemp("gunicorn")) as running:
        yield running


def editor(browser: Browser, server: ServerProcess, role: str, problems: list[str]) -> Page:
    page = browser.new_context().new_page()  # CSP enforced (no bypass)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    sign_in(page, server.url, role)
    page.goto(server.url + EDIT)
    expect(page.locator("[data-live-status]")).to_have_text("en ligne")
    page.wait_for_function("() => window.cercleEditor && window.cercleEditor.connection.synced")
    return page


def test_live_editing_on_gunicorn_survives_a_restart(browser: Browser, server) -> None:
    problems: list[str] = []
    camille = editor(browser, server, "animateur·rice", problems)
    sami = editor(browser, server, "participant·e", problems)
    assert camille.evaluate(TRANSPORT) == "websocket"  # not long-polling: CSP let it through
    camille.locator(".cm-content").click()
    camille.keyboard.press("Control+Home")
    camille.keyboard.type("Sous gunicorn : ", delay=10)
    sami.wait_for_function(f"() => ({TEXT})().startsWith('Sous gunicorn : ')")

    assert server.stop() == 0  # with two editors connected
    for page in (camille, sami):
        expect(page.locator("[data-live-status]")).not_to_have_text("en ligne")
    server.start()
    for page in (camille, sami):
        expect(page.locator("[data-live-status]")).to_have_text("en ligne", timeout=30_000)
    sami.locator(".cm-content").click()
    sami.keyboard.press("Control+End")
    sami.keyboard.type(" Revenu.", delay=10)
    camille.wait_for_function(f"() => ({TEXT})().endsWith(' Revenu.')")
    assert camille.evaluate(TEXT).count("Sous gunicorn") == 1
    # Chromium's own lines for the reconnections tried while the server was away
    # (net::ERR_CONNECTION_REFUSED, _RESET) are not the page's errors
    assert [p for p in problems if "net::ERR_CONNECTION_" not in p] == []
    output = server.log.read_text()
    assert "Using worker: LiveWorker" in output and "development server" not in output
