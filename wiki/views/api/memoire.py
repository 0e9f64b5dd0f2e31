"""API: a space's mémoire (its cover and selection) and the caller's credit consent."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask_babel import lazy_gettext as _l

from ... import credits, memoire, memoire_curation, spaces
from ...db import db
from ...errors import ValidationError
from ...models import Space
from ...permissions import Action
from . import api_blueprint
from .auth import api_user
from .parsing import checked_space_ref, json_body


def _memoire_json(space: Space) -> dict[str, Any]:
    cover = memoire.cover(space)
    chosen, _available = memoire_curation.builder_lists(space)
    return {
        "cover": {
            **{name: getattr(cover, name) for name in memoire.COVER_FIELDS},
            "participants": [
                {"name": name, "structure": structure} for name, structure in cover.participants
            ],
        },
        "stored_cover": memoire.stored_cover(space),
        "saved": cover.has_selection,
        "selection": [entry.as_json() for entry in chosen],
    }


@api_blueprint.get("/spaces/<space>/memoire")
def get_memoire(space: str):
    found = spaces.get_space(api_user(), checked_space_ref(space))
    return jsonify(_memoire_json(found))


@api_blueprint.put("/spaces/<space>/memoire")
def put_memoire(space: str):
    found = spaces.get_space(api_user(), checked_space_ref(space), Action.MANAGE)
    body = json_body()
    data = request.get_json(silent=True) or {}
    if not body.has("cover") and not body.has("selection"):
        raise ValidationError(_l("Indiquez « cover » ou « selection »."), field="cover")
    cover = data.get("cover")
    if body.has("cover") and not isinstance(cover, dict):
        raise ValidationError(_l("« cover » doit être un objet."), field="cover")
    items = memoire.parse_selection(found, data["selection"]) if body.has("selection") else None
    if isinstance(cover, dict):
        memoire.save_cover(api_user(), found, cover)
    if items is not None:
        memoire.save_selection(api_user(), found, [item.as_json() for item in items])
    db.session.refresh(found)
    return jsonify(_memoire_json(found))


@api_blueprint.put("/spaces/<space>/memoire/credit")
def put_credit(space: str):
    found = spaces.get_space(api_user(), checked_space_ref(space))
    body = json_body()
    consent = credits.set_consent(
        api_user(), found, body.string("choice", required=True), body.string("structure")
    )
    return jsonify(choice=consent.choice, structure=consent.structure)
