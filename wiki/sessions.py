"""Sign-in sessions kept on the server: ended by signing out, by a new password, or by hand.

The signed cookie holds ``s:<random key>`` where Flask-Login keeps the user id (and the
"remember me" cookie copies it); the row holds the key's SHA-256. So a request costs one
indexed lookup (``user_sessions.key_hash`` joined to ``users``), and deleting a row ends that
browser's session even if someone copied its cookie. ``last_seen_at`` is written at most
every ``TOUCH_EVERY``, so a page view is a read, not a write. Ending sessions sends
``events.sessions_ended``: live connections opened with them are closed (``collab``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from . import events
from .db import db
from .errors import NotFound
from .models import User, utcnow
from .models_sessions import UserSession

PREFIX = "s:"
TOUCH_EVERY = dt.timedelta(minutes=10)
USER_AGENT_MAX = 200


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def cookie_id(key: str) -> str:
    """What Flask-Login stores for this session (in place of the bare user id)."""
    return PREFIX + key


def start(user: User, user_agent: str = "") -> tuple[UserSession, str]:
    """A new session for ``user``; returns the row and the key for the cookie."""
    key = secrets.token_urlsafe(32)
    row = UserSession(user_id=user.id, key_hash=_hash(key), user_agent=user_agent[:USER_AGENT_MAX])
    db.session.add(row)
    db.session.commit()
    return row, key


def resolve(cookie_value: str) -> tuple[User, UserSession] | None:
    """The person and session a cookie names, or None (ended, forged, old-style)."""
    if not cookie_value.startswith(PREFIX) or len(cookie_value) > 100:
        return None
    found = db.session.execute(
        select(User, UserSession)
        .join(UserSession, UserSession.user_id == User.id)
        .where(UserSession.key_hash == _hash(cookie_value.removeprefix(PREFIX)))
    ).first()
    if found is None:
        return None
    user, row = found
    if utcnow() - row.last_seen_at > TOUCH_EVERY:
        row.last_seen_at = utcnow()
        db.session.commit()
    return user, row


def _ended(session_ids: list[int]) -> list[int]:
    """Delete these rows; ``events.sessions_ended`` closes what they had open live."""
    if session_ids:
        db.session.execute(delete(UserSession).where(UserSession.id.in_(session_ids)))
    db.session.commit()
    if session_ids:
        events.sessions_ended.send(None, session_ids=session_ids)
    return session_ids


def end(session_id: int) -> None:
    _ended([session_id])


def end_all(user: User, *, keep: int | None = None) -> int:
    """End ``user``'s sessions, but ``keep`` (the one asking); returns how many ended."""
    query = select(UserSession.id).where(UserSession.user_id == user.id)
    if keep is not None:
        query = query.where(UserSession.id != keep)
    return len(_ended(list(db.session.scalars(query))))


def end_one(user: User, session_id: int) -> None:
    """End one of ``user``'s own sessions (from their profile)."""
    row = db.session.get(UserSession, session_id)
    if row is None or row.user_id != user.id:
        raise NotFound(_l("Cette session n'existe plus."))
    end(row.id)


def of_user(user: User) -> list[UserSession]:
    query = select(UserSession).where(UserSession.user_id == user.id)
    return list(db.session.scalars(query.order_by(UserSession.last_seen_at.desc())))
