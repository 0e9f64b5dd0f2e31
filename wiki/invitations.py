"""Invitation links: a role, an optional expiry and an optional number of uses."""

from __future__ import annotations

import datetime as dt
import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from . import accounts
from .db import db
from .errors import ArchivedSpace, NotFound, ValidationError
from .models import Invitation, Membership, Space, User, utcnow
from .permissions import ARCHIVED_MESSAGE, Action, require
from .spaces import check_role, in_id_range, join_space

MAX_DAYS = 365
MAX_USES = 10000


def create_invitation(
    actor: User, space: Space, role: str, *, days: int | None = 14, max_uses: int | None = None
) -> Invitation:
    require(actor, space, Action.MANAGE)
    check_role(role)
    if days is not None and not 1 <= days <= MAX_DAYS:
        raise ValidationError(_l("La durée va de 1 à %(max)s jours.", max=MAX_DAYS), field="days")
    if max_uses is not None and not 1 <= max_uses <= MAX_USES:
        raise ValidationError(
            _l("Le nombre d'utilisations va de 1 à %(max)s.", max=MAX_USES), field="max_uses"
        )
    invitation = Invitation(
        space_id=space.id,
        token=secrets.token_urlsafe(18),
        role=role,
        expires_at=utcnow() + dt.timedelta(days=days) if days else None,
        max_uses=max_uses,
        created_by_id=actor.id,
    )
    db.session.add(invitation)
    db.session.commit()
    return invitation


def invitations_of(space: Space) -> list[Invitation]:
    return list(
        db.session.scalars(
            select(Invitation)
            .where(Invitation.space_id == space.id, Invitation.revoked_at.is_(None))
            .order_by(Invitation.created_at.desc())
        )
    )


def revoke_invitation(actor: User, space: Space, invitation_id: int) -> None:
    require(actor, space, Action.MANAGE)
    invitation = db.session.get(Invitation, invitation_id) if in_id_range(invitation_id) else None
    if invitation is None or invitation.space_id != space.id:
        raise NotFound(_l("Cette invitation n'existe pas."))
    invitation.revoked_at = utcnow()
    db.session.commit()


def is_usable(invitation: Invitation) -> bool:
    if invitation.revoked_at is not None:
        return False
    if invitation.expires_at is not None and invitation.expires_at < utcnow():
        return False
    return invitation.max_uses is None or invitation.uses < invitation.max_uses


def find_invitation(token: str) -> Invitation:
    token = (token or "")[:64]
    invitation = None
    if "\x00" not in token:
        invitation = db.session.scalar(select(Invitation).where(Invitation.token == token))
    if invitation is None or not is_usable(invitation):
        raise NotFound(_l("Ce lien d'invitation n'est plus valable. Demandez-en un nouveau."))
    return invitation


def _joinable(token: str) -> Invitation:
    """The invitation, if its space still takes members (an archived space does not)."""
    invitation = find_invitation(token)
    if invitation.space.is_archived:
        raise ArchivedSpace(ARCHIVED_MESSAGE)
    return invitation


def accept(token: str, user: User) -> Membership:
    invitation = _joinable(token)
    invitation.uses += 1
    return join_space(invitation.space, user, invitation.role)


def accept_as_newcomer(
    token: str, *, name: str, email: str, password: str
) -> tuple[User, Membership]:
    """The short join form: create the account and enter the space in one step."""
    _joinable(token)
    user = accounts.create_user(email, name, password)
    return user, accept(token, user)
