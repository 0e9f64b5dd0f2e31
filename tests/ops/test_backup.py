"""``flask backup`` while people write, ``flask restore`` into a fresh data folder and
database, on SQLite and PostgreSQL: every page, revision, resource (and its bytes) and member
comes back, as one consistent moment of the source; damaged backups and non-empty instances
are refused before anything is touched."""

from __future__ import annotations

import io
import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, select, text

from app import create_app
from tests.conftest import PG_URL
from wiki import accounts, migrate, pages, resources, spaces
from wiki.db import db
from wiki.models import Membership, Page, Resource, Revision, User

pytestmark = pytest.mark.slow
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
WRITES_BEFORE, WRITES_DURING = 5, 5


@dataclass
class Instance:
    app: Flask
    url: str
    data_dir: Path

    def cli(self, *args: str):
        return self.app.test_cli_runner().invoke(args=list(args))


def _pg_database(admin, name: str) -> str:
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return PG_URL.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def urls(request, tmp_path) -> Iterator[tuple[str, str]]:
    """Two empty databases: the source and where it is restored (whole databases on
    PostgreSQL: a dump restores into the schema it came from, here ``public``)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'source.db'}", f"sqlite:///{tmp_path / 'restored.db'}"
        return
    admin = create_engine(PG_URL.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    names = [f"ops_{uuid.uuid4().hex[:10]}" for _ in range(2)]
    try:
        yield tuple(_pg_database(admin, name) for name in names)
    finally:
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def make_instance(url: str, data_dir: Path, migrated: bool = True) -> Instance:
    data_dir.mkdir(parents=True, exist_ok=True)
    if migrated:
        migrate.upgrade(url)
    app = create_app(
        {"TESTING": True, "DATA_DIR": data_dir, "DATABASE_URL": url, "SEARCH_ASYNC": False}
    )
    return Instance(app, url, data_dir)


@pytest.fixture
def source(urls, tmp_path) -> Iterator[Instance]:
    instance = make_instance(urls[0], tmp_path / "source")
    with instance.app.app_context():
        _seed(instance.app)
    yield instance
    with instance.app.app_context():
        db.engine.dispose()


@pytest.fixture
def target(urls, tmp_path) -> Iterator[Instance]:
    instance = make_instance(urls[1], tmp_path / "restored", migrated=False)
    yield instance
    with instance.app.app_context():
        db.engine.dispose()


def _seed(app: Flask) -> None:
    anim = accounts.create_user("anim@ops.test", "Camille", "mdp-ops-12345", is_admin=True)
    part = accounts.create_user("part@ops.test", "Sami", "mdp-ops-12345")
    space = spaces.create_space(anim, "Coopérative des savoirs")
    spaces.add_member(anim, space, part, "participant")
    root = pages.create_page(anim, space, "Accueil", "Bienvenue à la coopérative.")
    pages.create_page(part, space, "Compte rendu", "Ordre du jour : statuts.", parent_id=root.id)
    resources.add_file(
        part,
        space,
        filename="logo.png",
        stream=io.BytesIO(PNG),
        title="Logo",
        max_bytes=app.config["UPLOAD_MAX_BYTES"],
        upload_dir=Path(app.config["UPLOAD_DIR"]),
    )
    resources.add_link(part, space, url="https://exemple.org/statuts", title="Modèle de statuts")


class Typist(threading.Thread):
    """Someone typing through the API: a new version of the page as fast as it goes."""

    def __init__(self, instance: Instance, page_id: int, token: str) -> None:
        super().__init__(daemon=True)
        self.instance, self.page_id, self.token = instance, page_id, token
        self.stop, self.writes, self.errors = threading.Event(), 0, []
        self.changed = threading.Condition()

    def run(self) -> None:
        client = self.instance.app.test_client()
        headers = {"Authorization": f"Bearer {self.token}"}
        while not self.stop.is_set():
            body = {"markdown": f"Ordre du jour : statuts, version {self.writes + 1}."}
            response = client.put(f"/api/v1/pages/{self.page_id}", json=body, headers=headers)
            if response.status_code != 200:
                self.errors.append(response.get_data(as_text=True))
                return
            with self.changed:
                self.writes += 1
                self.changed.notify_all()

    def wait_for(self, writes: int) -> None:
        with self.changed:
            assert self.changed.wait_for(lambda: self.writes >= writes or self.errors, 60)
        assert not self.errors, self.errors


def snapshot(app: Flask) -> dict:
    """Everything a restore must give back, by id (file bytes included)."""
    with app.app_context():
        session = db.session
        upload_dir = Path(app.config["UPLOAD_DIR"])
        files = {}
        for r in session.scalars(select(Resource).where(Resource.kind == "file")):
            files[r.id] = next(upload_dir.rglob(r.stored_name)).read_bytes()
        data = {
            "members": {
                (m.user.email, m.user.name, m.user.password_hash, m.space.slug, m.role)
                for m in session.scalars(select(Membership))
            },
            "users": {u.id: (u.email, u.password_hash) for u in session.scalars(select(User))},
            "pages": {
                p.id: (p.title, p.slug, p.parent_id, p.kind, p.markdown, p.revision_number)
                for p in session.scalars(select(Page))
            },
            "revisions": {
                r.id: (r.page_id, r.number, r.title, r.markdown, r.author_id)
                for r in session.scalars(select(Revision))
            },
            "resources": {
                r.id: (r.kind, r.title, r.url, r.stored_name, r.filename, r.size, r.mime_type)
                for r in session.scalars(select(Resource))
            },
            "files": files,
        }
        db.session.remove() if hasattr(db.session, "remove") else db.session.close()
        return data


def assert_consistent_moment(restored: dict, later: dict) -> None:
    """The restored data is the source as it was at one moment: nothing changed since the
    backup is equal, every version it holds is the source's, with none missing in between,
    and each page's text is that of its last version."""
    for key in ("members", "users", "resources", "files"):
        assert restored[key] == later[key], key
    assert restored["revisions"].items() <= later["revisions"].items()
    last = max(restored["revisions"])
    assert set(restored["revisions"]) == {i for i in later["revisions"] if i <= last}
    assert set(restored["pages"]) == set(later["pages"])
    for page_id, (_t, _s, _p, _k, markdown, number) in restored["pages"].items():
        versions = [r for r in restored["revisions"].values() if r[0] == page_id]
        newest = max(versions, key=lambda r: r[1])
        assert (newest[1], newest[3]) == (number, markdown), page_id


