"""Put a backup folder (``wiki.backup``) back on an instance.

Every checksum is verified before anything is touched. An instance that holds people,
spaces or uploaded files is refused unless ``force``. Then the database is replaced as a
whole (SQLite's backup API into the file; ``pg_restore`` after dropping every table of the
target), the files and the data folder's secret key are copied, and the schema is migrated
up to the code's (a backup made by
an older version). The caller rebuilds the search index.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import Engine, MetaData, func, inspect, select

from . import migrate
from .backup import (
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    SECRET_FILE,
    UPLOADS,
    Target,
    libpq_url,
    run_tool,
    sha256,
    sqlite_path,
)
from .db import make_engine
from .errors import Conflict, ValidationError

#: rows that make an instance "not empty": someone's work would be overwritten
CONTENT_TABLES = ("users", "spaces", "pages", "resources")


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest, once every file it lists has its size and SHA-256."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        raise ValidationError(
            _l(
                "%(path)s n'est pas une sauvegarde Cercle (manifest.json illisible).",
                path=str(folder),
            )
        ) from None
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise ValidationError(_l("Format de sauvegarde inconnu."))
    for name, expected in manifest["files"].items():
        path = folder / name
        if ".." in Path(name).parts or not path.is_file():
            raise ValidationError(_l("Fichier manquant dans la sauvegarde : %(name)s", name=name))
        if path.stat().st_size != expected["size"] or sha256(path) != expected["sha256"]:
            raise ValidationError(
                _l("Somme de contrôle fausse : %(name)s (sauvegarde abîmée).", name=name)
            )
    return manifest


def _content_rows(engine: Engine) -> int:
    with engine.connect() as connection:
        present = set(inspect(connection).get_table_names())
        tables = MetaData()
        tables.reflect(connection, only=[t for t in CONTENT_TABLES if t in present])
        return sum(
            connection.execute(select(func.count()).select_from(table)).scalar() or 0
            for table in tables.tables.values()
        )


def _has_files(upload_dir: Path) -> bool:
    return upload_dir.exists() and any(
        not path.name.startswith(".") for path in upload_dir.rglob("*") if path.is_file()
    )


def check_empty(instance: Target, engine: Engine) -> None:
    rows, files = _content_rows(engine), _has_files(instance.upload_dir)
    if rows or files:
        raise Conflict(
            lazy_ngettext(
                "Cette instance n'est pas vide (%(num)s ligne : comptes, espaces, pages, "
                "ressources ; fichiers : %(files)s). Restaurez dans une instance vide, ou "
                "ajoutez --force pour tout remplacer.",
                "Cette instance n'est pas vide (%(num)s lignes : comptes, espaces, pages, "
                "ressources ; fichiers : %(files)s). Restaurez dans une instance vide, ou "
                "ajoutez --force pour tout remplacer.",
                rows,
                files=_l("oui") if files else _l("non"),
            )
        )


def _restore_sqlite(backup_file: Path, url: str) -> None:
    target = sqlite_path(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    src, dst = sqlite3.connect(backup_file), sqlite3.connect(target)
    try:
        src.backup(dst)  # replaces every page of the target, whatever it held
        dst.execute("PRAGMA journal_mode=WAL")
    finally:
        dst.close()
        src.close()


def _drop_everything(engine: Engine) -> None:
    """Every table of the target (a newer schema's too), so the dump's own come back alone."""
    tables = MetaData()
    with engine.begin() as connection:
        tables.reflect(connection)
        tables.drop_all(connection)


def _restore_postgres(
    backup_file: Path, manifest: dict[str, Any], url: str, engine: Engine
) -> None:
    plain, schema = libpq_url(url)
    if (manifest["database"].get("schema") or "public") != (schema or "public"):
        raise ValidationError(
            _l(
                "La sauvegarde vient du schéma « %(source)s » : restaurez-la dans une base dont "
                "le schéma est le même (ici « %(target)s »).",
                source=manifest["database"].get("schema") or "public",
                target=schema or "public",
            )
        )
    _drop_everything(engine)
    run_tool(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={plain}",
            str(backup_file),
        ]
    )


def _restore_files(source: Path, upload_dir: Path, force: bool) -> int:
    if force and upload_dir.exists():
        shutil.rmtree(upload_dir)
    upload_dir.mkdir(parents=True, exist_ok=True)
    count = 0
    for path in sorted(source.rglob("*")) if source.exists() else []:
        if path.is_file():
            target = upload_dir / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            count += 1
    return count


def restore(folder: Path, instance: Target, *, force: bool = False) -> dict[str, Any]:
    """Verify, check the instance is empty (or ``force``), restore, migrate; the manifest."""
    manifest = read_manifest(folder)
    database = manifest["database"]
    if (database["engine"] == "sqlite") != instance.is_sqlite:
        raise ValidationError(
            _l(
                "Sauvegarde %(engine)s : restaurez-la sur le même moteur.",
                engine=database["engine"],
            )
        )
    engine = make_engine(instance.database_url)
    try:
        if not force:
            check_empty(instance, engine)
        if instance.is_sqlite:
            engine.dispose()  # no connection of ours holds the file while it is replaced
            _restore_sqlite(folder / database["file"], instance.database_url)
        else:
            _restore_postgres(folder / database["file"], manifest, instance.database_url, engine)
    finally:
        engine.dispose()
    manifest["restored_files"] = _restore_files(folder / UPLOADS, instance.upload_dir, force)
    if (folder / SECRET_FILE).is_file():  # used from the next start of the server
        key_file = instance.data_dir / SECRET_FILE
        shutil.copyfile(folder / SECRET_FILE, key_file)
        key_file.chmod(0o600)
    migrate.upgrade(instance.database_url)
    return manifest
