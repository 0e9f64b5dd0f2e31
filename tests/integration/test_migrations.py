"""Alembic: up to head, down to base and up again on both backends, matching the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from wiki import migrate, models  # noqa: F401  (models registers the tables)
from wiki.db import Base, make_engine


def schema_differences(url: str) -> list:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "compare_server_default": False}
            )
            return compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()


def table_names(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def sqlite_pragmas(url: str) -> tuple[list, str]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            problems = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            journal = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
        return problems, journal
    finally:
        engine.dispose()


def check_at_head(url: str) -> None:
    assert table_names(url) == set(Base.metadata.tables) | {"alembic_version"}
    assert schema_differences(url) == []
    if url.startswith("sqlite"):
        problems, journal = sqlite_pragmas(url)
        assert problems == []
        assert journal == "wal"


def test_upgrade_downgrade_upgrade(database_url):
    migrate.upgrade(database_url)
    check_at_head(database_url)

    migrate.downgrade(database_url)
    assert table_names(database_url) <= {"alembic_version"}

    migrate.upgrade(database_url)
    check_at_head(database_url)


def test_each_step_down_and_up_again(database_url):
    """Every single revision can be undone and redone."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config(database_url))
    steps = [rev.revision for rev in script.walk_revisions()]  # head first
    assert len(steps) >= 1
    migrate.upgrade(database_url)
    for _ in steps:
        migrate.downgrade(database_url, "-1")
    assert table_names(database_url) <= {"alembic_version"}
    for _ in steps:
        migrate.upgrade(database_url, "+1")
    check_at_head(database_url)


def test_upgrade_keeps_data_and_cascades_work(database_url):
    """A migrated database behaves like the models say: rows go in, cascades apply."""
    from sqlalchemy.orm import Session

    from wiki.models import Membership, Page, Space, User

    migrate.upgrade(database_url)
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            user = User(email="a@exemple.org", name="A", password_hash="x")
            space = Space(slug="s", title="S")
            session.add_all([user, space])
            session.flush()
            session.add(Membership(space_id=space.id, user_id=user.id, role="facilitator"))
            session.add(Page(space_id=space.id, title="P", slug="p"))
            session.commit()
            session.delete(space)
            session.commit()
            assert session.query(Page).count() == 0
            assert session.query(Membership).count() == 0
            assert session.query(User).count() == 1
    finally:
        engine.dispose()


def test_system_revision_messages_become_codes(database_url):
    """Texts earlier versions stored in French become codes, shown in each reader's
    language; a person's own message is left as typed; going down gives the texts back."""
    from sqlalchemy import text

    migrate.upgrade(database_url, "0008_memoire")
    engine = make_engine(database_url)
    messages = [
        "Création de la page",
        "Modification en direct",
        "Retour à la version 12",
        "Retour à la version d'avant",
        "Relu en atelier",
    ]
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO spaces (slug, title, description, visibility, quota_bytes,"
                    " tree_version, created_at) VALUES ('s', 'S', '', 'members', 1, 0,"
                    " CURRENT_TIMESTAMP)"
                )
            )
            space_id = connection.execute(text("SELECT id FROM spaces")).scalar_one()
            connection.execute(
                text(
                    "INSERT INTO pages (space_id, kind, title, slug, position, markdown,"
                    " revision_number, created_at, updated_at, is_model,"
                    " hidden_from_memoire) VALUES (:s, 'page', 'P', 'p', 0, '', 0,"
                    " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, false, false)"
                ),
                {"s": space_id},
            )
            page_id = connection.execute(text("SELECT id FROM pages")).scalar_one()
            for number, message in enumerate(messages, start=1):
                connection.execute(
                    text(
                        "INSERT INTO revisions (page_id, number, title, markdown, message,"
                        " created_at) VALUES (:p, :n, 'P', '', :m, CURRENT_TIMESTAMP)"
                    ),
                    {"p": page_id, "n": number, "m": message},
                )

        def stored() -> list[str]:
            with engine.connect() as connection:
                return list(
                    connection.execute(
                        text("SELECT message FROM revisions ORDER BY number")
                    ).scalars()
                )

        migrate.upgrade(database_url, "0009_revision_codes")
        assert stored() == [
            "page_created",
            "live_edit",
            "restored:12",
            "Retour à la version d'avant",
            "Relu en atelier",
        ]
        migrate.downgrade(database_url, "0008_memoire")
        assert stored() == messages
    finally:
        engine.dispose()
