"""One-time password-reset links issued by an instance admin (no e-mail server needed).

The admin hands the link over (message, paper, phone); it works once and expires after
``PASSWORD_RESET_HOURS`` (24 by default). Only the token's SHA-256 is stored. Using it sets
the new password and ends every session of the person: whoever held one is signed out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update
from werkzeug.security import generate_password_hash

from . import accounts, sessions
from .db import db
from .errors import NotFound, PermissionDenied
from .models import User, utcnow
from .models_sessions import PasswordReset

DEFAULT_HOURS = 24
TOKEN_MAX = 100


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(actor: User, user_id: int, *, hours: float = DEFAULT_HOURS) -> tuple[User, str]:
    """A new link for ``user_id`` (earlier unused ones stop working); returns the token."""
    if not actor.is_admin:
        raise PermissionDenied(_l("Seule l'administration de l'instance peut faire cela."))
    user = accounts.get_user(user_id)
    db.session.execute(delete(PasswordReset).where(PasswordReset.user_id == user.id))
    token = secrets.token_urlsafe(32)
    expires = utcnow() + dt.timedelta(hours=hours)
    db.session.add(
        PasswordReset(
            user_id=user.id, token_hash=_hash(token), created_by_id=actor.id, expires_at=expires
        )
    )
    db.session.commit()
    return user, token


def check(token: str) -> PasswordReset:
    """The reset this token opens; NotFound when unknown, used or expired (one message:
    the link says nothing about why)."""
    reset = None
    if token and len(token) <= TOKEN_MAX:
        reset = db.session.scalar(
            select(PasswordReset).where(PasswordReset.token_hash == _hash(token))
        )
    if reset is None or reset.used_at is not None or reset.expires_at <= utcnow():
        raise NotFound(
            _l("Ce lien n'est plus valable (déjà utilisé ou expiré). Demandez-en un nouveau.")
        )
    return reset


def use(token: str, new_password: str) -> User:
    """Set the new password, spend the link, end every session of the person."""
    reset = check(token)
    user = accounts.get_user(reset.user_id)
    password = accounts.check_password(new_password)
    user.password_hash = generate_password_hash(password)
    # spent in the same UPDATE that checks it was not: two uses at once, one wins
    spent = db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None))
        .values(used_at=utcnow())
    ).rowcount
    if spent != 1:
        db.session.rollback()
        raise NotFound(_l("Ce lien vient d'être utilisé. Demandez-en un nouveau."))
    db.session.commit()
    sessions.end_all(user)
    return user
