"""``/healthz`` and ``flask check``: what the proxy, monitoring and an operator are told."""

from __future__ import annotations

import socket

import pytest
from sqlalchemy import text

from app import create_app
from tests.conftest import login_client
from wiki import migrate
from wiki.db import db

REDIS_URL = "redis://127.0.0.1:6379/0"


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again once the block ends: nobody listens


def redis_up() -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", 6379)) == 0


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=list(args))


def test_healthz_is_json_200_without_a_session(app, anonymous):
    response = anonymous.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_healthz_answers_head_and_refuses_writes(anonymous):
    head = anonymous.head("/healthz")
    assert head.status_code == 200 and head.get_data() == b""
    assert anonymous.post("/healthz").status_code == 405


def test_healthz_signed_in_reads_no_session(personas, app):
    client = login_client(app, personas.participant)
    statements: list[str] = []
    from sqlalchemy import event

    record = lambda _c, _cur, statement, *_a: statements.append(statement)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        response = client.get("/healthz")
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    assert statements == ["SELECT 1"]  # no sign-in, no session lookup: only the probe


def test_healthz_is_503_when_the_database_is_unreachable(tmp_path):
    url = f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/none"
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": tmp_path,
            "DATABASE_URL": url,
            "SECRET_KEY": "x",
            "SEARCH_BACKEND": "memory",
        }
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unreachable"}


def test_healthz_reports_redis(app, anonymous):
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{closed_port()}/0"
    response = anonymous.get("/healthz")
    assert response.status_code == 200  # pages are still served
    assert response.get_json() == {"status": "degraded", "database": "ok", "redis": "unreachable"}


@pytest.mark.skipif(not redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_healthz_with_a_reachable_redis(app, anonymous):
    app.config["REDIS_URL"] = REDIS_URL
    assert anonymous.get("/healthz").get_json() == {"status": "ok", "database": "ok", "redis": "ok"}


# --- flask check ---------------------------------------------------------------------------


def stamp_head(url: str) -> None:
    from alembic import command

    command.stamp(migrate.alembic_config(url), "head")


def test_check_all_ok(app, cli, database_url):
    stamp_head(database_url)
    result = cli("check")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [line.split(" : ")[0] for line in lines] == [
        "[ok] base de données",
        "[ok] Redis",
        "[ok] dossier de données",
        "[ok] espace disque",
        "[ok] index de recherche",
    ]


def test_check_a_database_never_migrated(app, cli):
    result = cli("check")
    assert result.exit_code == 1
    assert "[problème] base de données : jamais migrée : flask db upgrade" in result.output


def test_check_a_database_behind_the_code(app, cli, database_url):
    stamp_head(database_url)
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0004_questionnaires'"))
    result = cli("check")
    assert result.exit_code == 1
    assert "[problème] base de données : version 0004_questionnaires, attendue" in result.output


def test_check_low_disk_space_and_unreachable_redis(app, cli, database_url):
    stamp_head(database_url)
    app.config["DISK_MIN_FREE_BYTES"] = 10**18
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{closed_port()}/0"
    result = cli("check")
    assert result.exit_code == 1
    assert "[attention] espace disque" in result.output
    assert "[problème] Redis : injoignable" in result.output


def test_check_an_index_that_disagrees_with_the_database(app, cli, personas, database_url):
    from wiki import pages

    stamp_head(database_url)
    pages.create_page(personas.facilitator, personas.space, "Compte rendu", "Texte")
    assert cli("check").exit_code == 0
    import search

    search.indexer().backend.apply([], ["page:1"])  # a document lost by the index
    result = cli("check")
    assert result.exit_code == 1
    assert "[problème] index de recherche : 0 documents indexés, 1 dans la base" in result.output


def test_check_a_data_folder_that_cannot_be_written(app, cli, database_url, tmp_path):
    stamp_head(database_url)
    app.config["DATA_DIR"] = tmp_path / "absent"
    app.config["DISK_MIN_FREE_BYTES"] = 0
    result = cli("check")
    assert result.exit_code == 1
    assert "[problème] dossier de données" in result.output


def test_check_an_unreachable_database(tmp_path):
    url = f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/none"
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": tmp_path,
            "DATABASE_URL": url,
            "SECRET_KEY": "x",
            "SEARCH_BACKEND": "memory",
        }
    )
    result = app.test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 1
    assert "[problème] base de données : injoignable (OperationalError)" in result.output
    assert "[attention] index de recherche : non vérifié sans base de données" in result.output
