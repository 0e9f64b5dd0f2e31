"""Fixtures: a fresh app per test on SQLite and on PostgreSQL, and persona clients."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import pytest
from flask import Flask, g
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from werkzeug.security import generate_password_hash

from app import create_app
from wiki import sessions
from wiki.db import Base, db
from wiki.models import Membership, Space, User

PG_URL = os.environ.get("CERCLE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PASSWORD = "mot-de-passe-test"
BACKENDS = ["sqlite", "postgresql"]


@cache
def password_hash() -> str:
    return generate_password_hash(PASSWORD)


@pytest.fixture(scope="session")
def pg_admin_engine():
    engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


def _postgres_schema_url(pg_admin_engine, schema: str) -> str:
    with pg_admin_engine.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path) -> Iterator[str]:
    """A fresh, empty database: a file for SQLite, a throwaway schema for PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    admin = request.getfixturevalue("pg_admin_engine")
    schema = "t_" + uuid.uuid4().hex[:12]
    yield _postgres_schema_url(admin, schema)
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture
def app_config(tmp_path, database_url) -> dict:
    return {
        "TESTING": True,
        "DATA_DIR": tmp_path / "data",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": "cercle.test",
        # Index synchronously so a test sees its writes; the background worker has its own tests.
        "SEARCH_ASYNC": False,
    }


class IsolatedClient(FlaskClient):
    """Requests share the test's app context (and so ``g``); forget what a request cached
    there (signed-in user, locale), as separate real requests would, so two clients never
    leak into each other. The database session is kept: the test reads through it."""

    def open(self, *args, **kwargs):
        _forget_request_state()
        try:
            return super().open(*args, **kwargs)
        finally:
            _forget_request_state()


def _forget_request_state() -> None:
    for name in [name for name in vars(g) if name != "db_session"]:
        delattr(g, name)


@pytest.fixture
def app(app_config) -> Iterator[Flask]:
    (app_config["DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    application = create_app(app_config)
    application.test_client_class = IsolatedClient
    with application.app_context():
        Base.metadata.create_all(db.engine)
        yield application
        db.session.remove() if hasattr(db.session, "remove") else db.session.close()
        db.engine.dispose()


def make_user(email: str, name: str, **flags) -> User:
    user = User(email=email, name=name, password_hash=password_hash(), **flags)
    db.session.add(user)
    db.session.commit()
    return user


@dataclass
class Personas:
    space: Space
    admin: User
    facilitator: User
    participant: User
    reader: User
    outsider: User


@pytest.fixture
def personas(app) -> Personas:
    admin = make_user("admin@cercle.test", "Alix Admin", is_admin=True, can_create_spaces=True)
    facilitator = make_user("anim@cercle.test", "Camille Animatrice", can_create_spaces=True)
    participant = make_user("part@cercle.test", "Sami Participant")
    reader = make_user("lect@cercle.test", "Dominique Lectrice")
    outsider = make_user("dehors@cercle.test", "Lou Extérieure")
    space = Space(slug="cooperer", title="Coopérer sur le territoire", description="Démo")
    db.session.add(space)
    db.session.flush()
    for user, role in (
        (facilitator, "facilitator"),
        (participant, "participant"),
        (reader, "reader"),
    ):
        db.session.add(Membership(space_id=space.id, user_id=user.id, role=role))
    db.session.commit()
    return Personas(space, admin, facilitator, participant, reader, outsider)


def login_client(app: Flask, user: User | None) -> FlaskClient:
    client = app.test_client()
    if user is not None:
        _row, key = sessions.start(user)  # a real server-side session, as signing in opens
        with client.session_transaction() as session:
            session["_user_id"] = sessions.cookie_id(key)
            session["_fresh"] = True
    return client


@pytest.fixture
def client_for(app):
    return lambda user: login_client(app, user)


@pytest.fixture
def anonymous(app) -> FlaskClient:
    return app.test_client()
