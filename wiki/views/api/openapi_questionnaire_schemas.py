"""Component schemas of the questionnaire API (paths in ``openapi_questionnaires``).

Every limit the services enforce is stated (lengths, counts, ranges, enums); ``null`` is
allowed exactly where the services take it.
"""

from __future__ import annotations

from typing import Any

from ...models import TITLE_MAX
from ...models_questionnaires import (
    AUDIENCES,
    HELP_MAX,
    LABEL_MAX,
    QUESTION_TYPES,
    QUESTIONNAIRE_KINDS,
    RESULTS_VISIBILITIES,
    SECTION_MAX,
)
from ...questionnaire_definition import (
    INTRO_MAX,
    OPTION_MAX,
    OPTIONS_MAX,
    POINTS_MAX,
    PROFILE_TEXT_MAX,
    PROFILES_MAX,
    QUESTIONS_MAX,
    SCALE_LABEL_MAX,
    SCALE_TOP,
    VISIBLE_PATTERN,
    WORDS_MAX,
)
from ...questionnaire_validation import LONG_TEXT_MAX
from ...spaces import ID_MAX

Json = dict[str, Any]
_string: Json = {"type": "string"}
_int: Json = {"type": "integer"}
_visible = {"pattern": VISIBLE_PATTERN}
_moment: Json = {
    "type": ["string", "null"],
    "format": "date-time",
    "description": "Date et heure avec fuseau (ISO 8601) ; null : sans limite.",
}


def ref(name: str) -> Json:
    return {"$ref": f"#/components/schemas/{name}"}


def _text(maximum: int, *, required: bool = False) -> Json:
    schema: Json = {"type": "string", "maxLength": maximum}
    return {**schema, "minLength": 1, **_visible} if required else schema


_SCALE: Json = {
    "type": ["object", "null"],
    "description": "Échelle (type « scale ») : de 0 ou 1 jusqu'à 2 à 10 ; 1 à 5 par défaut.",
    "properties": {
        "min": {"type": "integer", "minimum": 0, "maximum": 1, "default": 1},
        "max": {"type": "integer", "minimum": 2, "maximum": SCALE_TOP, "default": 5},
        "min_label": _text(SCALE_LABEL_MAX),
        "max_label": _text(SCALE_LABEL_MAX),
    },
}
_SCORES: Json = {
    "type": ["object", "null"],
    "description": (
        "Quiz : points ajoutés aux profils par option choisie, {option: {profil: points}} ; "
        "les options ou profils qui n'existent pas sont ignorés."
    ),
    "additionalProperties": {
        "type": "object",
        "additionalProperties": {"type": "integer", "minimum": -POINTS_MAX, "maximum": POINTS_MAX},
    },
}
_QUESTION_FIELDS: Json = {
    "label": _text(LABEL_MAX, required=True),
    "type": {"type": "string", "enum": list(QUESTION_TYPES)},
    "required": {"type": "boolean", "default": False},
    "help": _text(HELP_MAX),
    "section": {"type": ["string", "null"], "maxLength": SECTION_MAX},
    "options": {
        "type": ["array", "null"],
        "description": "Choix (choix unique ou multiple, classement) ; un doublon compte pour un.",
        "maxItems": OPTIONS_MAX,
        "items": _text(OPTION_MAX, required=True),
    },
    "allow_other": {"type": "boolean", "description": "Choix : ajoute « Autre : … »."},
    "scale": _SCALE,
    "max_words": {
        "type": ["integer", "null"],
        "minimum": 1,
        "maximum": WORDS_MAX,
        "default": WORDS_MAX,
    },
    "scores": _SCORES,
}
_PROFILE: Json = {
    "type": "object",
    "required": ["key", "title"],
    "properties": {
        "key": {"type": "string", "pattern": "^[a-z0-9_-]{1,40}$"},
        "title": _text(200, required=True),
        "text": _text(PROFILE_TEXT_MAX),
    },
}
_SETTINGS: Json = {
    "kind": {"type": "string", "enum": list(QUESTIONNAIRE_KINDS), "default": "form"},
    "anonymous": {
        "type": "boolean",
        "description": "Fixé dès la première réponse (409 ensuite).",
    },
    "audience": {"type": "string", "enum": list(AUDIENCES), "default": "members"},
    "results_visibility": {
        "type": "string",
        "enum": list(RESULTS_VISIBILITIES),
        "default": "everyone",
    },
    "opens_at": _moment,
    "closes_at": {
        **_moment,
        "description": "Avant « opens_at », le questionnaire n'ouvre jamais.",
    },
    "intro": _text(INTRO_MAX),
    "profiles": {
        "type": "array",
        "maxItems": PROFILES_MAX,
        "items": _PROFILE,
        "description": "Quiz : les profils ; une clé répétée ne compte qu'une fois.",
    },
}


def _questions(item: Json) -> Json:
    return {"type": "array", "maxItems": QUESTIONS_MAX, "items": item}


