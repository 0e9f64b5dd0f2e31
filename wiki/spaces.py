"""Spaces (one per accompaniment) and who belongs to them."""

from __future__ import annotations

import datetime as dt
import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, bindparam, func, or_, select

from . import events
from .db import db
from .errors import NotFound, PermissionDenied, ValidationError
from .models import ROLES, SLUG_MAX, TITLE_MAX, VISIBILITIES, Membership, Space, User
from .permissions import SPACE_NOT_FOUND, Action, can_create_space, require
from .slugs import has_visible_character, slugify

DESCRIPTION_MAX = 5000
#: the largest number an INTEGER column holds on every backend; a larger id in a URL or a
#: form would make the database fail instead of finding nothing.
ID_MAX = 2**31 - 1
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")


def in_id_range(value: int | None) -> bool:
    return value is not None and 1 <= value <= ID_MAX


def one_line(text: str) -> str:
    """``text`` on one line: control characters (NUL breaks PostgreSQL, others break
    the Atom feed) become spaces, runs of spaces one space."""
    return " ".join(_CONTROL_CHARS.sub(" ", text or "").split())


def clean_title(title: str) -> str:
    """``title`` on one line; refused when empty, too long, or with nothing to see in it.

    The length counted is the one sent, so that it is the limit the API document states.
    """
    too_long = len(title or "") > TITLE_MAX
    title = one_line(title)
    if not title:
        raise ValidationError(_l("Le titre est obligatoire."), field="title")
    if not has_visible_character(title):
        # Zero-width spaces, bidi controls, BOM …: a title nobody could read or click.
        raise ValidationError(
            _l(
                "Le titre doit contenir au moins une lettre, un chiffre ou un signe visible "
                "(les espaces et caractères invisibles ne comptent pas)."
            ),
            field="title",
        )
    if too_long:
        raise ValidationError(
            _l("Le titre dépasse %(max)s caractères.", max=TITLE_MAX), field="title"
        )
    return title


def _check_space_fields(description: str, starts_on, ends_on, visibility: str) -> None:
    if len(description or "") > DESCRIPTION_MAX:
        raise ValidationError(
            _l("La description dépasse %(max)s caractères.", max=DESCRIPTION_MAX),
            field="description",
        )
    if visibility not in VISIBILITIES:
        raise ValidationError(_l("Visibilité inconnue."), field="visibility")
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError(_l("La date de fin précède la date de début."), field="ends_on")


def _clean_description(description: str) -> str:
    return (description or "").replace("\x00", "").strip()


def _unique_space_slug(title: str) -> str:
    base = slugify(title, max_length=SLUG_MAX - 6) or "espace"
    slug, n = base, 1
    while db.session.scalar(select(Space.id).where(Space.slug == slug)) is not None:
        n += 1
        slug = f"{base}-{n}"
    return slug


def create_space(
    user: User,
    title: str,
    *,
    description: str = "",
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    visibility: str = "members",
    quota_bytes: int | None = None,
) -> Space:
    if not can_create_space(user):
        raise PermissionDenied(_l("Vous n'avez pas le droit de créer un espace."))
    title = clean_title(title)
    _check_space_fields(description, starts_on, ends_on, visibility)
    space = Space(
        slug=_unique_space_slug(title),
        title=title,
        description=_clean_description(description),
        starts_on=starts_on,
        ends_on=ends_on,
        visibility=visibility,
    )
    if quota_bytes is not None:
        space.quota_bytes = quota_bytes
    db.session.add(space)
    db.session.flush()
    db.session.add(Membership(space_id=space.id, user_id=user.id, role="facilitator"))
    db.session.commit()
    events.space_saved.send(space)
    return space


def update_space(
    user: User,
    space: Space,
    *,
    title: str,
    description: str,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
    visibility: str,
) -> Space:
    require(user, space, Action.MANAGE)
    title = clean_title(title)
    _check_space_fields(description, starts_on, ends_on, visibility)
    space.title, space.description = title, _clean_description(description)
    space.starts_on, space.ends_on, space.visibility = starts_on, ends_on, visibility
    db.session.commit()
    events.space_saved.send(space)
    return space


