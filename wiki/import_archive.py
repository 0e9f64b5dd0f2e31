"""Reading an uploaded zip safely, before anything of it is imported.

Nothing from the archive is ever written to disk under its own name: members are read into
memory (each at most the size its header declares, which ``zipfile`` enforces, checking the
CRC), and files go through ``wiki.resources`` / ``wiki.uploads`` like any upload. The whole
archive is refused, in words, when it is not a zip, is damaged, holds too many entries,
would decompress past the limit (a zip bomb), or names a path outside itself (``..``, an
absolute path). One member that cannot be used (not UTF-8, a link, encrypted, too large)
is left out with a warning for the report.
"""

from __future__ import annotations

import posixpath
import stat
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Any

from flask_babel import lazy_gettext as _l

from .errors import PayloadTooLarge, ValidationError

MB = 1024 * 1024
#: names that tools leave in archives and folders, never content
SYSTEM_NAMES = {"thumbs.db", "desktop.ini", "__macosx"}
MARKDOWN_SUFFIXES = (".md", ".markdown")


@dataclass(frozen=True)
class Limits:
    """How much one import may hold: entries, bytes once decompressed, bytes per file."""

    max_entries: int = 2000
    max_total_bytes: int = 300 * MB
    max_file_bytes: int = 20 * MB

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Limits:
        return cls(
            max_entries=int(config.get("IMPORT_MAX_ENTRIES", cls.max_entries)),
            max_total_bytes=int(config.get("IMPORT_MAX_TOTAL_BYTES", cls.max_total_bytes)),
            max_file_bytes=int(config.get("UPLOAD_MAX_BYTES", cls.max_file_bytes)),
        )


@dataclass
class Archive:
    """The usable members of a zip: Markdown texts and other files, by their path inside it
    (a single top folder holding everything is taken off)."""

    files: Files
    texts: dict[str, str] = field(default_factory=dict)
    warnings: list[Any] = field(default_factory=list)
    #: system files and folders left out (``.obsidian/``, ``__MACOSX/``, ``.DS_Store``…)
    ignored: int = 0


def megabytes(size: int) -> str:
    return f"{size / MB:.0f}" if size >= MB else f"{size / MB:.1f}"


def _refused(message: Any) -> ValidationError:
    return ValidationError(message, field="file")


def _open(source: IO[bytes]) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(source)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        raise _refused(
            _l("Ce fichier n'est pas une archive zip lisible. Choisissez un fichier .zip.")
        ) from None


def clean_path(name: str) -> str:
    """The member's path, ``/``-separated; refuses one that leaves the archive."""
    path = name.replace("\\", "/")
    parts = path.split("/")
    if path.startswith("/") or (parts and parts[0].endswith(":")) or ".." in parts:
        raise _refused(
            _l(
                "L'archive contient un chemin qui sort de l'archive (« %(path)s ») : "
                "elle est refusée.",
                path=name[:120],
            )
        )
    normed = posixpath.normpath(path) if path.strip("/") else "."
    return "" if normed == "." else normed


def _is_system(path: str) -> bool:
    return any(part.startswith(".") or part.lower() in SYSTEM_NAMES for part in path.split("/"))


