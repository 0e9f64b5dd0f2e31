"""Online backup and restore: the database, the uploaded files, a manifest with checksums.

A backup is a folder::

    manifest.json        format, Cercle version, schema revision, SHA-256 and size of each file
    database.sqlite3     SQLite's online backup API: one consistent copy while people write
      or database.pgdump pg_dump's custom format (one snapshot: its own transaction)
    uploads/…            the uploaded files, as in the data folder
    secret_key           the data folder's generated key, when there is one: sessions and
                         questionnaires' anonymous respondent keys (HMAC) depend on it

The folder is readable by its owner only: it holds password hashes and that key.

The database is copied first, then the files: a file is stored under its final name before
its row commits and is never rewritten, so every file the copied rows name exists already
(only one deleted between the two copies can be absent while its row is there). The folder
is written as ``PATH.partial`` and renamed at the end: a folder PATH is a complete backup.

``wiki.restore`` puts such a folder back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Engine, inspect, make_url, text

from .db import make_engine
from .errors import Conflict, ValidationError

FORMAT, FORMAT_VERSION = "cercle-backup", 1
MANIFEST = "manifest.json"
SQLITE_FILE, PG_FILE = "database.sqlite3", "database.pgdump"
UPLOADS = "uploads"
SECRET_FILE = "secret_key"
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Target:
    """Where an instance keeps its data: its database and its uploads folder."""

    database_url: str
    upload_dir: Path
    data_dir: Path

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def cercle_version() -> str:
    try:
        return metadata.version("cercle")
    except metadata.PackageNotFoundError:  # run from a checkout without install
        return "inconnue"


# --- backing up ---------------------------------------------------------------------------


def sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise ValidationError(_l("Une base SQLite en mémoire ne se sauvegarde pas."))
    return Path(database)


def _copy_sqlite(source: Path, destination: Path) -> None:
    """SQLite's online backup: one step, so it copies one snapshot (WAL: writers go on)."""
    src, dst = sqlite3.connect(source), sqlite3.connect(destination)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
    finally:
        dst.close()
        src.close()


def libpq_url(url: str) -> tuple[str, str | None]:
    """The URL for pg_dump / pg_restore, and the schema named by ``search_path`` if any."""
    parsed = make_url(url)
    options = str(parsed.query.get("options", ""))
    schema = None
    if "search_path=" in options:
        schema = options.split("search_path=", 1)[1].split()[0].split(",")[0]
    plain = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    return plain, schema


def run_tool(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ValidationError(
            _l("%(tool)s a échoué : %(error)s", tool=command[0], error=done.stderr.strip()[-500:])
        )


def _dump_postgres(url: str, destination: Path) -> str | None:
    plain, schema = libpq_url(url)
    command = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges"]
    command += [f"--schema={schema}"] if schema else []
    run_tool([*command, f"--file={destination}", f"--dbname={plain}"])
    return schema


def _schema_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _copy_uploads(upload_dir: Path, destination: Path) -> list[Path]:
    """Every stored file (temporary ``.upload-*`` files are not part of the instance)."""
    copied = []
    for path in sorted(upload_dir.rglob("*")) if upload_dir.exists() else []:
        relative = path.relative_to(upload_dir)
        if path.is_dir() or any(part.startswith(".") for part in relative.parts):
            continue
        target = destination / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copy2(path, target)
        except FileNotFoundError:  # deleted while we copied: its row went with it
            continue
        copied.append(target)
    return copied


def create(instance: Target, path: Path) -> dict[str, Any]:
    """Write a complete backup folder at ``path`` (which must not exist); returns the manifest."""
    if path.exists() and any(path.iterdir()):
        raise Conflict(_l("%(path)s existe déjà et n'est pas vide.", path=str(path)))
    partial = path.with_name(path.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True, mode=0o700)
    engine = make_engine(instance.database_url)
    try:
        database = _backup_database(instance, engine, partial)
    finally:
        engine.dispose()
    _copy_uploads(instance.upload_dir, partial / UPLOADS)
    if (instance.data_dir / SECRET_FILE).is_file():
        shutil.copy2(instance.data_dir / SECRET_FILE, partial / SECRET_FILE)
    manifest = _manifest(partial, database)
    (partial / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    if path.exists():
        path.rmdir()  # empty, checked above
    partial.rename(path)
    return manifest


def _backup_database(instance: Target, engine: Engine, folder: Path) -> dict[str, Any]:
    if instance.is_sqlite:
        _copy_sqlite(sqlite_path(instance.database_url), folder / SQLITE_FILE)
        copy = make_engine(f"sqlite:///{folder / SQLITE_FILE}")
        try:  # the revision of the copy itself: the one its rows have
            revision = _schema_revision(copy)
        finally:
            copy.dispose()
        return {"engine": "sqlite", "file": SQLITE_FILE, "revision": revision}
    revision = _schema_revision(engine)
    schema = _dump_postgres(instance.database_url, folder / PG_FILE)
    return {"engine": "postgresql", "file": PG_FILE, "schema": schema, "revision": revision}


def _manifest(folder: Path, database: dict[str, Any]) -> dict[str, Any]:
    files = {
        path.relative_to(folder).as_posix(): {"sha256": sha256(path), "size": path.stat().st_size}
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "cercle_version": cercle_version(),
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "schema_revision": database.pop("revision"),
        "database": database,
        "files": files,
    }
