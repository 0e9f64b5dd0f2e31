"""API: the resource area of a space (uploaded files and links)."""

from __future__ import annotations

from flask import current_app, jsonify, request
from flask_babel import lazy_gettext as _l

from ... import resources, spaces
from ...errors import ValidationError
from . import api_blueprint
from .auth import api_user
from .parsing import checked_space_ref, json_or_form_body, query_text
from .serializers import resource_json


@api_blueprint.get("/spaces/<space>/resources")
def list_resources(space: str):
    user = api_user()
    found = spaces.get_space(user, checked_space_ref(space))
    items = resources.list_resources(user, found, tag=query_text("tag"), kind=query_text("kind"))
    return jsonify([resource_json(resource, found) for resource in items])


@api_blueprint.post("/spaces/<space>/resources")
def add_resource(space: str):
    user = api_user()
    found = spaces.get_space(user, checked_space_ref(space))
    body = json_or_form_body()
    upload = request.files.get("file") if body.is_form else None
    title, description, tags = body.string("title"), body.string("description"), body.tags()
    if upload is not None and upload.filename:
        resource = resources.add_file(
            user,
            found,
            filename=upload.filename,
            stream=upload.stream,
            title=title,
            description=description,
            tags=tags,
            max_bytes=current_app.config["UPLOAD_MAX_BYTES"],
            upload_dir=current_app.config["UPLOAD_DIR"],
        )
    elif body.has("url"):
        resource = resources.add_link(
            user, found, url=body.string("url"), title=title, description=description, tags=tags
        )
    else:
        raise ValidationError(
            _l("Joignez un fichier (champ « file ») ou indiquez un lien (champ « url »)."),
            field="file",
        )
    return jsonify(resource_json(resource, found)), 201
