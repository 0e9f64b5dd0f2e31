"""Plain text out of uploaded files, for the index: PDF (pypdf), text, office documents.

Never raises: a file that cannot be read (damaged, encrypted, scanned images only, an
unknown type) gives ``""`` and the resource is indexed by its title and description.
Limits keep a hostile file from eating the indexing thread: pages, characters, and the
uncompressed size read from an office archive.
"""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO
from xml.etree.ElementTree import iterparse

log = logging.getLogger(__name__)

TEXT_MAX = 1_000_000
PDF_PAGES_MAX = 500
XML_BYTES_MAX = 30 * 1024 * 1024

TEXT_TYPES = frozenset({"text/plain", "text/markdown", "text/csv"})
PDF_TYPE = "application/pdf"
_OOXML = "application/vnd.openxmlformats-officedocument."
_ODF = "application/vnd.oasis.opendocument."
#: zip members holding the text, by the start of their name
_OFFICE_PARTS = ("word/document.xml", "ppt/slides/slide", "xl/sharedStrings.xml", "content.xml")
_BLOCKS = frozenset({"p", "h", "si"})


class _Limited:
    """A read-only stream that stops after ``limit`` bytes (zip bombs)."""

    def __init__(self, raw: IO[bytes], limit: int) -> None:
        self.raw, self.left = raw, limit

    def read(self, size: int = -1) -> bytes:
        if self.left <= 0:
            raise ValueError("XML part too large")
        size = self.left if size is None or size < 0 else min(size, self.left)
        data = self.raw.read(size)
        self.left -= len(data)
        return data


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    reader = PdfReader(path)
    if reader.is_encrypted:
        reader.decrypt("")
    parts: list[str] = []
    size = 0
    for page in reader.pages[:PDF_PAGES_MAX]:
        text = page.extract_text() or ""
        parts.append(text)
        size += len(text)
        if size >= TEXT_MAX:
            break
    return "\n".join(parts)


def _xml_blocks(stream: IO[bytes]) -> Iterator[str]:
    for _event, element in iterparse(_Limited(stream, XML_BYTES_MAX), events=("end",)):
        if element.tag.rsplit("}", 1)[-1] in _BLOCKS:
            text = "".join(element.itertext()).strip()
            if text:
                yield text
            element.clear()


def _office_text(path: Path) -> str:
    parts: list[str] = []
    with zipfile.ZipFile(path) as archive:
        names = sorted(n for n in archive.namelist() if n.startswith(_OFFICE_PARTS))
        for name in names:
            with archive.open(name) as stream:
                parts.extend(_xml_blocks(stream))
            if sum(map(len, parts)) >= TEXT_MAX:
                break
    return "\n".join(parts)


def _plain_text(path: Path) -> str:
    with open(path, "rb") as handle:
        data = handle.read(TEXT_MAX * 2)
    return data.decode("utf-8", errors="replace")


def _reader_for(mime_type: str):
    if mime_type == PDF_TYPE:
        return _pdf_text
    if mime_type in TEXT_TYPES:
        return _plain_text
    if mime_type.startswith((_OOXML, _ODF)):
        return _office_text
    return None


def extract_text(path: Path | None, mime_type: str | None) -> str:
    """The text of the file, at most ``TEXT_MAX`` characters; ``""`` when unreadable."""
    reader = _reader_for(mime_type or "")
    if path is None or reader is None:
        return ""
    try:
        return reader(Path(path))[:TEXT_MAX]
    except Exception:  # damaged or hostile files must not stop the indexing
        log.warning("could not extract text from %s (%s)", path, mime_type, exc_info=True)
        return ""
