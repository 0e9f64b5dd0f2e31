"""Credit consent: how each member of a space is named in its mémoire and its exports.

Every export asks ``credit_name`` for each person it would print (cover, history credits,
named questionnaire answers, Métaplan authors) and prints nothing when it answers None.
A member who never chose is credited by full name, as in the space itself; the choice can
change until the space is archived.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .db import db
from .errors import ValidationError
from .models import Membership, Space, User
from .models_memoire import CREDIT_CHOICES, CreditConsent, _utcnow
from .permissions import Action, require

STRUCTURE_MAX = 200


def initials(name: str) -> str:
    """ "Camille Dupont-Martin" → "C. D.-M."; one initial per word and per hyphenated part."""
    words = []
    for word in name.split():
        parts = [part[0].upper() + "." for part in word.split("-") if part]
        if parts:
            words.append("-".join(parts))
    return " ".join(words)


def consent_of(space: Space, user_id: int) -> CreditConsent | None:
    return db.session.scalar(
        select(CreditConsent).where(
            CreditConsent.space_id == space.id, CreditConsent.user_id == user_id
        )
    )


def consents(space: Space) -> dict[int, CreditConsent]:
    rows = db.session.scalars(select(CreditConsent).where(CreditConsent.space_id == space.id))
    return {row.user_id: row for row in rows}


def name_for(user: User | None, consent: CreditConsent | None) -> str | None:
    """The name to print for ``user`` under ``consent``; None: print nothing."""
    if user is None:
        return None
    choice = consent.choice if consent else "full"
    if choice == "none":
        return None
    return initials(user.name) if choice == "initials" else user.name


class Credits:
    """The names of one space's people as its exports print them, loaded once per export."""

    def __init__(self, space: Space) -> None:
        self.space = space
        self._consents = consents(space)
        self._users: dict[int, User | None] = {}

    def name(self, user_id: int | None) -> str | None:
        if user_id is None:
            return None
        if user_id not in self._users:
            self._users[user_id] = db.session.get(User, user_id)
        return name_for(self._users[user_id], self._consents.get(user_id))

    def structure(self, user_id: int) -> str:
        consent = self._consents.get(user_id)
        return consent.structure if consent and consent.choice != "none" else ""

    def names(self, user_ids: list[int]) -> list[str]:
        """The printable names of ``user_ids``, in order, without the uncredited."""
        return [name for name in (self.name(uid) for uid in user_ids) if name]


def set_consent(user: User, space: Space, choice: str, structure: str = "") -> CreditConsent:
    """Record how ``user`` wants to be credited in ``space`` (members only; refused once
    the space is archived)."""
    require(user, space, Action.READ, writing=True)
    is_member = db.session.scalar(
        select(Membership.id).where(Membership.space_id == space.id, Membership.user_id == user.id)
    )
    if is_member is None:
        raise ValidationError(
            _l("Seuls les membres de l'espace choisissent comment ils sont cités.")
        )
    if choice not in CREDIT_CHOICES:
        raise ValidationError(
            _l("Choisissez : nom complet, initiales ou pas du tout."), field="choice"
        )
    structure = " ".join(structure.replace("\x00", " ").split())
    if len(structure) > STRUCTURE_MAX:
        raise ValidationError(
            _l("Le nom de la structure dépasse %(max)s caractères.", max=STRUCTURE_MAX),
            field="structure",
        )
    consent = consent_of(space, user.id)
    if consent is None:
        consent = CreditConsent(space_id=space.id, user_id=user.id)
        db.session.add(consent)
    consent.choice = choice
    consent.structure = structure
    consent.updated_at = _utcnow()
    db.session.commit()
    return consent


def has_chosen(space: Space, user: User | None) -> bool:
    """Whether ``user`` already said how to be credited (the space asks once)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return True
    is_member = db.session.scalar(
        select(Membership.id).where(Membership.space_id == space.id, Membership.user_id == user.id)
    )
    return is_member is None or consent_of(space, user.id) is not None


def members_choices(user: User, space: Space) -> list[tuple[User, CreditConsent | None]]:
    """Every member with their choice (None: not chosen yet), for the facilitators."""
    require(user, space, Action.MANAGE, writing=False)
    found = consents(space)
    members = db.session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.space_id == space.id)
        .order_by(User.name)
    )
    return [(member, found.get(member.id)) for member in members]
