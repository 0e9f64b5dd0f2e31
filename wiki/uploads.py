"""Uploaded files: recognise the type from the content, then store under a generated name.

Nothing the person sends decides where a file lands or how it is served: the bytes are
copied to a temporary file in the space's folder, their type is recognised from the
content (magic bytes, inner zip entries), and only then renamed to
``<32 hex digits>.<extension of the detected type>``. The original file name is kept
as display text only (``clean_filename``), its extension made to follow the detected
type (``served_name``).

This module knows nothing about Flask or the database; ``wiki.resources`` drives it.
"""

from __future__ import annotations

import codecs
import logging
import os
import re
import secrets
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from flask_babel import lazy_gettext as _l

from .errors import PayloadTooLarge, ValidationError

log = logging.getLogger(__name__)

CHUNK = 64 * 1024
FILENAME_MAX = 255
STORED_NAME = re.compile(r"^[0-9a-f]{32}\.[a-z0-9]{2,5}$")
REJECTED = _l(
    "Ce type de fichier n'est pas accepté. Formats possibles : PDF, images (PNG, JPEG, GIF, "
    "WebP), documents bureautiques (Word, Excel, PowerPoint, LibreOffice) et textes "
    "(TXT, Markdown, CSV)."
)
NOT_UTF8 = _l(
    "Ce type de fichier n'est pas accepté : un fichier texte (TXT, Markdown, CSV) doit être "
    "enregistré en UTF-8 (dans le tableur : « CSV UTF-8 »)."
)
#: what the file picker offers; the content check below is what actually decides.
ACCEPT = (
    ".pdf,.png,.jpg,.jpeg,.gif,.webp,.docx,.xlsx,.pptx,.odt,.ods,.odp,.doc,.xls,.ppt,"
    ".txt,.md,.markdown,.csv"
)


@dataclass(frozen=True)
class FileType:
    mime_type: str
    extension: str
    #: shown to people: a lazy translation, in the reader's language when rendered
    label: Any

    @property
    def is_image(self) -> bool:
        return self.mime_type.startswith("image/")


def _types(*rows: tuple[str, str, Any]) -> dict[str, FileType]:
    return {ext: FileType(mime, ext, label) for ext, mime, label in rows}


TYPES = _types(
    ("pdf", "application/pdf", "PDF"),
    ("png", "image/png", _l("Image PNG")),
    ("jpg", "image/jpeg", _l("Image JPEG")),
    ("gif", "image/gif", _l("Image GIF")),
    ("webp", "image/webp", _l("Image WebP")),
    ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel"),
    (
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "PowerPoint",
    ),
    ("odt", "application/vnd.oasis.opendocument.text", _l("Texte LibreOffice")),
    ("ods", "application/vnd.oasis.opendocument.spreadsheet", _l("Tableur LibreOffice")),
    ("odp", "application/vnd.oasis.opendocument.presentation", _l("Présentation LibreOffice")),
    ("doc", "application/msword", _l("Word (ancien format)")),
    ("xls", "application/vnd.ms-excel", _l("Excel (ancien format)")),
    ("ppt", "application/vnd.ms-powerpoint", _l("PowerPoint (ancien format)")),
    ("txt", "text/plain", _l("Texte")),
    ("md", "text/markdown", "Markdown"),
    ("csv", "text/csv", _l("Tableau CSV")),
)
#: images a browser may show inline; every other type is served as a download.
INLINE_MIME_TYPES = frozenset(t.mime_type for t in TYPES.values() if t.is_image)
_BY_MIME = {t.mime_type: t for t in TYPES.values()}

