"""Flask-Login glue for server-side sessions (``wiki.sessions``): load, sign in, sign out.

Every ``login_user`` (sign-in form, joining by invitation, a reset link) sends Flask-Login's
``user_logged_in``; its handler opens a session row and puts ``s:<key>`` where Flask-Login
keeps the user id, so no caller needs to know. The row of the current request is cached on
``g.user_session`` by the user loader (Flask-Login itself caches the user on ``g``).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, g, request, session
from flask_login import logout_user, user_logged_in

from . import sessions
from .models import User
from .models_sessions import UserSession


def load_user(cookie_value: str) -> User | None:
    found = sessions.resolve(cookie_value)
    if found is None:
        return None
    user, g.user_session = found
    return user


def current_session() -> UserSession | None:
    return g.get("user_session")


def current_session_id() -> int | None:
    row = current_session()
    return row.id if row is not None else None


def sign_out() -> None:
    """End this browser's session on the server, then forget it in the cookie."""
    row = current_session()
    if row is not None:
        sessions.end(row.id)
        g.pop("user_session", None)
    logout_user()


def _on_login(_app: Flask, user: Any, **_extra: Any) -> None:
    row, key = sessions.start(user, request.headers.get("User-Agent", ""))
    session["_user_id"] = sessions.cookie_id(key)
    g.user_session = row


def init_app(_app: Flask) -> None:
    # one module-level receiver for every app (connecting it again is a no-op), so tests
    # that build many apps do not keep each of them alive through the signal
    user_logged_in.connect(_on_login)
