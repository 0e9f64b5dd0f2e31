"""API: questionnaires of a space, their answers, results and exports (issue 9).

Thin: the body is read as a JSON object here; every field is checked by the services
(``wiki.questionnaires``, ``wiki.questionnaire_answers``), which the HTML builder also calls.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Response, jsonify, request, url_for

from ... import (
    questionnaire_answers,
    questionnaire_export,
    questionnaire_results,
    questionnaires,
    spaces,
)
from ...questionnaire_definition import flag, integer
from . import api_blueprint
from .auth import api_user
from .parsing import ID_MAX, Body, checked_id, checked_space_ref, json_body

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CREATE_FIELDS = (
    "kind",
    "anonymous",
    "audience",
    "results_visibility",
    "opens_at",
    "closes_at",
    "intro",
    "questions",
    "profiles",
)


def _body() -> tuple[Body, dict[str, Any]]:
    """The checked body (``json_body`` refuses what is not a JSON object) and its fields."""
    body = json_body()
    return body, json.loads(request.get_data(cache=True))


def _parent_id(value: Any) -> int | None:
    return None if value is None else integer(value, "parent_id", minimum=1, maximum=ID_MAX)


def _location(questionnaire_id: int) -> dict[str, str]:
    return {"Location": url_for("api.get_questionnaire", id=questionnaire_id, _external=True)}


def _download(content: bytes, mimetype: str, filename: str) -> Response:
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@api_blueprint.post("/spaces/<space>/questionnaires")
def create_questionnaire(space: str):
    found = spaces.get_space(api_user(), checked_space_ref(space))
    body, data = _body()
    fields: dict[str, Any] = {name: data[name] for name in CREATE_FIELDS if name in data}
    questionnaire = questionnaires.create(
        api_user(),
        found,
        title=body.string("title", required=True),
        parent_id=_parent_id(data.get("parent_id")),
        **fields,
    )
    return jsonify(questionnaires.to_dict(questionnaire)), 201, _location(questionnaire.id)


@api_blueprint.get("/questionnaires/<int:id>")
def get_questionnaire(id: int):
    return jsonify(questionnaires.to_dict(questionnaires.get(api_user(), checked_id(id))))


@api_blueprint.put("/questionnaires/<int:id>")
def update_questionnaire(id: int):
    _checked, body = _body()
    confirm = flag(body.get("confirm_delete_answers", False), "confirm_delete_answers")
    data = {name: body[name] for name in (*CREATE_FIELDS, "title", "base_version") if name in body}
    questionnaire = questionnaires.update(
        api_user(), checked_id(id), data, confirm_delete_answers=confirm
    )
    return jsonify(questionnaires.to_dict(questionnaire))


@api_blueprint.post("/questionnaires/<int:id>/answers")
def submit_answers(id: int):
    answers = questionnaire_answers.require_answer_shape(_body()[1])
    submission = questionnaire_answers.submit(api_user(), checked_id(id), answers)
    return jsonify(submission.to_dict()), 200 if submission.replaced else 201


@api_blueprint.get("/questionnaires/<int:id>/results")
def questionnaire_results_(id: int):
    return jsonify(questionnaire_results.results(api_user(), checked_id(id)))


@api_blueprint.get("/questionnaires/<int:id>/answers.csv")
def answers_csv(id: int):
    content = questionnaire_export.csv_bytes(api_user(), checked_id(id))
    return _download(content, "text/csv; charset=utf-8", f"reponses-{id}.csv")


@api_blueprint.get("/questionnaires/<int:id>/answers.xlsx")
def answers_xlsx(id: int):
    content = questionnaire_export.xlsx_bytes(api_user(), checked_id(id))
    return _download(content, XLSX, f"reponses-{id}.xlsx")


@api_blueprint.post("/questionnaires/<int:id>/synthesis")
def publish_synthesis(id: int):
    page = questionnaires.publish_synthesis(api_user(), checked_id(id))
    location = {"Location": url_for("api.get_page", id=page.id, _external=True)}
    return jsonify({"page_id": page.id, "slug": page.slug, "title": page.title}), 201, location
