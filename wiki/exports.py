"""Export jobs of a space's mémoire: ask for one, follow it, download its file.

``enqueue`` records a queued ``ExportJob`` (the job table is the truth); the runner
(``wiki.export_runner``) claims it, runs the format's builder in a separate process and
writes the file under ``DATA_DIR/exports/<job id>/``. Each format's builder is named in
``BUILDERS`` and imported only when a job of that format runs::

    build(space, items, out_path, progress) -> None

``items`` is the selection (``wiki.memoire.ItemRef``), ``out_path`` the file to write (the
runner renames it into place once complete), ``progress(percent)`` reports 0–100.
"""

from __future__ import annotations

import importlib
import re
import secrets
from collections.abc import Callable
from pathlib import Path

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from . import memoire
from .db import db
from .errors import NotFound, ValidationError
from .memoire import ItemRef
from .models import Space, User
from .models_memoire import EXPORT_FORMATS, ExportJob
from .permissions import Action, require

Builder = Callable[[Space, list[ItemRef], Path, Callable[[int], None]], None]

BUILDERS: dict[str, str] = {
    "pdf": "wiki.export_pdf:build",
    "html": "wiki.export_site:build",
    "markdown": "wiki.export_markdown:build",
}
#: the downloaded file's name (without the space's slug) and its Content-Type
FILE_NAMES: dict[str, tuple[str, str]] = {
    "pdf": ("memoire.pdf", "application/pdf"),
    "html": ("site.zip", "application/zip"),
    "markdown": ("markdown.zip", "application/zip"),
}
#: error codes stored on a failed job → the sentence shown
ERROR_MESSAGES = {
    "interrupted": _l("L'export a été interrompu par un redémarrage du serveur. Relancez-le."),
    "timeout": _l(
        "L'export a pris trop de temps et a été arrêté. Relancez-le ou réduisez la sélection."
    ),
    "error": _l(
        "L'export a échoué à cause d'une erreur. Relancez-le ; "
        "si cela se répète, prévenez l'administrateur."
    ),
    "unavailable": _l("Ce format d'export n'est pas disponible sur ce serveur."),
}
JOB_NOT_FOUND = _l("Cet export n'existe pas ou vous n'y avez pas accès.")
JOBS_LISTED = 20
_JOB_ID = re.compile(r"[0-9a-f]{32}")


def builder_for(fmt: str) -> Builder:
    """The ``build`` function of ``fmt`` (imported now, not at start-up)."""
    module_name, _, attribute = BUILDERS[fmt].partition(":")
    return getattr(importlib.import_module(module_name), attribute)


def file_name(space: Space, fmt: str) -> str:
    base, _ = FILE_NAMES[fmt]
    return f"{space.slug}-{base}"


def content_type(fmt: str) -> str:
    return FILE_NAMES[fmt][1]


def exports_dir() -> Path:
    return Path(current_app.config["DATA_DIR"]) / "exports"


def file_path(job: ExportJob) -> Path:
    return exports_dir() / job.id / job.file_name


def check_format(fmt: object) -> str:
    if fmt not in EXPORT_FORMATS:
        raise ValidationError(
            _l("Choisissez le format de l'export : pdf, html ou markdown."), field="format"
        )
    return str(fmt)


def enqueue(
    user: User | None,
    space: Space,
    fmt: str,
    items: list[ItemRef] | None = None,
    *,
    archive_id: int | None = None,
) -> ExportJob:
    """Queue an export of ``space`` in ``fmt`` (facilitators; allowed on an archived space).

    ``items=None`` exports the saved mémoire selection, else the whole space.
    """
    require(user, space, Action.MANAGE, writing=False)
    fmt = check_format(fmt)
    if items is None:
        items = memoire.effective_selection(space)
    job = ExportJob(
        id=secrets.token_hex(16),
        space_id=space.id,
        requested_by_id=getattr(user, "id", None),
        format=fmt,
        selection=memoire.dumps(items),
        status="queued",
        progress=0,
        file_name=file_name(space, fmt),
        archive_id=archive_id,
    )
    db.session.add(job)
    db.session.commit()
    _wake_runner()
    return job


def _wake_runner() -> None:
    from . import export_runner

    export_runner.wake(current_app._get_current_object())  # type: ignore[attr-defined]


def _find(job_id: object) -> ExportJob | None:
    """The job of this id; None for anything that cannot be one (never a database error)."""
    if not isinstance(job_id, str) or not _JOB_ID.fullmatch(job_id):
        return None
    return db.session.get(ExportJob, job_id)


def get_job(user: User | None, job_id: str) -> ExportJob:
    """The job ``job_id`` if ``user`` may manage its space; NotFound otherwise."""
    job = _find(job_id)
    if job is None:
        raise NotFound(JOB_NOT_FOUND)
    space = db.session.get(Space, job.space_id)
    if space is None:
        raise NotFound(JOB_NOT_FOUND)
    require(user, space, Action.MANAGE, writing=False)
    return job


def jobs_for(space: Space, limit: int = JOBS_LISTED) -> list[ExportJob]:
    """The space's most recent export jobs, newest first."""
    return list(
        db.session.scalars(
            select(ExportJob)
            .where(ExportJob.space_id == space.id)
            .order_by(ExportJob.created_at.desc(), ExportJob.id)
            .limit(limit)
        )
    )


def download_url(job: ExportJob, *, external: bool = False) -> str | None:
    """Where the finished file is served (None until the job is done)."""
    if job.status != "done":
        return None
    space = db.session.get(Space, job.space_id)
    if space is None:
        return None
    return url_for(
        "exports.download",
        space_ref=space.slug,
        job_id=job.id,
        filename=job.file_name,
        _external=external,
    )


def error_message(job: ExportJob) -> str:
    """The sentence that says why ``job`` failed, in the reader's language."""
    return str(ERROR_MESSAGES.get(job.error, ERROR_MESSAGES["error"]))


def downloadable(user: User | None, space: Space, job_id: str, filename: str) -> ExportJob:
    """The finished job of ``space`` whose file is ``filename``, for anyone who may read the
    space; NotFound for anything else."""
    require(user, space, Action.READ, writing=False)
    job = _find(job_id)
    if job is None or job.space_id != space.id or job.status != "done":
        raise NotFound(JOB_NOT_FOUND)
    if filename != job.file_name or not file_path(job).is_file():
        raise NotFound(JOB_NOT_FOUND)
    return job
