"""The mémoire's exports in the browser: the panel (start one, follow it, download it), the
finished file, and the print preview (``wiki.exports``, ``wiki.export_pdf``)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import export_pdf, exports, memoire, spaces
from ..errors import ValidationError
from ..permissions import Action

bp = Blueprint("exports", __name__, url_prefix="/s/<space_ref>")


@bp.get("/exports")
def panel(space_ref: str):
    space = spaces.get_space(current_user, space_ref, Action.MANAGE, writing=False)
    return render_template("memoire/exports.html", space=space)


@bp.post("/exports")
def start(space_ref: str):
    space = spaces.get_space(current_user, space_ref, Action.MANAGE, writing=False)
    try:
        exports.enqueue(current_user, space, request.form.get("format", ""))
    except ValidationError as error:
        flash(error.message, "error")
    else:
        flash(_("Export lancé : il apparaît dans la liste ci-dessous."), "success")
    back = request.form.get("next", "")
    if not back.startswith(f"/s/{space.slug}/") or back.startswith("//"):
        back = url_for(".panel", space_ref=space.slug)
    return redirect(back + "#exports", 303)


@bp.get("/exports/<job_id>/<filename>")
def download(space_ref: str, job_id: str, filename: str):
    space = spaces.find_space(space_ref)
    job = exports.downloadable(current_user, space, job_id, filename)
    response = send_file(
        exports.file_path(job),
        mimetype=exports.content_type(job.format),
        as_attachment=True,
        download_name=job.file_name,
        etag=job.sha256,
        conditional=True,
    )
    response.cache_control.private = True
    return response


@bp.get("/memoire/apercu")
def preview(space_ref: str):
    space = spaces.get_space(current_user, space_ref, Action.MANAGE, writing=False)
    return export_pdf.print_html(space, memoire.effective_selection(space), preview=True)


FORMAT_LABELS = {
    "pdf": "PDF",
    "html": "Site statique (zip)",
    "markdown": "Markdown (zip)",
}


def panel_jobs(space) -> list[dict]:
    """The space's recent exports as the panel shows them (``_exports.html``)."""
    from flask_babel import format_datetime

    from .api.exports import job_json

    shown = []
    for job in exports.jobs_for(space):
        shown.append(
            {
                **job_json(job),
                "label": FORMAT_LABELS.get(job.format, job.format),
                "created": format_datetime(job.created_at, "short"),
                "size": _size(job.size_bytes),
                "poll_url": url_for("api.get_export", id=job.id),
                "local_url": exports.download_url(job),
            }
        )
    return shown


def _size(size: int) -> str:
    from ..memoire_content import describe_size

    return describe_size(size)


@bp.app_context_processor
def _panel_helpers() -> dict:
    return {"memoire_export_jobs": panel_jobs, "memoire_export_formats": FORMAT_LABELS}
