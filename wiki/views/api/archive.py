"""API: archive a space, reopen it (instance admins), duplicate it (issue 11)."""

from __future__ import annotations

from pathlib import Path

from flask import current_app, jsonify, request, url_for

from ... import archive, duplicate_space, spaces
from ...db import db
from ...models import Space, User
from ...models_memoire import ArchiveRecord, ExportJob
from ...permissions import role_of
from ..archive import download_url
from . import api_blueprint
from .auth import api_user
from .parsing import checked_space_ref, json_body
from .serializers import iso, space_json, user_ref


def _job_json(job: ExportJob) -> dict:
    return {
        "id": job.id,
        "format": job.format,
        "status": job.status,
        "sha256": job.sha256 or None,
        "download_url": download_url(job),
    }


def _record_json(record: ArchiveRecord, jobs: list[ExportJob]) -> dict:
    who = db.session.get(User, record.archived_by_id) if record.archived_by_id else None
    return {
        "id": record.id,
        "archived_at": iso(record.archived_at),
        "archived_by": user_ref(who),
        "reopened_at": iso(record.reopened_at),
        "exports": [_job_json(job) for job in jobs],
    }


def _answer(space: Space, record: ArchiveRecord) -> dict:
    user = api_user()
    return {
        "space": space_json(space, role_of(user, space)),
        "archive": _record_json(record, archive.archive_jobs(record)),
    }


@api_blueprint.post("/spaces/<space>/archive")
def archive_space(space: str):
    user = api_user()
    found = spaces.find_space(checked_space_ref(space))
    record = archive.archive(user, found)
    return jsonify(_answer(found, record)), 201


@api_blueprint.delete("/spaces/<space>/archive")
def reopen_space(space: str):
    user = api_user()
    found = spaces.find_space(checked_space_ref(space))
    reason = json_body().string("reason", required=True) if request.data else None
    record = archive.reopen(user, found, reason)
    return jsonify(_answer(found, record))


@api_blueprint.post("/spaces/<space>/duplicate")
def duplicate(space: str):
    user = api_user()
    found = spaces.find_space(checked_space_ref(space))
    body = json_body()
    copy = duplicate_space.duplicate(
        user,
        found,
        body.string("title", required=True),
        members=body.boolean("members"),
        upload_dir=Path(current_app.config["UPLOAD_DIR"]),
    )
    location = url_for("api.get_space", space=copy.slug, _external=True)
    return jsonify(space_json(copy, "facilitator")), 201, {"Location": location}
