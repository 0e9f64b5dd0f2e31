"""People: creation, passwords, sign-in with a rate limit, profiles (tokens: ``tokens``)."""

from __future__ import annotations

import datetime as dt
import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from . import sessions, tokens
from .db import db
from .errors import NotFound, PermissionDenied, TooManyAttempts, ValidationError
from .models import LoginAttempt, User, utcnow

EMAIL_RE = re.compile(r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+$")
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")
COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
PASSWORD_MIN = 8
NAME_MAX = 80
LOGIN_WINDOW = dt.timedelta(minutes=15)
LOGIN_MAX_FAILURES = 10
PALETTE = ("#2f6f9f", "#b5462a", "#3d8b4a", "#8a4fa3", "#c27c0e", "#1f8a8a", "#b03a6f", "#5a6b2f")


def normalize_email(email: str) -> str:
    email = (email or "").strip().lower()
    if len(email) > 254 or not EMAIL_RE.match(email):
        raise ValidationError(_l("Cette adresse e-mail n'est pas valide."), field="email")
    return email


def clean_name(name: str) -> str:
    name = " ".join(_CONTROL_CHARS.sub(" ", name or "").split())
    if not name:
        raise ValidationError(_l("Indiquez un nom."), field="name")
    if len(name) > NAME_MAX:
        raise ValidationError(_l("Le nom dépasse %(max)s caractères.", max=NAME_MAX), field="name")
    return name


def check_password(password: str) -> str:
    if len(password or "") < PASSWORD_MIN:
        raise ValidationError(
            _l("Le mot de passe doit compter au moins %(min)s caractères.", min=PASSWORD_MIN),
            field="password",
        )
    if len(password) > 1000:
        raise ValidationError(_l("Ce mot de passe est trop long."), field="password")
    return password


def find_by_email(email: str) -> User | None:
    email = (email or "").strip().lower()
    if "\x00" in email or len(email) > 254:
        return None  # no such address can exist (and PostgreSQL refuses NUL)
    return db.session.scalar(select(User).where(User.email == email))


def create_user(
    email: str, name: str, password: str, *, is_admin: bool = False, can_create_spaces: bool = False
) -> User:
    email = normalize_email(email)
    if find_by_email(email) is not None:
        raise ValidationError(_l("Un compte existe déjà avec cette adresse."), field="email")
    count = db.session.scalar(select(func.count(User.id))) or 0
    user = User(
        email=email,
        name=clean_name(name),
        password_hash=generate_password_hash(check_password(password)),
        color=PALETTE[count % len(PALETTE)],
        is_admin=is_admin,
        can_create_spaces=can_create_spaces or is_admin,
    )
    db.session.add(user)
    db.session.commit()
    return user


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_l("Cette personne n'existe pas."))
    return user


def authenticate(email: str, password: str, *, remote_addr: str = "") -> User:
    """Return the user for these credentials; count failures per e-mail and per address."""
    address = (email or "").strip().lower().replace("\x00", "")
    keys = [f"email:{address[:254]}", f"ip:{remote_addr[:45]}"]
    since = utcnow() - LOGIN_WINDOW
    for key in keys:
        failures = db.session.scalar(
            select(func.count(LoginAttempt.id)).where(
                LoginAttempt.key == key, LoginAttempt.created_at >= since
            )
        )
        if (failures or 0) >= LOGIN_MAX_FAILURES:
            raise TooManyAttempts(
                _l("Trop de tentatives de connexion. Réessayez dans quelques minutes.")
            )
    user = find_by_email(email)
    if user is None or not check_password_hash(user.password_hash, password or ""):
        db.session.add_all(LoginAttempt(key=key) for key in keys)
        db.session.execute(delete(LoginAttempt).where(LoginAttempt.created_at < since))
        db.session.commit()
        raise ValidationError(_l("Adresse e-mail ou mot de passe incorrect."), field="password")
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.key == keys[0]))
    db.session.commit()
    return user


def update_profile(
    user: User,
    *,
    name: str,
    color: str,
    locale: str | None = None,
    current_password: str = "",
    new_password: str = "",
    keep_session: int | None = None,
) -> User:
    """Check every field first, then save them together: all or nothing. A new password
    ends the person's other sessions (``keep_session``, the one asking, stays open)."""
    if not COLOR_RE.match(color or ""):
        raise ValidationError(_l("Choisissez une couleur valide."), field="color")
    if locale not in (None, "", "fr", "en"):
        raise ValidationError(_l("Langue inconnue."), field="locale")
    name = clean_name(name)
    password_hash = (
        _new_password_hash(user, current_password, new_password) if new_password else None
    )
    user.name, user.color, user.locale = name, color.lower(), locale or None
    if password_hash:
        user.password_hash = password_hash
    db.session.commit()
    if password_hash:
        sessions.end_all(user, keep=keep_session)
    return user


def _new_password_hash(user: User, current: str, new: str) -> str:
    if not check_password_hash(user.password_hash, current or ""):
        raise ValidationError(_l("Le mot de passe actuel est incorrect."), field="current_password")
    return generate_password_hash(check_password(new))


def create_token(user: User, name: str = "") -> str:
    """Create a personal API token (``wiki.tokens``); only its hash is stored, so show it once."""
    return tokens.create(user, name)[1]


def user_for_token(token: str) -> User | None:
    api_token = tokens.find(token)
    return api_token.user if api_token is not None else None


def all_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(func.lower(User.name))))


def allow_space_creation(actor: User, user_id: int, allowed: bool) -> User:
    """Instance admins decide who may open spaces besides themselves."""
    if not actor.is_admin:
        raise PermissionDenied(_l("Seule l'administration de l'instance peut changer ce droit."))
    user = get_user(user_id)
    user.can_create_spaces = allowed or user.is_admin
    db.session.commit()
    return user