_MAGIC = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The stream each legacy Office format keeps in its compound file directory (UTF-16LE names).
_OLE_STREAMS = (
    ("WordDocument".encode("utf-16-le"), "doc"),
    ("Workbook".encode("utf-16-le"), "xls"),
    ("Book".encode("utf-16-le"), "xls"),
    ("PowerPoint Document".encode("utf-16-le"), "ppt"),
)
_OOXML_FOLDERS = (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx"))
_ODF_MIMETYPES = {TYPES[ext].mime_type: ext for ext in ("odt", "ods", "odp")}
_TEXT_EXTENSIONS = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md", ".csv": "csv"}
# Markup is text too, but a browser that ignores our headers would run it: refuse it.
_MARKUP = re.compile(rb"<\s*(?:!doctype|html|svg|script|iframe|\?xml)", re.IGNORECASE)


def type_for_mime(mime_type: str | None) -> FileType | None:
    return _BY_MIME.get(mime_type or "")


def clean_filename(filename: str | None) -> str:
    """The name to show: last path component, no control characters, at most 255 chars."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = " ".join(name.split()).strip(" .")
    return name[:FILENAME_MAX] or "fichier"


#: other spellings of a type's extension that a served name may keep
_EXTENSION_ALIASES = {"jpg": ("jpeg",), "md": ("markdown",), "txt": ("text",)}


def served_name(filename: str | None, file_type: FileType) -> str:
    """The name a file is stored and served under: its extension follows the detected
    type, so a PNG named ``x.png.html`` goes out as ``x.png``. A browser (or the desktop
    after a download) picks a handler by the last extension; it must never read HTML.
    """
    name = clean_filename(filename)
    accepted = (file_type.extension, *_EXTENSION_ALIASES.get(file_type.extension, ()))
    stem, dot, suffix = name.rpartition(".")
    if dot and stem and suffix.lower() in accepted:
        return name
    if dot and stem:
        # Another type's extension (``.html``, ``.exe`` …) is a claim the content refuted.
        name = stem
    if PurePosixPath(name.lower()).suffix.lstrip(".") in accepted:
        return name
    return f"{name[: FILENAME_MAX - len(file_type.extension) - 1]}.{file_type.extension}"


def _read_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk


def _ole_type(path: Path) -> str | None:
    # Walking the FAT chain would be exact; the directory names are enough to tell the
    # three formats apart and to refuse other compound files (MSI installers, etc.).
    tail = b""
    for chunk in _read_chunks(path):
        window = tail + chunk
        for marker, ext in _OLE_STREAMS:
            if marker in window:
                return ext
        tail = window[-64:]
    return None


def _ooxml_type(names: list[str]) -> str | None:
    # Macros are the usual way an office file carries malware: not in a shared space.
    if "[Content_Types].xml" not in names or any(n.endswith("vbaProject.bin") for n in names):
        return None
    found = {ext for folder, ext in _OOXML_FOLDERS if any(n.startswith(folder) for n in names)}
    return found.pop() if len(found) == 1 else None


def _zip_type(path: Path) -> str | None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if "mimetype" not in names:
                return _ooxml_type(names)
            with archive.open("mimetype") as entry:
                declared = entry.read(100).decode("ascii", "replace").strip()
            return _ODF_MIMETYPES.get(declared)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError):
        return None


def _looks_like_markup(head: bytes) -> bool:
    start = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return start.startswith(b"<") or _MARKUP.search(head[:1024]) is not None


def _is_plain_text(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    first = True
    try:
        for chunk in _read_chunks(path):
            if b"\x00" in chunk or (first and _looks_like_markup(chunk)):
                return False
            decoder.decode(chunk)
            first = False
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        # Text without NUL bytes that is not UTF-8: most likely a CSV saved by Excel.
        raise ValidationError(NOT_UTF8, field="file") from None
    return True


def _text_type(path: Path, filename: str) -> str | None:
    if not _is_plain_text(path):
        return None
    return _TEXT_EXTENSIONS.get(PurePosixPath(filename.lower()).suffix, "txt")


def detect_type(path: Path, filename: str = "") -> FileType:
    """The type of the file at ``path``, from its content; ``ValidationError`` if refused.

    ``filename`` only picks between the three text flavours (txt, md, csv), which are
    served the same harmless way.
    """
    with path.open("rb") as handle:
        head = handle.read(16)
    for magic, ext in _MAGIC:
        if head.startswith(magic):
            return TYPES[ext]
    ext = None
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        ext = "webp"
    elif head.startswith(_OLE_MAGIC):
        ext = _ole_type(path)
    elif head.startswith(b"PK\x03\x04"):
        ext = _zip_type(path)
    else:
        ext = _text_type(path, filename)
    if ext is None:
        raise ValidationError(REJECTED, field="file")
    return TYPES[ext]


@dataclass
class PendingFile:
    """A received, checked file still under its temporary name."""

    temp_path: Path
    size: int
    file_type: FileType

    def keep(self) -> str:
        """Rename to the final generated name and return that name."""
        stored_name = f"{secrets.token_hex(16)}.{self.file_type.extension}"
        self.temp_path.rename(self.temp_path.parent / stored_name)
        return stored_name

    def discard(self) -> None:
        self.temp_path.unlink(missing_ok=True)


def _too_large(max_bytes: int) -> PayloadTooLarge:
    megabytes = max_bytes / (1024 * 1024)
    shown = f"{megabytes:.0f}" if megabytes >= 1 else f"{megabytes:.2f}".replace(".", ",")
    return PayloadTooLarge(
        _l("Le fichier dépasse la taille maximale autorisée (%(mb)s Mo).", mb=shown),
        field="file",
    )


def _copy(stream: BinaryIO, temp_path: Path, max_bytes: int) -> int:
    size = 0
    with temp_path.open("xb") as out:
        while chunk := stream.read(CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise _too_large(max_bytes)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    return size


def receive(stream: BinaryIO, folder: Path, *, filename: str, max_bytes: int) -> PendingFile:
    """Copy ``stream`` into ``folder`` under a temporary name and check its type.

    On any refusal the temporary file is gone before the error propagates.
    """
    folder.mkdir(parents=True, exist_ok=True)
    temp_path = folder / f".upload-{secrets.token_hex(8)}.part"
    try:
        size = _copy(stream, temp_path, max_bytes)
        if size == 0:
            raise ValidationError(_l("Le fichier est vide."), field="file")
        file_type = detect_type(temp_path, filename)
    except BaseException:
        temp_path.unlink(missing_ok=True)
        raise
    log.debug("received %s bytes as %s", size, file_type.extension)
    return PendingFile(temp_path, size, file_type)


def stored_path(folder: Path, stored_name: str) -> Path:
    """The path of a stored file; refuses any name this module did not generate."""
    if not STORED_NAME.fullmatch(stored_name or ""):
        raise ValueError(f"not a generated file name: {stored_name!r}")
    return folder / stored_name
