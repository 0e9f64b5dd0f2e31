"""API: spaces and their members."""

from __future__ import annotations

from flask import Response, jsonify, url_for
from flask_babel import lazy_gettext as _l

from ... import accounts, spaces
from ...db import db
from ...errors import NotFound
from ...permissions import Action, role_of
from . import api_blueprint
from .auth import api_user
from .parsing import checked_space_ref, json_body
from .serializers import membership_json, space_json


def _created(body: object, location: str) -> tuple[Response, int, dict[str, str]]:
    return jsonify(body), 201, {"Location": location}


@api_blueprint.get("/spaces")
def list_spaces():
    user = api_user()
    found = db.session.scalars(spaces.spaces_for(user)).all()
    return jsonify([space_json(space, role_of(user, space)) for space in found])


@api_blueprint.post("/spaces")
def create_space():
    body = json_body()
    space = spaces.create_space(
        api_user(),
        body.string("title", required=True),
        description=body.string("description"),
        starts_on=body.date("starts_on"),
        ends_on=body.date("ends_on"),
        visibility=body.string("visibility", default="members"),
    )
    return _created(
        space_json(space, "facilitator"), url_for("api.get_space", space=space.slug, _external=True)
    )


@api_blueprint.get("/spaces/<space>")
def get_space(space: str):
    user = api_user()
    found = spaces.get_space(user, checked_space_ref(space))
    return jsonify(space_json(found, role_of(user, found)))


@api_blueprint.post("/spaces/<space>/members")
def add_member(space: str):
    user = api_user()
    found = spaces.get_space(user, checked_space_ref(space), Action.MANAGE)
    body = json_body()
    email = accounts.normalize_email(body.string("email", required=True))
    role = spaces.check_role(body.string("role", required=True))
    member = accounts.find_by_email(email)
    if member is None:
        raise NotFound(
            _l(
                "Aucun compte n'existe avec l'adresse %(email)s : "
                "envoyez plutôt un lien d'invitation à cette personne.",
                email=email,
            )
        )
    membership = spaces.add_member(user, found, member, role)
    return jsonify(membership_json(membership)), 201
