"""Alembic environment: same engine settings as the app; SQLite migrated with FKs off."""

from __future__ import annotations

import logging

from alembic import context

from wiki import models  # noqa: F401  (registers the tables on the metadata)
from wiki.db import Base, make_engine

log = logging.getLogger("alembic.env")
config = context.config
url = config.attributes.get("database_url") or config.get_main_option("sqlalchemy.url")


def run_offline() -> None:
    context.configure(
        url=url, target_metadata=Base.metadata, render_as_batch=True, literal_binds=True
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    engine = make_engine(url)
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            # Batch migrations recreate parent tables; with FKs on, SQLite would silently
            # cascade-delete their children. Must be set outside a transaction.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        context.configure(
            connection=connection, target_metadata=Base.metadata, render_as_batch=True
        )
        with context.begin_transaction():
            context.run_migrations()
        if connection.dialect.name == "sqlite":
            problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if problems:
                log.error("Foreign key problems after migration: %s", problems)
    engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
