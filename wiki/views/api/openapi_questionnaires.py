"""The questionnaire part of the OpenAPI document (routes in ``questionnaires.py``).

Merged into ``openapi.PATHS`` and ``openapi_schemas.SCHEMAS`` by ``merge_into``. Every
limit the services enforce is stated here (lengths, counts, ranges, enums), so what the
document allows is what the server accepts, except what a schema cannot say: which answers
fit which question (the answers endpoint says so in its description and answers 400, naming
the question). A closing before the opening is accepted: that questionnaire never opens.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .openapi_questionnaire_schemas import SCHEMAS, Json, ref

WRITE_ERRORS = (400, 401, 403, 404, 409, 413, 415, 423)


@dataclass(frozen=True)
class Helpers:
    """``openapi``'s own builders, passed in (importing them would be an import cycle)."""

    op: Any
    ok: Any
    body: Any
    space: Json
    questionnaire_id: Json


def _definition_paths(h: Helpers) -> Json:
    """Creating, reading and editing questionnaires."""
    op, ok, body = h.op, h.ok, h.body
    qid, write = h.questionnaire_id, WRITE_ERRORS
    return {
        "/spaces/{space}/questionnaires": {
            "post": op(
                "Créer un questionnaire (animateur·rice) : une page de l'espace.",
                {"201": ok("Le questionnaire créé.", ref("Questionnaire"))},
                params=(h.space,),
                body=body(ref("QuestionnaireInput")),
                errors=write,
            )
        },
        "/questionnaires/{id}": {
            "get": op(
                "Un questionnaire, avec ses questions et leurs identifiants.",
                {"200": ok("Le questionnaire.", ref("Questionnaire"))},
                params=(qid,),
            ),
            "put": op(
                "Modifier un questionnaire (animateur·rice).",
                {"200": ok("Le questionnaire modifié.", ref("Questionnaire"))},
                params=(qid,),
                body=body(ref("QuestionnaireUpdate")),
                errors=write,
            ),
        },
    }


def _answer_paths(h: Helpers) -> Json:
    """Answering and reading the results."""
    op, ok, body = h.op, h.ok, h.body
    qid, write = h.questionnaire_id, WRITE_ERRORS
    return {
        "/questionnaires/{id}/answers": {
            "post": op(
                "Répondre (une réponse par personne ; une nouvelle réponse remplace la "
                "précédente tant que le questionnaire est ouvert). 400 : réponse qui ne "
                "convient pas à sa question (obligatoire, choix, échelle, type) ; 404 : "
                "question inconnue ; 409 : questionnaire fermé ou pas encore ouvert ; "
                "403 : lecteur·rice.",
                {
                    "201": ok("Votre réponse est enregistrée.", ref("Submission")),
                    "200": ok("Votre réponse remplace la précédente.", ref("Submission")),
                },
                params=(qid,),
                body=body(ref("AnswersInput")),
                errors=write,
            )
        },
        "/questionnaires/{id}/results": {
            "get": op(
                "Les résultats : comptes, moyennes, rangs, mots, textes (noms seulement "
                "si le questionnaire n'est pas anonyme), graphiques SVG.",
                {"200": ok("Les résultats.", ref("QuestionnaireResults"))},
                params=(qid,),
                errors=(401, 403, 404),
            )
        },
    }


def _export_paths(h: Helpers) -> Json:
    """Exports and the published synthesis."""
    op, ok, qid = h.op, h.ok, h.questionnaire_id
    return {
        "/questionnaires/{id}/answers.csv": {
            "get": op(
                "Les réponses en CSV (UTF-8 avec BOM, « ; »), pour l'équipe d'animation.",
                {
                    "200": {
                        "description": "Une ligne par réponse, une colonne par question.",
                        "content": {"text/csv": {"schema": {"type": "string"}}},
                    }
                },
                params=(qid,),
                errors=(401, 403, 404),
            )
        },
        "/questionnaires/{id}/answers.xlsx": {
            "get": op(
                "Les réponses en classeur Excel (.xlsx), pour l'équipe d'animation.",
                {
                    "200": {
                        "description": "Le même tableau que le CSV ; les nombres en nombres.",
                        "content": {
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                                "schema": {"type": "string", "format": "binary"}
                            }
                        },
                    }
                },
                params=(qid,),
                errors=(401, 403, 404),
            )
        },
        "/questionnaires/{id}/synthesis": {
            "post": op(
                "Publier la synthèse : une page avec les graphiques et les réponses figées.",
                {"201": ok("La page de synthèse.", ref("Synthesis"))},
                params=(qid,),
                errors=(400, 401, 403, 404, 409, 423),
            )
        },
    }


def paths(op: Any, ok: Any, body: Any, path_param: Any, space: Json) -> Json:
    qid = path_param("id", "Identifiant du questionnaire.", {"type": "integer", "minimum": 1})
    helpers = Helpers(op, ok, body, space, qid)
    return {**_definition_paths(helpers), **_answer_paths(helpers), **_export_paths(helpers)}


def merge_into(all_paths: Json, schemas: Json, **helpers: Any) -> None:
    all_paths.update(paths(**helpers))
    schemas.update(SCHEMAS)
