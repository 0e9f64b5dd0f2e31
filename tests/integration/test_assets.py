"""Static files (wiki/assets.py): content-hashed names cached for a year, gzip when asked,
the plain names still served, and the committed .gz siblings never stale."""

from __future__ import annotations

import gzip
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask, render_template_string
from werkzeug.test import TestResponse

from app import create_app
from wiki.assets import EXTENSION_KEY, IMMUTABLE, Assets, asset_url
from wiki.db import Base, db

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "static"
HASHED_URL = re.compile(r"^/static/dist/editor\.([0-9a-f]{12})\.js$")


@pytest.fixture
def app(tmp_path) -> Iterator[Flask]:
    """SQLite only: serving static files reads no row (the 404 page does, a little)."""
    application = create_app(
        {
            "TESTING": True,
            "DATA_DIR": tmp_path / "data",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'test.db'}",
            "SECRET_KEY": "test-secret",
        }
    )
    with application.app_context():
        Base.metadata.create_all(db.engine)
        yield application
        db.engine.dispose()


def get(app: Flask, url: str, headers: dict[str, str] | None = None) -> TestResponse:
    """Read whole and closed (a streamed file left open is a ResourceWarning, an error here)."""
    return app.test_client().get(url, headers=headers or {}, buffered=True)


def own_static(app: Flask, folder: Path) -> None:
    """The app serves ``folder`` as its static/ (a fresh hash cache, as a new process has)."""
    app.static_folder = str(folder)
    app.extensions[EXTENSION_KEY] = Assets(folder)


def test_asset_url_names_the_file_by_its_content_hash(app: Flask) -> None:
    with app.test_request_context():
        url = asset_url("dist/editor.js")
    digest = hashlib.sha256((STATIC / "dist" / "editor.js").read_bytes()).hexdigest()[:12]
    assert HASHED_URL.match(url) and url == f"/static/dist/editor.{digest}.js"


def test_the_hash_changes_with_the_content(app: Flask, tmp_path: Path) -> None:
    folder = tmp_path / "static"
    (folder / "css").mkdir(parents=True)
    (folder / "css" / "a.css").write_text("body { color: red }")
    own_static(app, folder)
    with app.test_request_context():
        first = asset_url("css/a.css")
    (folder / "css" / "a.css").write_text("body { color: blue }")
    own_static(app, folder)  # a new release is a restart
    with app.test_request_context():
        second = asset_url("css/a.css")
    assert first != second
    assert get(app, first).status_code == 404  # the old bytes are gone
    response = get(app, second)
    assert response.status_code == 200 and response.data == b"body { color: blue }"


def test_a_hashed_name_is_immutable_and_gzipped_when_accepted(app: Flask) -> None:
    with app.test_request_context():
        url = asset_url("dist/editor.js")
    source = (STATIC / "dist" / "editor.js").read_bytes()
    packed = get(app, url, {"Accept-Encoding": "gzip, deflate, br"})
    assert packed.status_code == 200
    assert packed.headers["Cache-Control"] == IMMUTABLE
    assert packed.headers["Content-Encoding"] == "gzip"
    assert packed.headers["Vary"] == "Accept-Encoding"
    assert packed.mimetype == "text/javascript"
    assert gzip.decompress(packed.data) == source

    for refusal in ({}, {"Accept-Encoding": "identity"}, {"Accept-Encoding": "gzip;q=0, br"}):
        plain = get(app, url, refusal)
        assert plain.status_code == 200 and plain.data == source, refusal
        assert "Content-Encoding" not in plain.headers
        assert plain.headers["Vary"] == "Accept-Encoding"
        assert plain.headers["Cache-Control"] == IMMUTABLE


def test_a_file_without_a_gz_sibling_is_sent_as_is(app: Flask, tmp_path: Path) -> None:
    folder = tmp_path / "static"
    folder.mkdir()
    (folder / "tiny.svg").write_text("<svg/>")
    own_static(app, folder)
    with app.test_request_context():
        url = asset_url("tiny.svg")
    response = get(app, url, {"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and response.data == b"<svg/>"
    assert response.mimetype == "image/svg+xml" and "Content-Encoding" not in response.headers


def test_a_wrong_hash_or_a_way_out_is_not_found(app: Flask) -> None:
    for url in (
        "/static/dist/editor.000000000000.js",
        "/static/dist/editor.js.deadbeefcafe",
        "/static/../app.000000000000.py",
        "/static/dist/../../app.py",
        "/static/%2e%2e/app.py",
        "/static/dist/missing.js",
    ):
        assert get(app, url).status_code == 404, url
    digest = hashlib.sha256((ROOT / "app.py").read_bytes()).hexdigest()[:12]
    # even with the right hash, nothing outside static/ is served
    assert get(app, f"/static/../app.{digest}.py").status_code == 404
    assert get(app, f"/static/dist/../../app.{digest}.py").status_code == 404


def test_the_plain_name_is_still_served_with_a_short_cache(app: Flask) -> None:
    response = get(app, "/static/dist/editor.js")
    assert response.status_code == 200
    assert response.data == (STATIC / "dist" / "editor.js").read_bytes()
    assert "immutable" not in response.headers.get("Cache-Control", "")
    assert response.headers["ETag"]
    again = get(app, "/static/dist/editor.js", {"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_templates_name_static_files_only_through_asset_url(app: Flask) -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if re.search(r"url_for\(\s*['\"]static['\"]", path.read_text())
    ]
    assert offenders == []
    with app.test_request_context():
        html = render_template_string("{{ asset_url('css/cercle.css') }}")
    assert re.fullmatch(r"/static/css/cercle\.[0-9a-f]{12}\.css", html)


def test_every_committed_gz_is_its_source_compressed() -> None:
    packed = sorted(STATIC.rglob("*.gz"))
    assert packed, "npm run build writes them"
    for path in packed:
        source = path.with_name(path.name[: -len(".gz")])
        assert source.is_file(), f"{path}: its source is gone (npm run build removes it)"
        assert gzip.decompress(path.read_bytes()) == source.read_bytes(), (
            f"{path} is stale: npm run build"
        )
    for bundle in (STATIC / "dist").glob("*.js"):
        assert bundle.with_name(bundle.name + ".gz").is_file(), f"{bundle}: npm run build"
