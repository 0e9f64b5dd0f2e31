"""The mémoire part of the OpenAPI document (issue 11), merged by ``merge_memoire``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ... import kinds, memoire
from ...credits import STRUCTURE_MAX
from ...models_memoire import CREDIT_CHOICES
from .parsing import ID_MAX

Json = dict[str, Any]
_limits = {
    "title": memoire.TITLE_MAX,
    "subtitle": memoire.SUBTITLE_MAX,
    "dates": memoire.DATES_MAX,
    "facilitators": memoire.FACILITATORS_MAX,
    "funder": memoire.FUNDER_MAX,
    "licence": memoire.LICENCE_MAX,
    "introduction": memoire.INTRODUCTION_MAX,
}


def _comparable() -> list[str]:
    return [kind.name for kind in kinds.all_kinds() if kind.comparable]


def _item_in() -> Json:
    page = {
        "type": "object",
        "required": ["item_kind", "ref_id"],
        "properties": {
            "item_kind": {"const": "page"},
            "ref_id": {"type": "integer", "minimum": 1, "maximum": ID_MAX},
        },
    }
    comparison = {
        "type": "object",
        "required": ["item_kind", "ref_key"],
        "properties": {"item_kind": {"const": "comparison"}, "ref_key": {"enum": _comparable()}},
    }
    resources = {
        "type": "object",
        "required": ["item_kind"],
        "properties": {"item_kind": {"const": "resources"}},
    }
    return {"oneOf": [page, comparison, resources]}


def _schemas() -> Json:
    cover_fields = {name: {"type": "string", "maxLength": size} for name, size in _limits.items()}
    return {
        "MemoireItem": {
            "type": "object",
            "required": ["item_kind", "ref_id", "ref_key", "key", "label", "kind_label"],
            "properties": {
                "item_kind": {"enum": ["page", "comparison", "resources"]},
                "ref_id": {"type": ["integer", "null"]},
                "ref_key": {"type": "string"},
                "key": {"type": "string"},
                "label": {"type": "string"},
                "kind_label": {"type": "string"},
            },
        },
        "MemoireItemInput": _item_in(),
        "MemoireCoverInput": {
            "type": "object",
            "description": "Les champs donnés remplacent les anciens ; vide : la valeur "
            "par défaut.",
            "properties": cover_fields,
        },
        "Memoire": {
            "type": "object",
            "required": ["cover", "stored_cover", "saved", "selection"],
            "properties": {
                "cover": {
                    "type": "object",
                    "description": "La couverture imprimée (valeurs par défaut comprises).",
                    "required": [*_limits, "participants"],
                    "properties": {
                        **{name: {"type": "string"} for name in _limits},
                        "participants": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["name", "structure"],
                                "properties": {
                                    "name": {"type": "string"},
                                    "structure": {"type": "string"},
                                },
                            },
                        },
                    },
                },
                "stored_cover": {
                    "type": "object",
                    "description": "Ce que l'animation a écrit (vide : la valeur par défaut).",
                    "required": list(_limits),
                    "properties": {name: {"type": "string"} for name in _limits},
                },
                "saved": {
                    "type": "boolean",
                    "description": "Vrai si une sélection est enregistrée (sinon : tout l'espace).",
                },
                "selection": {
                    "type": "array",
                    "items": {"$ref": "#/components/schemas/MemoireItem"},
                },
            },
        },
        "CreditConsent": {
            "type": "object",
            "required": ["choice", "structure"],
            "properties": {
                "choice": {"enum": list(CREDIT_CHOICES)},
                "structure": {"type": "string", "maxLength": STRUCTURE_MAX},
            },
        },
    }


def merge_memoire(
    paths: Json,
    schemas: Json,
    *,
    op: Callable[..., Json],
    ok: Callable[..., Json],
    body: Callable[..., Json],
    space: Json,
) -> None:
    memoire_ref = {"$ref": "#/components/schemas/Memoire"}
    put_body = {
        "type": "object",
        "minProperties": 1,
        "anyOf": [{"required": ["cover"]}, {"required": ["selection"]}],
        "properties": {
            "cover": {"$ref": "#/components/schemas/MemoireCoverInput"},
            "selection": {
                "type": "array",
                "minItems": 1,
                "maxItems": 5000,
                "items": {"$ref": "#/components/schemas/MemoireItemInput"},
            },
        },
    }
    paths["/spaces/{space}/memoire"] = {
        "get": op(
            "Le mémoire de l'espace : sa couverture et ce qu'il contient, dans l'ordre.",
            {"200": ok("Le mémoire.", memoire_ref)},
            params=(space,),
        ),
        "put": op(
            "Changer la couverture et/ou la sélection du mémoire (animation).",
            {"200": ok("Le mémoire enregistré.", memoire_ref)},
            params=(space,),
            body=body(put_body),
            errors=(400, 401, 403, 404, 409, 413, 415, 423),
        ),
    }
    consent_in = {
        "type": "object",
        "required": ["choice"],
        "properties": {
            "choice": {"enum": list(CREDIT_CHOICES)},
            "structure": {"type": "string", "maxLength": STRUCTURE_MAX},
        },
    }
    paths["/spaces/{space}/memoire/credit"] = {
        "put": op(
            "Dire comment vous êtes cité·e dans le mémoire : nom complet (full), "
            "initiales (initials) ou pas du tout (none). Membres seulement.",
            {"200": ok("Votre choix.", {"$ref": "#/components/schemas/CreditConsent"})},
            params=(space,),
            body=body(consent_in),
            errors=(400, 401, 403, 404, 409, 413, 415, 423),
        ),
    }
    schemas.update(_schemas())
