"""Who may do what in a space. Every service asks here; HTTP, API and Socket.IO share it."""

from __future__ import annotations

from enum import Enum

from flask_babel import lazy_gettext as _l
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
SPACE_NOT_FOUND = _l("Cet espace n'existe pas ou vous n'y avez pas accès.")
ARCHIVED_MESSAGE = _l("Cet espace est archivé : il se consulte mais ne se modifie plus.")


def role_of(user: User | None, space: Space) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(Membership.role).where(
            Membership.space_id == space.id, Membership.user_id == user.id
        )
    )


def allowed(user: User | None, space: Space, action: Action) -> bool:
    """True when ``user`` may perform ``action`` (archive state aside)."""
    if user is not None and getattr(user, "is_admin", False):
        return True
    role = role_of(user, space)
    if role is not None:
        return action in ROLE_ACTIONS[role]
    return action is Action.READ and space.visibility == "link"


def can(user: User | None, space: Space, action: Action) -> bool:
    """The one rule the pages show buttons by: ``user`` may do ``action`` and, when it
    writes (EDIT, MANAGE), the space is not archived. ``require`` raises for the same cases."""
    if action in WRITE_ACTIONS and space.is_archived:
        return False
    return allowed(user, space, action)


def _signed_in(user: User | None) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False))


def require(
    user: User | None, space: Space, action: Action, *, writing: bool | None = None
) -> None:
    """Raise the domain error that explains why ``user`` may not do ``action``.

    ``writing`` says whether the action changes the space, which an archived space
    refuses to everyone; it defaults to what ``action`` usually does (looking at the
    trash or the member list is MANAGE without writing).
    """
    if writing is None:
        writing = action in WRITE_ACTIONS
    if allowed(user, space, action):
        if writing and space.is_archived:
            raise ArchivedSpace(ARCHIVED_MESSAGE)
        return
    if not _signed_in(user):
        raise AuthenticationRequired(_l("Connectez-vous pour accéder à cet espace."))
    if not allowed(user, space, Action.READ):
        raise NotFound(SPACE_NOT_FOUND)
    if writing and space.is_archived:
        raise ArchivedSpace(ARCHIVED_MESSAGE)
    raise PermissionDenied(_l("Votre rôle dans cet espace ne permet pas cette action."))


def can_create_space(user: User | None) -> bool:
    return bool(
        user
        and getattr(user, "is_authenticated", False)
        and (user.is_admin or user.can_create_spaces)
    )
