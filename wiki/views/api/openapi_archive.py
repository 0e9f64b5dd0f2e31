"""The archive part of the OpenAPI document (issue 11), merged by ``merge_archive``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...archive import REASON_MAX

Json = dict[str, Any]


def _ref(name: str) -> Json:
    return {"$ref": f"#/components/schemas/{name}"}


SCHEMAS: Json = {
    "ArchiveExport": {
        "type": "object",
        "required": ["id", "format", "status", "sha256", "download_url"],
        "properties": {
            "id": {"type": "string"},
            "format": {"type": "string", "enum": ["pdf", "html", "markdown"]},
            "status": {"type": "string", "enum": ["queued", "running", "done", "failed"]},
            "sha256": {
                "type": ["string", "null"],
                "description": "Empreinte SHA-256 du fichier, une fois fait.",
            },
            "download_url": {"type": ["string", "null"]},
        },
    },
    "ArchiveRecord": {
        "type": "object",
        "required": ["id", "archived_at", "archived_by", "reopened_at", "exports"],
        "properties": {
            "id": {"type": "integer"},
            "archived_at": {"type": "string", "format": "date-time"},
            "archived_by": _ref("UserRef"),
            "reopened_at": {"type": ["string", "null"], "format": "date-time"},
            "exports": {"type": "array", "items": _ref("ArchiveExport")},
        },
    },
    "SpaceArchive": {
        "type": "object",
        "required": ["space", "archive"],
        "properties": {"space": _ref("Space"), "archive": _ref("ArchiveRecord")},
    },
    "ReopenInput": {
        "type": "object",
        "required": ["reason"],
        "properties": {"reason": {"type": "string", "minLength": 1, "maxLength": REASON_MAX}},
    },
    "DuplicateInput": {
        "type": "object",
        "required": ["title"],
        "properties": {
            "title": {"type": "string", "minLength": 1, "maxLength": 200},
            "members": {
                "type": "boolean",
                "description": "Inclure les membres (faux par défaut).",
            },
        },
    },
}


def merge_archive(
    paths: Json,
    schemas: Json,
    *,
    op: Callable[..., Json],
    ok: Callable[..., Json],
    body: Callable[..., Json],
    space: Json,
) -> None:
    paths["/spaces/{space}/archive"] = {
        "post": op(
            "Archiver l'espace (animateur·rice) : lecture seule pour tout le monde, exports "
            "du mémoire (PDF, site, Markdown) faits maintenant, avec leur SHA-256.",
            {"201": ok("L'espace archivé et son archive.", _ref("SpaceArchive"))},
            params=(space,),
            errors=(401, 403, 404, 423),
        ),
        "delete": op(
            "Rouvrir l'espace archivé (administration de l'instance), avec une raison "
            "gardée au journal.",
            {"200": ok("L'espace rouvert et l'archive close.", _ref("SpaceArchive"))},
            params=(space,),
            body=body(_ref("ReopenInput")),
            errors=(400, 401, 403, 404, 409, 413, 415),
        ),
    }
    paths["/spaces/{space}/duplicate"] = {
        "post": op(
            "Dupliquer l'espace (animateur·rice, archivé ou non) : pages, arborescence, "
            "modèles, questionnaires sans réponses, ressources ; membres au choix.",
            {"201": ok("Le nouvel espace ; vous en êtes animateur·rice.", _ref("Space"))},
            params=(space,),
            body=body(_ref("DuplicateInput")),
            errors=(400, 401, 403, 404, 413, 415),
        ),
    }
    schemas.update(SCHEMAS)
