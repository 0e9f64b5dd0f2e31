"""API: the caller's own personal tokens — list them (never their secret), revoke one."""

from __future__ import annotations

from flask import g, jsonify

from ... import tokens
from ...models import ApiToken
from . import api_blueprint
from .auth import api_user
from .serializers import Json, iso


def token_json(token: ApiToken) -> Json:
    return {
        "id": token.id,
        "name": token.name,
        "created_at": iso(token.created_at),
        "last_used_at": iso(token.last_used_at),
        "current": token.id == g.get("api_token_id"),
    }


@api_blueprint.get("/tokens")
def list_tokens():
    return jsonify([token_json(token) for token in tokens.of_user(api_user())])


@api_blueprint.delete("/tokens/<int:id>")
def revoke_token(id: int):  # the path's name is the document's: {id}
    tokens.revoke(api_user(), id)
    return "", 204
