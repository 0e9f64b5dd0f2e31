"""API: export a space's mémoire in the background, then follow the job (``wiki.exports``)."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request, url_for

from ... import exports, memoire, spaces
from ...models_memoire import ExportJob
from ...permissions import Action
from . import api_blueprint
from .auth import api_user
from .parsing import checked_space_ref, json_body

JOB_ID_LENGTH = 32


def _iso(value) -> str | None:
    return value.isoformat() + "Z" if value is not None else None


def job_json(job: ExportJob) -> dict[str, Any]:
    done = job.status == "done"
    return {
        "id": job.id,
        "space_id": job.space_id,
        "format": job.format,
        "status": job.status,
        "progress": job.progress if not done else 100,
        "error": job.error or None,
        "error_message": exports.error_message(job) if job.status == "failed" else None,
        "created_at": _iso(job.created_at),
        "finished_at": _iso(job.finished_at),
        "download_url": exports.download_url(job, external=True) if done else None,
        "sha256": job.sha256 if done else None,
        "size_bytes": job.size_bytes if done else None,
        "archive_id": job.archive_id,
    }


@api_blueprint.post("/spaces/<space>/exports")
def create_export(space: str):
    found = spaces.get_space(api_user(), checked_space_ref(space), Action.MANAGE, writing=False)
    json_body()  # a JSON object, or the 4xx that says what is wrong
    data = request.get_json()
    fmt = exports.check_format(data.get("format"))
    raw = data.get("selection")
    items = None if raw is None else memoire.parse_selection(found, raw)
    job = exports.enqueue(api_user(), found, fmt, items)
    response = jsonify(job_json(job))
    response.status_code = 202
    response.headers["Location"] = url_for("api.get_export", id=job.id)
    return response


@api_blueprint.get("/exports/<id>")
def get_export(id: str):  # the path's name is the document's: {id}
    return jsonify(job_json(exports.get_job(api_user(), id)))
