"""API: the resource area of a space (uploaded files and links)."""

from __future__ import annotations

from flask import current_app, jsonify, request
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage

from ... import resources, spaces
from ...errors import ValidationError
from ...models import Resource, Space, User
from . import api_blueprint
from .auth import api_user
from .parsing import Body, checked_space_ref, json_or_form_body, query_choice, query_text
from .serializers import resource_json


@api_blueprint.get("/spaces/<space>/resources")
def list_resources(space: str):
    user = api_user()
    found = spaces.get_space(user, checked_space_ref(space))
    kind = query_choice("kind", resources.KINDS)
    items = resources.list_resources(user, found, tag=query_text("tag"), kind=kind)
    return jsonify([resource_json(resource, found) for resource in items])


def _uploaded_file(body: Body) -> FileStorage | None:
    upload = request.files.get("file") if body.is_form else None
    if upload is None or not upload.filename:
        return None
    if body.has("url"):
        # One request adds one resource: which of the two was meant is not ours to guess.
        raise ValidationError(
            _l(
                "Envoyez soit un fichier (champ « file »), soit un lien (champ « url »), "
                "pas les deux."
            ),
            field="url",
        )
    return upload


def _add_file(user: User, space: Space, upload: FileStorage, body: Body) -> Resource:
    return resources.add_file(
        user,
        space,
        filename=upload.filename or "",
        stream=upload.stream,
        title=body.string("title"),
        description=body.string("description"),
        tags=body.tags(),
        max_bytes=current_app.config["UPLOAD_MAX_BYTES"],
        upload_dir=current_app.config["UPLOAD_DIR"],
    )


@api_blueprint.post("/spaces/<space>/resources")
def add_resource(space: str):
    user = api_user()
    found = spaces.get_space(user, checked_space_ref(space))
    body = json_or_form_body()
    upload = _uploaded_file(body)
    if upload is not None:
        resource = _add_file(user, found, upload, body)
    elif body.has("url"):
        resource = resources.add_link(
            user,
            found,
            url=body.string("url"),
            title=body.string("title"),
            description=body.string("description"),
            tags=body.tags(),
        )
    else:
        raise ValidationError(
            _l("Joignez un fichier (champ « file ») ou indiquez un lien (champ « url »)."),
            field="file",
        )
    return jsonify(resource_json(resource, found)), 201
