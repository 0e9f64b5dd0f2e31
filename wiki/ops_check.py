"""``flask check``: what an operator needs to know, one line each, problems first in mind.

Each check returns a ``Check`` (ok, attention, problem); the command exits non-zero when
any is not ok, so a cron job or a deploy script can stop on it.
"""

from __future__ import annotations

import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from . import health, search_index
from .db import db

OK, ATTENTION, PROBLEM = "ok", "attention", "problème"


@dataclass(frozen=True)
class Check:
    name: str
    state: str
    detail: str

    @property
    def ok(self) -> bool:
        return self.state == OK

    def line(self) -> str:
        return f"[{self.state}] {self.name} : {self.detail}"


def database(url: str) -> Check:
    """Reachable, and at Alembic's head (the code expects the latest schema)."""
    from alembic.script import ScriptDirectory

    from . import migrate

    heads = set(ScriptDirectory.from_config(migrate.alembic_config(url)).get_heads())
    try:
        with db.engine.connect() as connection:
            current = set(
                connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
            )
    except SQLAlchemyError as error:
        if health.database_ok():
            return Check("base de données", PROBLEM, "jamais migrée : flask db upgrade")
        return Check("base de données", PROBLEM, f"injoignable ({type(error).__name__})")
    if current != heads:
        shown = ", ".join(sorted(current)) or "aucune"
        return Check(
            "base de données",
            PROBLEM,
            f"version {shown}, attendue {', '.join(sorted(heads))} (flask db upgrade)",
        )
    return Check("base de données", OK, f"joignable, à jour ({', '.join(sorted(heads))})")


def redis(url: str | None) -> Check:
    if not url:
        return Check("Redis", OK, "non configuré (un seul processus)")
    if health.redis_ok(url):
        return Check("Redis", OK, "joignable")
    return Check("Redis", PROBLEM, f"injoignable ({url.split('@')[-1]})")


def data_folder(folder: Path) -> Check:
    probe = folder / f".check-{secrets.token_hex(4)}"
    try:
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as error:
        return Check("dossier de données", PROBLEM, f"{folder} non inscriptible ({error.strerror})")
    return Check("dossier de données", OK, f"{folder} inscriptible")


def disk_space(folder: Path, minimum: int) -> Check:
    try:
        free = shutil.disk_usage(folder).free
    except OSError as error:
        return Check("espace disque", PROBLEM, f"{folder} illisible ({error.strerror})")
    shown = f"{free / 1024**3:.1f} Go libres"
    if free < minimum:
        return Check("espace disque", ATTENTION, f"{shown}, moins de {minimum / 1024**2:.0f} Mo")
    return Check("espace disque", OK, shown)


def search() -> Check:
    ops = search_index.ops()
    if ops is None:
        return Check("index de recherche", OK, "recherche non installée")
    try:
        indexed, stored = ops.counts()
    except Exception as error:  # a damaged index: say so, the command goes on
        return Check("index de recherche", PROBLEM, f"illisible ({type(error).__name__})")
    if indexed != stored:
        return Check(
            "index de recherche",
            PROBLEM,
            f"{indexed} documents indexés, {stored} dans la base (flask search rebuild)",
        )
    return Check("index de recherche", OK, f"{indexed} documents, comme la base")


def run_all(config: dict[str, Any]) -> list[Check]:
    """Every check; the search one only when the database answers (it reads it)."""
    folder = Path(config["DATA_DIR"])
    checks = [database(config["DATABASE_URL"]), redis(config.get("REDIS_URL"))]
    checks += [data_folder(folder), disk_space(folder, config["DISK_MIN_FREE_BYTES"])]
    if checks[0].ok:
        checks.append(search())
    else:
        checks.append(Check("index de recherche", ATTENTION, "non vérifié sans base de données"))
    return checks
