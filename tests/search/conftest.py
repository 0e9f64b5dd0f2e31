"""Helpers for the search tests: pages and resources through the real services, a PDF."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest

import search
from search.backend import Filters
from search.query import parse
from wiki import pages, resources
from wiki.models import Page, Resource, Space, User


def pdf_bytes(text: str) -> bytes:
    """A minimal one-page PDF whose text (Latin-1, WinAnsi) pypdf can extract."""
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 12 Tf 72 720 Td ({escaped}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")  # BytesIO(initial) would start writing over it, at 0
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def found(user: User | None, text: str, **kwargs) -> list[str]:
    """Flush the indexer, search as ``user`` and return the hit titles."""
    assert search.flush(30)
    outcome = search.run_search(user, text, per_page=50, **kwargs)
    return [item.hit.title for item in outcome.items]


def backend_titles(text: str, space_ids: frozenset[int] | None = None) -> list[str]:
    assert search.flush(30)
    result = search.indexer().backend.search(parse(text), Filters(space_ids=space_ids), 1, 50)
    return [hit.title for hit in result.hits]


@pytest.fixture
def make_page(personas) -> Callable[..., Page]:
    def make(title: str, markdown: str = "", space: Space | None = None) -> Page:
        return pages.create_page(personas.facilitator, space or personas.space, title, markdown)

    return make


@pytest.fixture
def add_file(app, personas) -> Callable[..., Resource]:
    def add(filename: str, data: bytes, title: str = "", space: Space | None = None) -> Resource:
        return resources.add_file(
            personas.facilitator,
            space or personas.space,
            filename=filename,
            stream=io.BytesIO(data),
            title=title,
            max_bytes=app.config["UPLOAD_MAX_BYTES"],
            upload_dir=app.config["UPLOAD_DIR"],
        )

    return add
