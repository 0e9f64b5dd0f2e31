"""The exports part of the OpenAPI document (issue 11), merged by ``merge_exports``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...models_memoire import EXPORT_FORMATS, EXPORT_STATUSES, ITEM_KINDS

Json = dict[str, Any]

SCHEMAS: Json = {
    "ExportItem": {
        "type": "object",
        "required": ["item_kind"],
        "properties": {
            "item_kind": {"type": "string", "enum": list(ITEM_KINDS)},
            "ref_id": {"type": ["integer", "null"], "description": "L'id de la page."},
            "ref_key": {"type": "string", "description": "Le type comparé (tableau comparatif)."},
        },
    },
    "ExportRequest": {
        "type": "object",
        "required": ["format"],
        "properties": {
            "format": {"type": "string", "enum": list(EXPORT_FORMATS)},
            "selection": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/ExportItem"},
                "description": (
                    "Ce qui entre dans l'export, dans l'ordre ; par défaut la sélection "
                    "enregistrée du mémoire, sinon tout l'espace."
                ),
            },
        },
    },
    "ExportJob": {
        "type": "object",
        "required": ["id", "space_id", "format", "status", "progress", "download_url", "sha256"],
        "properties": {
            "id": {"type": "string"},
            "space_id": {"type": "integer"},
            "format": {"type": "string", "enum": list(EXPORT_FORMATS)},
            "status": {"type": "string", "enum": list(EXPORT_STATUSES)},
            "progress": {"type": "integer", "minimum": 0, "maximum": 100},
            "error": {"type": ["string", "null"], "description": "Code de l'échec."},
            "error_message": {"type": ["string", "null"]},
            "created_at": {"type": ["string", "null"], "format": "date-time"},
            "finished_at": {"type": ["string", "null"], "format": "date-time"},
            "download_url": {"type": ["string", "null"], "description": "Une fois terminé."},
            "sha256": {"type": ["string", "null"], "description": "SHA-256 du fichier."},
            "size_bytes": {"type": ["integer", "null"]},
            "archive_id": {"type": ["integer", "null"]},
        },
    },
}


def merge_exports(
    paths: Json,
    schemas: Json,
    *,
    op: Callable[..., Json],
    ok: Callable[..., Json],
    body: Callable[..., Json],
    path_param: Callable[..., Json],
    space: Json,
) -> None:
    job = {"$ref": "#/components/schemas/ExportJob"}
    job_ok = ok("La tâche d'export.", job)
    job_ok["headers"] = {
        "Location": {"description": "L'adresse de la tâche.", "schema": {"type": "string"}}
    }
    paths["/spaces/{space}/exports"] = {
        "post": op(
            "Lancer un export du mémoire (pdf, html ou markdown), en tâche de fond "
            "(animateurs ; possible sur un espace archivé).",
            {"202": job_ok},
            params=(space,),
            body=body({"$ref": "#/components/schemas/ExportRequest"}),
            errors=(400, 401, 403, 404, 413, 415),
        ),
    }
    paths["/exports/{id}"] = {
        "get": op(
            "Où en est un export : état, avancement, puis adresse du fichier et SHA-256.",
            {"200": ok("La tâche d'export.", job)},
            params=(path_param("id", "Identifiant de la tâche.", {"type": "string"}),),
            errors=(401, 403, 404),
        ),
    }
    schemas.update(SCHEMAS)
