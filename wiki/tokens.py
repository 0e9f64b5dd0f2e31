"""Personal API tokens: create (the secret is shown once), list, revoke.

Only the SHA-256 of a token is stored. Revoking deletes the row, so the next HTTP request
with it is refused, and sends ``events.token_revoked`` so live connections opened with it
are closed (``collab`` listens). ``last_used_at`` is written at most every ``TOUCH_EVERY``:
an API call stays a read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from . import events
from .db import db
from .errors import NotFound, ValidationError
from .models import ApiToken, User, utcnow

#: ids are 32-bit keys: a larger number names nothing (and PostgreSQL refuses it)
ID_MAX = 2**31 - 1
NAME_MAX = 80
SECRET_MAX = 200
TOKENS_MAX = 50
TOUCH_EVERY = dt.timedelta(minutes=1)
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def clean_name(name: str) -> str:
    name = " ".join(_CONTROL_CHARS.sub(" ", name or "").split())
    if len(name) > NAME_MAX:
        raise ValidationError(_l("Le nom dépasse %(max)s caractères.", max=NAME_MAX), field="name")
    return name


def create(user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new token for ``user``; returns the row and the secret (never stored)."""
    name = clean_name(name)
    count = db.session.scalar(select(func.count(ApiToken.id)).where(ApiToken.user_id == user.id))
    if (count or 0) >= TOKENS_MAX:
        raise ValidationError(
            _l("Vous avez déjà %(max)s jetons : révoquez-en un d'abord.", max=TOKENS_MAX),
            field="name",
        )
    secret = "cercle_" + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, token_hash=_hash(secret), name=name)
    db.session.add(token)
    db.session.commit()
    return token, secret


def find(secret: str) -> ApiToken | None:
    """The token with this secret, or None (unknown or revoked)."""
    if not secret or len(secret) > SECRET_MAX:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash(secret)))
    if token is not None and (
        token.last_used_at is None or utcnow() - token.last_used_at > TOUCH_EVERY
    ):
        token.last_used_at = utcnow()
        db.session.commit()
    return token


def of_user(user: User) -> list[ApiToken]:
    query = select(ApiToken).where(ApiToken.user_id == user.id)
    return list(db.session.scalars(query.order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def revoke(user: User, token_id: int) -> None:
    """Revoke one of ``user``'s own tokens; someone else's is "not found", as a missing one."""
    token = db.session.get(ApiToken, token_id) if 0 < token_id <= ID_MAX else None
    if token is None or token.user_id != user.id:
        raise NotFound(_l("Ce jeton n'existe pas ou a déjà été révoqué."))
    db.session.delete(token)
    db.session.commit()
    events.token_revoked.send(token, user_id=user.id, token_id=token_id)