# built once: a page view looks its space up first
_SPACE_AT_SLUG = select(Space).where(Space.slug == bindparam("slug"))


def find_space(ref: str | int) -> Space:
    """The space with this id or slug, whoever asks (callers check permissions)."""
    ref_text = str(ref)
    space = None
    if "\x00" not in ref_text:
        if ref_text.isascii() and ref_text.isdigit() and in_id_range(int(ref_text)):
            query = select(Space).where(or_(Space.id == int(ref_text), Space.slug == ref_text))
            space = db.session.scalar(query)
        else:
            space = db.session.scalar(_SPACE_AT_SLUG, {"slug": ref_text})
    if space is None:
        raise NotFound(SPACE_NOT_FOUND)
    return space


def get_space(
    user: User | None, ref: str | int, action: Action = Action.READ, *, writing: bool | None = None
) -> Space:
    space = find_space(ref)
    require(user, space, action, writing=writing)
    return space


def spaces_for(user: User | None) -> Select[tuple[Space]]:
    """Spaces this person belongs to (all of them for an admin), newest first."""
    query = select(Space).order_by(Space.created_at.desc(), Space.id.desc())
    if user is None or not user.is_authenticated:
        return query.where(False)
    if user.is_admin:
        return query
    return query.join(Membership, Membership.space_id == Space.id).where(
        Membership.user_id == user.id
    )


def members(space: Space) -> list[Membership]:
    order = {"facilitator": 0, "participant": 1, "reader": 2}
    rows = db.session.scalars(
        select(Membership).where(Membership.space_id == space.id).join(User)
    ).all()
    return sorted(rows, key=lambda m: (order.get(m.role, 9), m.user.name.lower()))


def check_role(role: str) -> str:
    if role not in ROLES:
        raise ValidationError(
            _l("Rôle inconnu : choisissez animateur·rice, participant·e ou lecteur·rice."),
            field="role",
        )
    return role


def add_member(actor: User, space: Space, user: User, role: str) -> Membership:
    require(actor, space, Action.MANAGE)
    return join_space(space, user, check_role(role))


def join_space(space: Space, user: User, role: str) -> Membership:
    """Make ``user`` a member; an existing member keeps the higher of the two roles."""
    membership = db.session.scalar(
        select(Membership).where(Membership.space_id == space.id, Membership.user_id == user.id)
    )
    if membership is None:
        membership = Membership(space_id=space.id, user_id=user.id, role=role)
        db.session.add(membership)
    elif ROLES.index(role) < ROLES.index(membership.role):
        membership.role = role
    db.session.commit()
    return membership


def _membership(space: Space, user_id: int) -> Membership:
    membership = None
    if in_id_range(user_id):
        membership = db.session.scalar(
            select(Membership).where(Membership.space_id == space.id, Membership.user_id == user_id)
        )
    if membership is None:
        raise NotFound(_l("Cette personne ne fait pas partie de l'espace."))
    return membership


def _facilitator_count(space: Space) -> int:
    return (
        db.session.scalar(
            select(func.count(Membership.id)).where(
                Membership.space_id == space.id, Membership.role == "facilitator"
            )
        )
        or 0
    )


def set_role(actor: User, space: Space, user_id: int, role: str) -> Membership:
    require(actor, space, Action.MANAGE)
    membership = _membership(space, user_id)
    check_role(role)
    if (
        membership.role == "facilitator"
        and role != "facilitator"
        and _facilitator_count(space) == 1
    ):
        raise ValidationError(_l("Un espace garde au moins un·e animateur·rice."), field="role")
    membership.role = role
    db.session.commit()
    return membership


def remove_member(actor: User, space: Space, user_id: int) -> None:
    require(actor, space, Action.MANAGE)
    membership = _membership(space, user_id)
    if membership.role == "facilitator" and _facilitator_count(space) == 1:
        raise ValidationError(_l("Un espace garde au moins un·e animateur·rice."), field="role")
    db.session.delete(membership)
    db.session.commit()
