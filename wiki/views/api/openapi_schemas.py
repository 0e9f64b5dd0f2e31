"""Component schemas of the OpenAPI document (see ``openapi.py``); shapes of ``serializers``."""

from __future__ import annotations

from typing import Any

from ... import uploads
from ...models import ROLES, TITLE_MAX, VISIBILITIES
from ...pages import MARKDOWN_MAX, MESSAGE_MAX
from ...resources import TAG_MAX, TAGS_MAX, TAGS_PATTERN, URL_MAX, URL_PATTERN
from ...slugs import VISIBLE_PATTERN
from ...spaces import DESCRIPTION_MAX, ID_MAX

Json = dict[str, Any]


def ref(name: str) -> Json:
    return {"$ref": f"#/components/schemas/{name}"}


_string = {"type": "string"}
_title: Json = {
    "type": "string",
    "minLength": 1,
    "maxLength": TITLE_MAX,
    "pattern": VISIBLE_PATTERN,
    "description": "Au moins un caractère visible (espaces et caractères invisibles exclus).",
}
_optional_date: Json = {
    "anyOf": [{"type": "string", "format": "date"}, {"enum": ["", None]}],
    "description": "AAAA-MM-JJ ; vide ou null : pas de date.",
}
# Optional: without one, the file name or the site's address stands in.
_optional_title: Json = {
    "type": "string",
    "maxLength": TITLE_MAX,
    "anyOf": [{"maxLength": 0}, {"pattern": VISIBLE_PATTERN}],
    "description": "Vide, ou au moins un caractère visible.",
}
#: the media types an upload may have once recognised (``multipart`` encoding of « file »)
ACCEPTED_FILE_TYPES = ", ".join(sorted({t.mime_type for t in uploads.TYPES.values()}))
_FILE_LABELS = sorted(uploads.TYPES)
_url: Json = {
    "type": "string",
    # No ``format: uri``: it wants ASCII, and an address with accents is welcome here.
    "pattern": URL_PATTERN,
    "maxLength": URL_MAX,
    "description": "Adresse http(s).",
}
_description: Json = {"type": "string", "maxLength": DESCRIPTION_MAX}
_tags_text: Json = {
    "type": "string",
    "pattern": TAGS_PATTERN,
    "description": f"Séparées par des virgules ; {TAGS_MAX} au plus, de {TAG_MAX} caractères.",
}


def _form_text(schema: Json) -> Json:
    """``schema`` for a form field: every value arrives as text, so no ``type`` is
    promised that the server could not tell apart (``5`` and ``"5"`` are the same field)."""
    return {key: value for key, value in schema.items() if key != "type"}


_datetime = {"type": "string", "format": "date-time"}
_nullable_id = {"type": ["integer", "null"], "minimum": 1, "maximum": ID_MAX}
_user_ref = {
    "type": ["object", "null"],
    "properties": {"id": {"type": "integer"}, "name": _string},
    "required": ["id", "name"],
}

