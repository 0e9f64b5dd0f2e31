"""The static site built from the small sample space of ``tests/imports`` (plus a second
fiche statut, so there is a comparison table), unzipped; Debian's Chromium for the browser
test, launched as ``tests/browser/conftest.py`` does."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.imports.conftest import Sample, app_config, sample  # noqa: F401  (fixtures)
from wiki import export_site, page_kinds, pages
from wiki.memoire import ItemRef, whole_space

SCREENSHOTS = Path(__file__).parents[1] / "browser" / "screenshots"  # ignored by git


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def site_sample(personas, sample: Sample) -> Sample:  # noqa: F811
    asso = page_kinds.create(
        personas.participant,
        sample.space,
        "fiche_statut",
        "Fiche association",
        choice="association",
    )
    text = asso.markdown.replace(
        "## Finalité et objet\n", "## Finalité et objet\n\nUne association **coopérative**.\n", 1
    )
    pages.update_page(personas.participant, asso, markdown=text)
    return sample


def build_site(made: Sample, tmp_path: Path, items: list[ItemRef] | None = None) -> Path:
    """The site's folder, unzipped in ``tmp_path``."""
    out = tmp_path / "site.zip"
    seen: list[int] = []
    export_site.build(made.space, items or whole_space(made.space), out, seen.append)
    assert seen[0] == 0 and seen[-1] == 100 and seen == sorted(seen)
    with zipfile.ZipFile(out) as zf:
        zf.extractall(tmp_path / "site")
    return tmp_path / "site" / f"{made.space.slug}-site"
