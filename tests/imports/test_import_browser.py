"""The import page in Chromium, as a facilitator of the demo space: a zip in, the report
out, a refusal beside the field; desktop and phone (390 px) screenshots."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import (  # noqa: F401  (fixtures)
    browser_type_launch_args,
    live_config,
    live_server,
    sign_in,
)

from .conftest import make_zip, png

pytestmark = pytest.mark.browser
SPACE = "/s/cooperer-sur-le-territoire-accompagnement-dla"
SCREENSHOTS = Path(__file__).parents[1] / "browser" / "screenshots"  # ignored by git


@pytest.mark.parametrize("viewport", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_import_page(browser: Browser, live_server: str, viewport, tmp_path):  # noqa: F811
    width, height = viewport
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, live_server)
    page.goto(live_server + SPACE + "/importer")
    expect(page.get_by_role("heading", name="Importer des pages")).to_be_visible()

    bad = tmp_path / "pas-un-zip.zip"
    bad.write_bytes(b"bonjour")
    page.get_by_label("Archive .zip").set_input_files(str(bad))
    page.get_by_role("button", name="Importer").click()
    expect(page.locator("#e-file")).to_contain_text("pas une archive zip lisible")
    expect(page.get_by_label("Archive .zip")).to_have_attribute("aria-invalid", "true")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"import-refused-{width}.png"), full_page=True)

    notes = tmp_path / "notes.zip"
    notes.write_bytes(
        make_zip(
            {
                "Atelier/index.md": "# Atelier d'hiver\n\n![plan](plan.png)\n",
                "Atelier/Décisions.md": "Nous avons décidé.\n",
                "Atelier/plan.png": png(40, 20),
                "vieux.md": "Caf\xe9".encode("latin-1"),
            }
        ).getvalue()
    )
    page.get_by_label("Archive .zip").set_input_files(str(notes))
    page.get_by_role("button", name="Importer").click()
    report = page.locator("#rapport")
    expect(report).to_contain_text("2 pages importées")
    expect(report).to_contain_text("1 fichier importé")
    expect(page.locator(".import-warnings")).to_contain_text("« vieux.md » n'est pas enregistré")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(SCREENSHOTS / f"import-report-{width}.png"), full_page=True)
    page.get_by_role("link", name="Voir la première page importée").click()
    expect(page.get_by_role("heading", name="Atelier d'hiver", level=1)).to_be_visible()
    expect(page.locator("img[alt=plan]")).to_be_visible()
    assert errors == []