def _check_totals(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(infos) > limits.max_entries:
        raise _refused(
            _l(
                "L'archive contient trop d'éléments (%(count)s ; %(max)s au plus).",
                count=len(infos),
                max=limits.max_entries,
            )
        )
    total = sum(info.file_size for info in infos)
    if total > limits.max_total_bytes:
        raise PayloadTooLarge(
            _l(
                "Une fois décompressée, l'archive ferait %(size)s Mo, plus que les %(max)s Mo "
                "permis : découpez-la en plusieurs archives.",
                size=megabytes(total),
                max=megabytes(limits.max_total_bytes),
            ),
            field="file",
        )


def _single_top_folder(paths: list[str]) -> str:
    """``"Coffre/"`` when every member is inside that one folder, else ``""``."""
    tops = {path.split("/", 1)[0] for path in paths}
    if len(tops) == 1 and all("/" in path for path in paths):
        return tops.pop() + "/"
    return ""


def _decode(data: bytes) -> str | None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\x00", "")


def _readable(info: zipfile.ZipInfo, path: str, archive: Archive, limits: Limits) -> bool:
    if stat.S_ISLNK(info.external_attr >> 16):
        archive.warnings.append(_l("« %(name)s » est un lien symbolique : ignoré.", name=path))
        return False
    if info.flag_bits & 0x1:
        archive.warnings.append(
            _l("« %(name)s » est protégé par un mot de passe : ignoré.", name=path)
        )
        return False
    if not path.lower().endswith(MARKDOWN_SUFFIXES) and info.file_size > limits.max_file_bytes:
        archive.warnings.append(
            _l(
                "« %(name)s » dépasse la taille maximale d'un fichier (%(max)s Mo) : ignoré.",
                name=path,
                max=megabytes(limits.max_file_bytes),
            )
        )
        return False
    return True


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    try:
        with zf.open(info) as member:
            return member.read(info.file_size + 1)
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, OSError, EOFError, RuntimeError):
        raise _refused(
            _l(
                "L'archive est abîmée (« %(name)s » ne se lit pas) : refaites-la et réessayez.",
                name=info.filename[:120],
            )
        ) from None


class Files(Mapping[str, bytes]):
    """The archive's other files, read one at a time when asked (the zip stays open while
    the import runs), so an import holds one file in memory, never the whole archive."""

    def __init__(self, zf: zipfile.ZipFile) -> None:
        self._zf = zf
        self._infos: dict[str, zipfile.ZipInfo] = {}

    def add(self, path: str, info: zipfile.ZipInfo) -> None:
        self._infos[path] = info

    def __getitem__(self, path: str) -> bytes:
        return _read_member(self._zf, self._infos[path])

    def __iter__(self) -> Iterator[str]:
        return iter(self._infos)

    def __len__(self) -> int:
        return len(self._infos)


def _check_integrity(zf: zipfile.ZipFile) -> None:
    """Every member decompresses to its CRC (read in chunks: nothing is kept), so a damaged
    archive is refused before anything of it is imported."""
    try:
        bad = zf.testzip()
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, OSError, EOFError, RuntimeError):
        bad = "?"
    if bad is not None:
        raise _refused(
            _l(
                "L'archive est abîmée (« %(name)s » ne se lit pas) : refaites-la et réessayez.",
                name=str(bad)[:120],
            )
        )


@contextmanager
def open_archive(source: IO[bytes], limits: Limits) -> Iterator[Archive]:
    """The usable members of the zip in ``source`` (its Markdown read and decoded, its other
    files read when asked, until the block ends); raises ``ValidationError`` (field
    ``file``) when the archive as a whole is refused."""
    with _open(source) as zf:
        infos = [info for info in zf.infolist() if not info.is_dir()]
        _check_totals(infos, limits)
        paths = {info.filename: clean_path(info.filename) for info in infos}
        _check_integrity(zf)
        archive = Archive(files=Files(zf))
        kept = [
            info for info in infos if paths[info.filename] and not _is_system(paths[info.filename])
        ]
        archive.ignored = len(infos) - len(kept)
        top = _single_top_folder([paths[info.filename] for info in kept])
        for info in kept:
            path = paths[info.filename].removeprefix(top)
            if not _readable(info, path, archive, limits):
                continue
            archive.files.add(path, info)  # a Markdown file too: it may be an attachment
            if not path.lower().endswith(MARKDOWN_SUFFIXES):
                continue
            text = _decode(_read_member(zf, info))
            if text is None:
                archive.warnings.append(
                    _l(
                        "« %(name)s » n'est pas enregistré en UTF-8 : ignoré. Réenregistrez-le "
                        "en UTF-8 puis importez-le à nouveau.",
                        name=path,
                    )
                )
                continue
            archive.texts[path] = text
        if not archive.texts:
            raise _refused(_l("L'archive ne contient aucune page Markdown (fichier .md)."))
        yield archive