SCHEMAS: Json = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string", "examples": ["not_found", "invalid", "conflict"]},
                    "message": {"type": "string", "description": "Message en français."},
                },
            }
        },
    },
    "UserRef": _user_ref,
    "Space": {
        "type": "object",
        "required": [
            "id",
            "slug",
            "title",
            "description",
            "starts_on",
            "ends_on",
            "visibility",
            "archived",
            "role",
        ],
        "properties": {
            "id": {"type": "integer"},
            "slug": _string,
            "title": _string,
            "description": _string,
            "starts_on": {"type": ["string", "null"], "format": "date"},
            "ends_on": {"type": ["string", "null"], "format": "date"},
            "visibility": {"type": "string", "enum": list(VISIBILITIES)},
            "archived": {"type": "boolean"},
            "archived_at": {"type": ["string", "null"], "format": "date-time"},
            "role": {
                "type": ["string", "null"],
                "enum": [*ROLES, None],
                "description": "Rôle de l'appelant·e dans l'espace (null : aucun).",
            },
            "url": {"type": "string", "format": "uri"},
            "created_at": _datetime,
        },
    },
    "SpaceInput": {
        "type": "object",
        "required": ["title"],
        "properties": {
            "title": _title,
            "description": {"type": "string", "maxLength": DESCRIPTION_MAX},
            "starts_on": _optional_date,
            "ends_on": _optional_date,
            "visibility": {"type": "string", "enum": list(VISIBILITIES), "default": "members"},
        },
    },
    "MemberInput": {
        "type": "object",
        "required": ["email", "role"],
        "properties": {
            "email": {"type": "string", "format": "email"},
            "role": {"type": "string", "enum": list(ROLES)},
        },
    },
    "Membership": {
        "type": "object",
        "required": ["user", "role", "space_id"],
        "properties": {
            "user": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "name": _string,
                    "email": {"type": "string", "format": "email"},
                },
            },
            "role": {"type": "string", "enum": list(ROLES)},
            "space_id": {"type": "integer"},
        },
    },
    "PageSummary": {
        "type": "object",
        "required": ["id", "title", "slug", "parent_id", "revision"],
        "properties": {
            "id": {"type": "integer"},
            "title": _string,
            "slug": _string,
            "parent_id": {"type": ["integer", "null"]},
            "position": {"type": "integer"},
            "revision": {"type": "integer", "description": "Numéro de la dernière version."},
            "updated_at": _datetime,
            "url": {"type": "string", "format": "uri"},
        },
    },
    "Page": {
        "allOf": [
            ref("PageSummary"),
            {
                "type": "object",
                "required": ["markdown", "html", "space"],
                "properties": {
                    "markdown": _string,
                    "html": {"type": "string", "description": "HTML nettoyé, prêt à afficher."},
                    "space": {
                        "type": "object",
                        "properties": {"id": {"type": "integer"}, "slug": _string},
                    },
                    "created_at": _datetime,
                },
            },
        ]
    },
    "PageInput": {
        "type": "object",
        "required": ["title"],
        "properties": {
            "title": _title,
            "markdown": {"type": "string", "maxLength": MARKDOWN_MAX, "default": ""},
            "parent_id": _nullable_id,
            "message": {"type": "string", "maxLength": MESSAGE_MAX},
        },
    },
    "PageUpdate": {
        "type": "object",
        "description": "Au moins « markdown » ou « title ».",
        "anyOf": [{"required": ["markdown"]}, {"required": ["title"]}],
        "properties": {
            "title": _title,
            "markdown": {"type": "string", "maxLength": MARKDOWN_MAX},
            "message": {"type": "string", "maxLength": MESSAGE_MAX},
            "base_revision": {
                "type": ["integer", "null"],
                "minimum": 0,
                "maximum": ID_MAX,
                "description": "Version de départ ; si la page a changé depuis : 409.",
            },
        },
    },
    "Revision": {
        "type": "object",
        "required": ["number", "title", "author", "message", "created_at"],
        "properties": {
            "number": {"type": "integer"},
            "title": _string,
            "author": ref("UserRef"),
            "message": _string,
            "created_at": _datetime,
        },
    },
    "Resource": {
        "type": "object",
        "required": ["id", "kind", "title", "tags"],
        "properties": {
            "id": {"type": "integer"},
            "space_id": {"type": "integer"},
            "kind": {"type": "string", "enum": ["file", "link"]},
            "title": _string,
            "description": _string,
            "tags": {"type": "array", "items": _string},
            "url": {
                "type": ["string", "null"],
                "description": "Adresse du lien, telle que saisie (null pour un fichier).",
            },
            "download_url": {
                "type": ["string", "null"],
                "format": "uri",
                "description": "Téléchargement du fichier (null pour un lien).",
            },
            "filename": {"type": ["string", "null"]},
            "mime_type": {"type": ["string", "null"]},
            "size": {"type": "integer"},
            "author": ref("UserRef"),
            "created_at": _datetime,
        },
    },
    "LinkInput": {
        "type": "object",
        "required": ["url"],
        "properties": {
            "url": _url,
            "title": _optional_title,
            "description": _description,
            "tags": {
                "oneOf": [
                    _tags_text,
                    {
                        "type": "array",
                        "maxItems": TAGS_MAX,
                        "items": {"type": "string", "maxLength": TAG_MAX},
                    },
                ]
            },
        },
    },
    "FileUpload": {
        "type": "object",
        "required": ["file"],
        "description": (
            "Un fichier par requête (un lien s'ajoute sans « file », voir LinkInput) ; "
            "chaque valeur y est un texte."
        ),
        "properties": {
            "file": {
                "type": "string",
                "format": "binary",
                "description": (
                    "Le type est reconnu au contenu, pas au nom : " + ", ".join(_FILE_LABELS) + "."
                ),
            },
            "title": _form_text(_optional_title),
            "description": _form_text(_description),
            # repeated, the field is a list of tags
            "tags": {
                **_form_text(_tags_text),
                "maxItems": TAGS_MAX,
                "items": {"maxLength": TAG_MAX},
            },
        },
        "not": {"required": ["url"]},
    },
    "SearchHit": {
        "type": "object",
        "required": ["kind", "id", "title", "space", "url", "excerpt"],
        "properties": {
            "kind": {"type": "string", "enum": ["page", "resource", "answer", "comment"]},
            "id": {"type": "integer", "description": "Identifiant de la page, ressource …"},
            "title": _string,
            "space": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "slug": _string,
                    "title": _string,
                    "archived": {"type": "boolean"},
                },
            },
            "url": {"type": "string", "format": "uri"},
            "excerpt": {
                "type": "string",
                "description": (
                    "Extrait en HTML : texte échappé, mots trouvés entre <mark> et </mark>."
                ),
            },
            "tags": {"type": "array", "items": _string},
            "score": {"type": "number"},
        },
    },
    "SearchResults": {
        "type": "object",
        "required": ["query", "total", "page", "per_page", "hits"],
        "properties": {
            "query": _string,
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "message": {
                "type": ["string", "null"],
                "description": "Pourquoi la recherche est vide (mots trop courants …).",
            },
            "notes": {"type": "array", "items": _string},
            "hits": {"type": "array", "items": ref("SearchHit")},
        },
    },
}
