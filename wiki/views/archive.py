"""Archive mode (issue 11): archive a space, see its archive, reopen it, duplicate it, and
the instance's audit log. Thin: parse → one service call (``wiki.archive``,
``wiki.duplicate_space``) → render or redirect."""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.routing import BuildError

from .. import archive, duplicate_space, spaces
from ..errors import CercleError
from ..models_memoire import ExportJob
from ..permissions import Action, allowed, can, require
from .forms import checkbox, form_error, text

bp = Blueprint("archive", __name__)


def download_url(job: ExportJob) -> str | None:
    """The finished file's address (``wiki.exports``), None while it is being made."""
    from .. import exports

    try:
        return exports.download_url(job)
    except BuildError:  # the exports' routes are not registered in this app
        return None


def archive_context(space) -> dict:
    """What the space's home and archive pages show about its archiving."""
    info = archive.archive_info(space)
    return {
        "archive_info": info,
        "archive_downloads": {job.id: download_url(job) for job in info.jobs} if info else {},
        "can_archive": can(current_user, space, Action.MANAGE),
        "can_duplicate": allowed(current_user, space, Action.MANAGE),
        "can_reopen": space.is_archived and bool(getattr(current_user, "is_admin", False)),
    }


@bp.get("/s/<space_ref>/archive")
def show(space_ref: str):
    space = spaces.get_space(current_user, space_ref)
    return render_template("archive/show.html", space=space, **archive_context(space))


@bp.get("/s/<space_ref>/archiver")
@login_required
def confirm(space_ref: str):
    space = spaces.get_space(current_user, space_ref, Action.MANAGE)  # archived: 423
    return render_template("archive/confirm.html", space=space)


@bp.post("/s/<space_ref>/archiver")
@login_required
def archive_space(space_ref: str):
    space = spaces.get_space(current_user, space_ref, Action.MANAGE, writing=False)
    archive.archive(current_user, space)
    flash(_("Espace archivé : il se consulte mais ne se modifie plus."), "success")
    return redirect(url_for("archive.show", space_ref=space.slug))


@bp.route("/s/<space_ref>/rouvrir", methods=["GET", "POST"])
@login_required
def reopen(space_ref: str):
    space = spaces.get_space(current_user, space_ref)
    if not current_user.is_admin:
        abort(403)
    if request.method == "POST":
        try:
            archive.reopen(current_user, space, text("reason"))
        except CercleError as error:
            return form_error(error, "archive/reopen.html", space=space)
        flash(_("Espace rouvert : il se modifie de nouveau."), "success")
        return redirect(url_for("spaces.home", space_ref=space.slug))
    return render_template("archive/reopen.html", space=space, form={})


@bp.route("/s/<space_ref>/dupliquer", methods=["GET", "POST"])
@login_required
def duplicate(space_ref: str):
    space = spaces.get_space(current_user, space_ref)
    require(current_user, space, Action.MANAGE, writing=False)
    if request.method == "POST":
        try:
            copy = duplicate_space.duplicate(
                current_user,
                space,
                text("title"),
                members=checkbox("members"),
                upload_dir=Path(current_app.config["UPLOAD_DIR"]),
            )
        except CercleError as error:
            return form_error(error, "archive/duplicate.html", space=space)
        flash(_("Copie créée : « %(title)s ».", title=copy.title), "success")
        return redirect(url_for("spaces.home", space_ref=copy.slug))
    form = {"title": _("%(title)s (suite)", title=space.title), "members": "1"}
    return render_template("archive/duplicate.html", space=space, form=form)


@bp.get("/admin/journal")
@login_required
def journal():
    if not current_user.is_admin:
        abort(403)
    return render_template(
        "archive/journal.html", entries=archive.audit_log(), label=archive.audit_label
    )