def test_backup_while_typing_then_restore_elsewhere(source, target, tmp_path):
    with source.app.app_context():
        part = accounts.find_by_email("part@ops.test")
        token = accounts.create_token(part, "saisie")
        page_id = db.session.scalar(select(Page.id).where(Page.title == "Compte rendu"))
        db.session.close()
    typist = Typist(source, page_id, token)
    typist.start()
    try:
        typist.wait_for(WRITES_BEFORE)
        result = source.cli("backup", str(tmp_path / "sauvegarde"))
        assert result.exit_code == 0, result.output
        typist.wait_for(typist.writes + WRITES_DURING)  # still typing after the backup
    finally:
        typist.stop.set()
        typist.join(30)
    assert not typist.errors, typist.errors
    manifest = json.loads((tmp_path / "sauvegarde" / "manifest.json").read_text())
    assert manifest["format"] == "cercle-backup" and manifest["cercle_version"]
    assert manifest["schema_revision"] == migrate_head(source.url)
    assert any(name.startswith("uploads/") for name in manifest["files"])

    result = target.cli("restore", str(tmp_path / "sauvegarde"))
    assert result.exit_code == 0, result.output
    assert "index reconstruit" in result.output
    restored, later = snapshot(target.app), snapshot(source.app)
    assert_consistent_moment(restored, later)
    typed = [r for r in restored["revisions"].values() if "version" in r[3]]
    assert len(typed) >= WRITES_BEFORE  # the typing before the backup is in it
    assert (target.data_dir / "secret_key").read_text() == (
        source.data_dir / "secret_key"
    ).read_text()

    # the restored instance works: migrated, searchable, same token, same password
    check = target.cli("check")
    assert "[ok] base de données" in check.output and "[ok] index de recherche" in check.output
    client = target.app.test_client()
    found = client.get("/api/v1/search?q=coopérative", headers={"Authorization": f"Bearer {token}"})
    assert found.status_code == 200 and found.get_json()["total"] >= 1


def migrate_head(url: str) -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(migrate.alembic_config(url)).get_current_head()


def test_restore_refuses_a_non_empty_instance_unless_forced(source, target, tmp_path):
    assert source.cli("backup", str(tmp_path / "b")).exit_code == 0
    refused = source.cli("restore", str(tmp_path / "b"))
    assert refused.exit_code == 1
    assert "n'est pas vide" in refused.output and "--force" in refused.output
    with target.app.app_context():  # give the target something to lose
        migrate.upgrade(target.url)
        accounts.create_user("autre@ops.test", "Autre", "mdp-ops-12345")
        db.session.close()
    assert target.cli("restore", str(tmp_path / "b")).exit_code == 1
    forced = target.cli("restore", "--force", str(tmp_path / "b"))
    assert forced.exit_code == 0, forced.output
    restored = snapshot(target.app)
    assert restored == snapshot(source.app)
    assert "autre@ops.test" not in {email for email, _hash in restored["users"].values()}


def test_a_damaged_backup_is_refused_before_anything_changes(source, target, tmp_path):
    assert source.cli("backup", str(tmp_path / "b")).exit_code == 0
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    upload = next(name for name in manifest["files"] if name.startswith("uploads/"))
    damaged = tmp_path / "b" / upload
    damaged.write_bytes(damaged.read_bytes()[:-1] + b"\x00")
    result = target.cli("restore", str(tmp_path / "b"))
    assert result.exit_code == 1
    assert f"Somme de contrôle fausse : {upload}" in result.output
    with target.app.app_context():
        from sqlalchemy import inspect

        assert inspect(db.engine).get_table_names() == []
        db.engine.dispose()
    assert not any((target.data_dir / "uploads").rglob("*.png"))


def test_backup_refuses_a_non_empty_folder(source, tmp_path):
    folder = tmp_path / "occupé"
    folder.mkdir()
    (folder / "autre.txt").write_text("à garder")
    result = source.cli("backup", str(folder))
    assert result.exit_code == 1 and "n'est pas vide" in result.output
    assert [p.name for p in folder.iterdir()] == ["autre.txt"]
