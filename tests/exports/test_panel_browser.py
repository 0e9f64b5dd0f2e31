"""The exports panel in a browser: click "PDF", watch the progress bar, download the file."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    browser_type_launch_args,  # noqa: F401  (a fixture)
    collect_errors,
    serve,
    sign_in,
)
from tests.browser.conftest import screenshot_dir as _screenshot_dir

screenshot_dir = _screenshot_dir  # the fixture, under its name

pytestmark = pytest.mark.browser
SPACE = "/s/cooperer-sur-le-territoire-accompagnement-dla"


@pytest.fixture
def exporting_server(tmp_path):
    # the runner thread starts with the first request and runs each job in a worker process
    with serve(tmp_path, {"EXPORT_RUNNER": True, "SEARCH_BACKEND": "memory"}) as url:
        yield url


def test_pdf_export_from_the_panel(page, exporting_server, screenshot_dir):
    errors = collect_errors(page)
    sign_in(page, exporting_server)
    page.goto(exporting_server + SPACE + "/exports")
    page.get_by_role("button", name="PDF").click()
    job = page.locator("[data-export-job]").first
    expect(job).to_be_visible()
    link = job.get_by_role("link", name="Télécharger")
    expect(link).to_be_visible(timeout=90_000)
    expect(job.locator("progress")).to_have_count(0)
    sha = job.locator(".export-sha code").inner_text()
    assert len(sha) == 64
    page.screenshot(path=str(screenshot_dir / "exports-panel-desktop.png"), full_page=True)
    with page.expect_download() as info:
        link.click()
    body = Path(info.value.path()).read_bytes()
    assert body.startswith(b"%PDF") and hashlib.sha256(body).hexdigest() == sha
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.screenshot(path=str(screenshot_dir / "exports-panel-phone.png"), full_page=True)
    page.goto(exporting_server + SPACE + "/memoire/apercu")
    expect(page.get_by_role("heading", name="Sommaire")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "print-preview-phone.png"))
    assert errors == []
