"""The import page of a space (``/s/<space>/importer``): a zip of Markdown pages in, the
report out; facilitators only, refused on an archived space (``wiki.import_markdown``)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from .. import import_markdown, spaces
from ..db import db
from ..errors import CercleError, ValidationError
from ..import_archive import Limits, megabytes
from ..models import Space
from ..permissions import Action

bp = Blueprint("imports", __name__, url_prefix="/s/<space_ref>")

#: room for the form's other fields in a request
FORM_ROOM = 64 * 1024


def _max_zip() -> int:
    """The largest zip the page takes: what the app accepts in a request (the CSRF check
    reads the form, with that limit, before this view runs); the command line takes more."""
    return max(FORM_ROOM, int(current_app.config["MAX_CONTENT_LENGTH"] or 0) - FORM_ROOM)


def _page(space: Space, *, report=None, error: str | None = None, status: int = 200):
    return render_template(
        "memoire/import.html", space=space, report=report, error=error, max_zip=_max_zip()
    ), status


@bp.route("/importer", methods=["GET", "POST"])
@login_required
def form(space_ref: str):
    space = spaces.get_space(current_user, space_ref, Action.MANAGE)
    if request.method == "GET":
        return _page(space)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _page(space, error=_("Choisissez un fichier .zip à importer."), status=400)
    try:
        report = import_markdown.import_zip(
            current_user,
            space,
            upload.stream,
            limits=Limits.from_config(current_app.config),
            upload_dir=Path(current_app.config["UPLOAD_DIR"]),
        )
    except ValidationError as error:
        db.session.rollback()
        return _page(space, error=error.message, status=error.status)
    return _page(space, report=report)


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_error: RequestEntityTooLarge):
    """The zip is over the page's limit: say so beside the field (as the resource form does)."""
    message = _(
        "L'archive dépasse la taille maximale (%(mb)s Mo) : découpez-la en plusieurs "
        "archives, ou demandez à l'administrateur de l'importer en ligne de commande.",
        mb=megabytes(_max_zip()),
    )
    space_ref = (request.view_args or {}).get("space_ref", "")
    try:
        space = spaces.get_space(current_user, space_ref, Action.MANAGE)
    except CercleError:
        return render_template("error.html", status=413, message=message), 413
    return _page(space, error=message, status=413)
