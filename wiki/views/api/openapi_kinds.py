"""The page-kinds part of the OpenAPI document (issue 10): ``kind`` and ``legal_form`` on a
new page, ``kind`` on a page, and the comparison tables. Merged by ``merge_kinds`` into
``openapi.PATHS`` and ``openapi_schemas.SCHEMAS``; the enums come from the registry, so
the document names exactly the kinds the server creates.
"""

from __future__ import annotations

from typing import Any

from ... import kinds
from ...workshop_kinds import LEGAL_FORMS

Json = dict[str, Any]
_string: Json = {"type": "string"}


def _created_kinds() -> list[str]:
    """Kinds ``POST /spaces/{space}/pages`` makes (a questionnaire has its own route)."""
    return [k.name for k in kinds.all_kinds() if k.generic]


def _with_choice() -> list[str]:
    return [k.name for k in kinds.all_kinds() if k.generic and k.choice is not None]


def _page_input(schema: Json) -> None:
    created, with_choice = _created_kinds(), _with_choice()
    schema["properties"]["kind"] = {
        "type": "string",
        "enum": created,
        "default": kinds.PAGE.name,
        "description": "Type de page : la page part du modèle de ce type (sauf « markdown »).",
    }
    schema["properties"]["legal_form"] = {
        "type": "string",
        "enum": list(LEGAL_FORMS),
        "description": "Forme juridique, obligatoire pour une fiche statut (et pour elle seule).",
    }
    schema["anyOf"] = [
        {"required": ["kind", "legal_form"], "properties": {"kind": {"enum": with_choice}}},
        {
            "not": {"required": ["legal_form"]},
            "properties": {"kind": {"enum": [k for k in created if k not in with_choice]}},
        },
    ]


def _page(schema: Json) -> None:
    extra = schema["allOf"][1]
    extra["required"] = [*extra["required"], "kind"]
    extra["properties"]["kind"] = {"type": "string", "enum": kinds.names()}


COMPARISON: Json = {
    "type": "object",
    "required": ["kind", "columns", "rows"],
    "properties": {
        "kind": _string,
        "columns": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["page_id", "title"],
                "properties": {"page_id": {"type": "integer"}, "title": _string},
            },
        },
        "rows": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["section", "cells"],
                "properties": {
                    "section": _string,
                    "cells": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["page_id", "markdown", "html"],
                            "properties": {
                                "page_id": {"type": "integer"},
                                "markdown": _string,
                                "html": {"type": "string", "description": "HTML nettoyé."},
                            },
                        },
                    },
                },
            },
        },
    },
}


def merge_kinds(
    paths: Json, schemas: Json, *, op: Any, ok: Any, path_param: Any, space: Json
) -> None:
    _page_input(schemas["PageInput"])
    _page(schemas["Page"])
    schemas["Comparison"] = COMPARISON
    comparable = [k.name for k in kinds.all_kinds() if k.comparable]
    kind = path_param("kind", "Type de page comparé.", {"type": "string", "enum": comparable})
    paths["/spaces/{space}/comparisons/{kind}"] = {
        "get": op(
            "Le tableau comparatif : une ligne par section, une colonne par page du type.",
            {"200": ok("Le tableau.", {"$ref": "#/components/schemas/Comparison"})},
            params=(space, kind),
            errors=(400, 401, 404),
        )
    }