_QUESTION_INPUT: Json = {
    "type": "object",
    "required": ["label", "type"],
    "properties": _QUESTION_FIELDS,
}
_QUESTION_UPDATE: Json = {
    "type": "object",
    "required": ["label", "type"],
    "properties": {
        "id": {
            "type": "integer",
            "minimum": 1,
            "maximum": ID_MAX,
            "description": "Question existante (404 si elle n'est pas de ce questionnaire).",
        },
        **_QUESTION_FIELDS,
    },
}
_QUESTION: Json = {
    "type": "object",
    "required": ["id", "label", "type", "required", "options", "position", "version"],
    "properties": {
        "id": _int,
        "label": _string,
        "type": {"type": "string", "enum": list(QUESTION_TYPES)},
        "required": {"type": "boolean"},
        "help": _string,
        "section": {"type": ["string", "null"]},
        "options": {"type": "array", "items": _string},
        "allow_other": {"type": "boolean"},
        "scale": {"type": ["object", "null"]},
        "max_words": {"type": ["integer", "null"]},
        "scores": {"type": "object"},
        "position": _int,
        "version": _int,
    },
}
_ANSWER_VALUE: Json = {
    "description": (
        "Texte ; liste de textes (choix multiple, classement, mots) ; entier (échelle, "
        "nombre) ; booléen (oui/non) ; date AAAA-MM-JJ ; null : pas de réponse."
    ),
    "anyOf": [
        {"type": "string", "maxLength": LONG_TEXT_MAX},
        {
            "type": "array",
            "maxItems": OPTIONS_MAX + 1,
            "items": {"type": "string", "maxLength": OPTION_MAX},
        },
        {"type": "integer", "minimum": -1_000_000_000, "maximum": 1_000_000_000},
        {"type": "boolean"},
        {"type": "null"},
    ],
}

SCHEMAS: Json = {
    "QuestionnaireInput": {
        "type": "object",
        "required": ["title"],
        "properties": {
            "title": _text(TITLE_MAX, required=True),
            "parent_id": {"type": ["integer", "null"], "minimum": 1, "maximum": ID_MAX},
            **_SETTINGS,
            "questions": _questions(_QUESTION_INPUT),
        },
    },
    "QuestionnaireUpdate": {
        "type": "object",
        "description": (
            "Les champs absents ne changent pas. « questions » remplace la liste : une "
            "question avec « id » est gardée, sans « id » ajoutée, absente supprimée."
        ),
        "properties": {
            "title": _text(TITLE_MAX, required=True),
            **_SETTINGS,
            "questions": _questions(_QUESTION_UPDATE),
            "base_version": {
                "type": "integer",
                "minimum": 1,
                "maximum": ID_MAX,
                "description": "Version de départ (« version ») ; si elle a changé depuis : 409.",
            },
            "confirm_delete_answers": {
                "type": "boolean",
                "description": "Supprimer aussi les réponses des questions retirées (409 sinon).",
            },
        },
    },
    "Question": _QUESTION,
    "Questionnaire": {
        "type": "object",
        "required": ["id", "page_id", "title", "kind", "anonymous", "questions", "status"],
        "properties": {
            "id": _int,
            "page_id": _int,
            "space": {"type": "object", "properties": {"id": _int, "slug": _string}},
            "slug": _string,
            "title": _string,
            "kind": {"type": "string", "enum": list(QUESTIONNAIRE_KINDS)},
            "anonymous": {"type": "boolean"},
            "anonymity_locked": {"type": "boolean"},
            "audience": {"type": "string", "enum": list(AUDIENCES)},
            "results_visibility": {"type": "string", "enum": list(RESULTS_VISIBILITIES)},
            "opens_at": {"type": ["string", "null"], "format": "date-time"},
            "closes_at": {"type": ["string", "null"], "format": "date-time"},
            "status": {"type": "string", "enum": ["open", "not_open", "closed"]},
            "intro": _string,
            "profiles": {"type": "array", "items": {"type": "object"}},
            "questions": {"type": "array", "items": ref("Question")},
            "respondents": _int,
            "version": _int,
        },
    },
    "AnswersInput": {
        "type": "object",
        "required": ["answers"],
        "properties": {
            "answers": {
                "type": "object",
                "description": "Identifiant de question (en texte) → réponse.",
                "maxProperties": QUESTIONS_MAX,
                "propertyNames": {"pattern": "^[0-9]{1,10}$"},
                "additionalProperties": _ANSWER_VALUE,
            }
        },
    },
    "Submission": {
        "type": "object",
        "required": ["questionnaire_id", "replaced", "answers", "result"],
        "properties": {
            "questionnaire_id": _int,
            "replaced": {"type": "boolean", "description": "true : remplace votre réponse."},
            "answers": {"type": "object"},
            "result": {
                "type": ["object", "null"],
                "description": "Quiz : votre profil ; grille : votre ligne du radar.",
            },
        },
    },
    "QuestionnaireResults": {
        "type": "object",
        "required": ["questionnaire_id", "respondents", "questions"],
        "properties": {
            "questionnaire_id": _int,
            "kind": {"type": "string", "enum": list(QUESTIONNAIRE_KINDS)},
            "anonymous": {"type": "boolean"},
            "respondents": _int,
            "questions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "type", "label", "answered"],
                    "properties": {
                        "id": _int,
                        "type": {"type": "string", "enum": list(QUESTION_TYPES)},
                        "label": _string,
                        "answered": _int,
                        "counts": {"type": "object"},
                        "mean": {"type": ["number", "null"]},
                        "mean_rank": {"type": "object"},
                        "words": {"type": "array", "items": {"type": "object"}},
                        "texts": {"type": "array", "items": {"type": "object"}},
                        "svg": {"type": ["string", "null"], "description": "Graphique SVG."},
                    },
                },
            },
            "profiles": {"type": "object"},
            "radar": {"type": "object"},
            "radar_svg": _string,
            "me": {"type": "object"},
        },
    },
    "Synthesis": {
        "type": "object",
        "required": ["page_id", "slug", "title"],
        "properties": {"page_id": _int, "slug": _string, "title": _string},
    },
}
