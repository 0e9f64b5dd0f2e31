"""The tokens part of the OpenAPI document (issue 12), merged by ``merge_tokens``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...tokens import ID_MAX as TOKEN_ID_MAX
from ...tokens import NAME_MAX

Json = dict[str, Any]

SCHEMAS: Json = {
    "ApiToken": {
        "type": "object",
        "required": ["id", "name", "created_at", "last_used_at", "current"],
        "properties": {
            "id": {"type": "integer", "minimum": 1},
            "name": {"type": "string", "maxLength": NAME_MAX},
            "created_at": {"type": "string", "format": "date-time"},
            "last_used_at": {"type": ["string", "null"], "format": "date-time"},
            "current": {
                "type": "boolean",
                "description": "Le jeton de cet appel (faux avec une session de navigateur).",
            },
        },
    },
}


def merge_tokens(
    paths: Json,
    schemas: Json,
    *,
    op: Callable[..., Json],
    ok: Callable[..., Json],
    path_param: Callable[..., Json],
) -> None:
    token_id = path_param(
        "id", "Identifiant du jeton.", {"type": "integer", "minimum": 1, "maximum": TOKEN_ID_MAX}
    )
    paths["/tokens"] = {
        "get": op(
            "Vos jetons d'API personnels (jamais leur secret), les plus récents d'abord.",
            {
                "200": ok(
                    "Vos jetons.",
                    {"type": "array", "items": {"$ref": "#/components/schemas/ApiToken"}},
                )
            },
            errors=(401,),
        ),
    }
    paths["/tokens/{id}"] = {
        "delete": op(
            "Révoquer un de vos jetons : il est refusé aussitôt (HTTP et temps réel).",
            {"204": ok("Jeton révoqué.")},
            params=(token_id,),
            errors=(401, 404),
        ),
    }
    schemas.update(SCHEMAS)
