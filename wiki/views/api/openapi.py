"""The OpenAPI 3 description of the API, served at /api/v1/openapi.json.

Written by hand, next to the routes: a test checks that every route of the blueprint
appears here, with its methods, and that nothing else does.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify

from . import api_blueprint
from .openapi_archive import merge_archive
from .openapi_exports import merge_exports
from .openapi_kinds import merge_kinds
from .openapi_memoire import merge_memoire
from .openapi_questionnaires import merge_into
from .openapi_schemas import ACCEPTED_FILE_TYPES, SCHEMAS, ref
from .openapi_tokens import merge_tokens
from .pages import REVISIONS_LIMIT_MAX, REVISIONS_OFFSET_MAX

Json = dict[str, Any]
PREFIX = "/api/v1"
_string: Json = {"type": "string"}


def _json(schema: Json) -> Json:
    return {"application/json": {"schema": schema}}


def _ok(description: str, schema: Json | None = None) -> Json:
    response: Json = {"description": description}
    if schema is not None:
        response["content"] = _json(schema)
    return response


def _errors(*statuses: int) -> Json:
    return {str(s): {"$ref": f"#/components/responses/E{s}"} for s in statuses}


def _body(schema: Json, description: str = "") -> Json:
    return {"required": True, "description": description, "content": _json(schema)}


def _path_param(name: str, description: str, schema: Json) -> Json:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": schema,
    }


def _query_param(name: str, description: str, schema: Json) -> Json:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


SPACE = _path_param("space", "Identifiant numérique ou slug de l'espace.", {"type": "string"})
PAGE_ID = _path_param("id", "Identifiant de la page.", {"type": "integer", "minimum": 1})
REVISION_N = _path_param("n", "Numéro de la version.", {"type": "integer", "minimum": 1})
READ_ERRORS = (401, 404)
WRITE_ERRORS = (400, 401, 403, 404, 409, 413, 415, 423)

_ERROR_RESPONSES = {
    400: "Entrée invalide (JSON mal formé, type ou champ manquant, valeur refusée).",
    401: "Jeton absent ou invalide.",
    403: "Votre rôle dans l'espace ne permet pas cette action.",
    404: "Introuvable, ou espace auquel vous n'avez pas accès.",
    409: "Conflit : page modifiée entre-temps (base_revision).",
    423: "Espace archivé : il se consulte mais ne se modifie plus.",
    413: "Texte ou fichier trop volumineux.",
    415: "Le corps doit être en JSON (ou en formulaire pour les ressources).",
}
RESPONSES: Json = {
    f"E{status}": {"description": text, "content": _json(ref("Error"))}
    for status, text in _ERROR_RESPONSES.items()
}


def _op(
    summary: str,
    responses: Json,
    *,
    params: tuple[Json, ...] = (),
    body: Json | None = None,
    errors: tuple[int, ...] = READ_ERRORS,
    public: bool = False,
) -> Json:
    if 403 in errors and 423 not in errors:  # what a role may write, an archive refuses
        errors = (*errors, 423)
    operation: Json = {"summary": summary, "responses": {**responses, **_errors(*errors)}}
    if params:
        operation["parameters"] = list(params)
    if body is not None:
        operation["requestBody"] = body
    if public:
        operation["security"] = []
    return operation


def _list(name: str) -> Json:
    return {"type": "array", "items": ref(name)}


PATHS: Json = {
    "/openapi.json": {
        "get": _op(
            "Ce document (OpenAPI 3).",
            {"200": _ok("Le document.", {"type": "object"})},
            errors=(),
            public=True,
        ),
    },
    "/spaces": {
        "get": _op(
            "Les espaces dont vous êtes membre (tous pour un·e admin).",
            {"200": _ok("Les espaces.", _list("Space"))},
            errors=(401,),
        ),
        "post": _op(
            "Créer un espace (droit « créer des espaces »).",
            {"201": _ok("L'espace créé ; vous en êtes animateur·rice.", ref("Space"))},
            body=_body(ref("SpaceInput")),
            errors=(400, 401, 403, 413, 415),
        ),
    },
    "/spaces/{space}": {
        "get": _op(
            "Un espace, avec votre rôle.", {"200": _ok("L'espace.", ref("Space"))}, params=(SPACE,)
        ),
    },
    "/spaces/{space}/members": {
        "post": _op(
            "Ajouter une personne qui a déjà un compte (animateur·rice).",
            {"201": _ok("L'adhésion.", ref("Membership"))},
            params=(SPACE,),
            body=_body(ref("MemberInput")),
            errors=WRITE_ERRORS,
        ),
    },
    "/spaces/{space}/pages": {
        "get": _op(
            "Les pages de l'espace (hors corbeille).",
            {"200": _ok("Les pages.", _list("PageSummary"))},
            params=(SPACE,),
        ),
        "post": _op(
            "Créer une page.",
            {"201": _ok("La page créée.", ref("Page"))},
            params=(SPACE,),
            body=_body(ref("PageInput")),
            errors=WRITE_ERRORS,
        ),
    },
    "/spaces/{space}/resources": {
        "get": _op(
            "Les ressources de l'espace, les plus récentes d'abord.",
            {"200": _ok("Les ressources.", _list("Resource"))},
            params=(
                SPACE,
                _query_param("tag", "Filtrer par étiquette.", _string),
                _query_param(
                    "kind",
                    "Filtrer par type.",
                    {"type": "string", "enum": ["file", "image", "link"]},
                ),
            ),
            errors=(400, 401, 404),
        ),
        "post": _op(
            "Déposer un fichier (multipart, champ « file ») ou ajouter un lien (« url »).",
            {"201": _ok("La ressource ajoutée.", ref("Resource"))},
            params=(SPACE,),
            body={
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": ref("FileUpload"),
                        "encoding": {"file": {"contentType": ACCEPTED_FILE_TYPES}},
                    },
                    "application/x-www-form-urlencoded": {"schema": ref("LinkInput")},
                    "application/json": {"schema": ref("LinkInput")},
                },
            },
            errors=WRITE_ERRORS,
        ),
    },
    "/search": {
        "get": _op(
            "Recherche plein texte (français) dans les espaces que vous pouvez lire.",
            {"200": _ok("Les résultats, les plus pertinents d'abord.", ref("SearchResults"))},
            params=(
                _query_param("q", 'Les mots ; « "expression" », préfixe*, -exclu.', _string),
                _query_param("space", "Identifiant ou slug d'un espace.", _string),
                _query_param(
                    "kind",
                    "Type de résultat.",
                    {"type": "string", "enum": ["page", "resource", "answer", "comment"]},
                ),
                _query_param(
                    "page",
                    "Page de résultats (1 à 50).",
                    {"type": "integer", "minimum": 1, "maximum": 50},
                ),
                _query_param(
                    "limit",
                    "Résultats par page (1 à 50, 20 par défaut).",
                    {"type": "integer", "minimum": 1, "maximum": 50},
                ),
            ),
            errors=(400, 401, 404),
        ),
    },
    "/pages/{id}": {
        "get": _op(
            "Une page : Markdown, HTML et version.",
            {"200": _ok("La page.", ref("Page"))},
            params=(PAGE_ID,),
        ),
        "put": _op(
            "Modifier le texte et/ou le titre (nouvelle version).",
            {"200": _ok("La page après modification.", ref("Page"))},
            params=(PAGE_ID,),
            body=_body(ref("PageUpdate")),
            errors=WRITE_ERRORS,
        ),
        "delete": _op(
            "Mettre la page à la corbeille.",
            {"204": _ok("Page mise à la corbeille.")},
            params=(PAGE_ID,),
            errors=(401, 403, 404, 409, 423),
        ),
    },
    "/pages/{id}/revisions": {
        "get": _op(
            "L'historique de la page, le plus récent d'abord.",
            {"200": _ok("Les versions.", _list("Revision"))},
            params=(
                PAGE_ID,
                _query_param(
                    "limit",
                    f"Nombre de versions (1 à {REVISIONS_LIMIT_MAX}, 100 par défaut).",
                    {"type": "integer", "minimum": 1, "maximum": REVISIONS_LIMIT_MAX},
                ),
                _query_param(
                    "offset",
                    "Versions à sauter.",
                    {"type": "integer", "minimum": 0, "maximum": REVISIONS_OFFSET_MAX},
                ),
            ),
            errors=(400, 401, 404),
        ),
    },
    "/pages/{id}/revisions/{n}/restore": {
        "post": _op(
            "Revenir à une version (crée une nouvelle version ; l'historique est conservé).",
            {
                "201": _ok("La page restaurée.", ref("Page")),
                "200": _ok("Rien à changer : la page était déjà identique.", ref("Page")),
            },
            params=(PAGE_ID, REVISION_N),
            errors=(401, 403, 404, 409, 423),
        ),
    },
}

merge_into(PATHS, SCHEMAS, op=_op, ok=_ok, body=_body, path_param=_path_param, space=SPACE)
merge_kinds(PATHS, SCHEMAS, op=_op, ok=_ok, path_param=_path_param, space=SPACE)
merge_tokens(PATHS, SCHEMAS, op=_op, ok=_ok, path_param=_path_param)
merge_memoire(PATHS, SCHEMAS, op=_op, ok=_ok, body=_body, space=SPACE)
merge_exports(PATHS, SCHEMAS, op=_op, ok=_ok, body=_body, path_param=_path_param, space=SPACE)
merge_archive(PATHS, SCHEMAS, op=_op, ok=_ok, body=_body, space=SPACE)

DOCUMENT: Json = {
    "openapi": "3.1.0",
    "info": {
        "title": "Cercle API",
        "version": "1.0.0",
        "description": (
            "API JSON du wiki Cercle. Authentification : « Authorization: Bearer <jeton> » "
            "(jeton créé par « flask --app app tokens create EMAIL »). Une session de "
            "navigateur suffit pour les lectures (GET). Les erreurs ont la forme "
            '{"error": {"code": …, "message": …}} avec un statut 4xx.'
        ),
    },
    "servers": [{"url": "/"}],
    "security": [{"bearerAuth": []}, {"sessionCookie": []}],
    "paths": {PREFIX + path: item for path, item in PATHS.items()},
    "components": {
        "securitySchemes": {
            "bearerAuth": {
                "type": "http",
                "scheme": "bearer",
                "description": "Jeton personnel d'API.",
            },
            "sessionCookie": {
                "type": "apiKey",
                "in": "cookie",
                "name": "session",
                "description": "Session du navigateur, pour les lectures seulement.",
            },
        },
        "schemas": SCHEMAS,
        "responses": RESPONSES,
    },
}


@api_blueprint.get("/openapi.json")
def openapi():
    return jsonify(DOCUMENT)
