"""Who may do what in a space. Every service asks here; HTTP, API and Socket.IO share it."""

from __future__ import annotations

from enum import Enum

from sqlalchemy import select

from .db import db
from .errors import ArchivedSpace, AuthenticationRequired, NotFound, PermissionDenied
from .models import Membership, Space, User


class Action(Enum):
    READ = "read"
    EDIT = "edit"  # create, edit, rename, move, delete pages; add resources
    MANAGE = "manage"  # members, invitations, settings, trash, others' resources


ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    "facilitator": frozenset(Action),
    "participant": frozenset({Action.READ, Action.EDIT}),
    "reader": frozenset({Action.READ}),
}
WRITE_ACTIONS = frozenset({Action.EDIT, Action.MANAGE})


def role_of(user: User | None, space: Space) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(Membership.role).where(Membership.space_id == space.id, Membership.user_id == user.id)
    )


def allowed(user: User | None, space: Space, action: Action) -> bool:
    """True when ``user`` may perform ``action`` (archive state aside)."""
    if user is not None and getattr(user, "is_admin", False):
        return True
    role = role_of(user, space)
    if role is not None:
        return action in ROLE_ACTIONS[role]
    return action is Action.READ and space.visibility == "link"


def require(user: User | None, space: Space, action: Action) -> None:
    """Raise the domain error that explains why ``user`` may not do ``action``."""
    if not allowed(user, space, action):
        if not allowed(user, space, Action.READ):
            if user is None or not getattr(user, "is_authenticated", False):
                raise AuthenticationRequired("Connectez-vous pour accéder à cet espace.")
            raise NotFound("Cet espace n'existe pas ou vous n'y avez pas accès.")
        raise PermissionDenied("Votre rôle dans cet espace ne permet pas cette action.")
    if action in WRITE_ACTIONS and space.is_archived:
        raise ArchivedSpace("Cet espace est archivé : il se consulte mais ne se modifie plus.")


def can_create_space(user: User | None) -> bool:
    return bool(user and getattr(user, "is_authenticated", False) and (user.is_admin or user.can_create_spaces))
