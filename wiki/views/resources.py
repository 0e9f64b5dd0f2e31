"""The resource area of a space: list and filter, add a file or a link, download, delete."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from .. import resources, spaces, uploads
from ..db import db
from ..errors import CercleError, NotFound, ValidationError
from ..models import Space
from ..permissions import Action, can
from .forms import text

bp = Blueprint("resources", __name__, url_prefix="/s/<space_ref>/ressources")

#: URL word → service kind (and back), so addresses stay French.
KIND_PARAMS = {"document": "file", "image": "image", "lien": "link"}
FORM_KINDS = ("fichier", "lien")
# The file response may only be shown, never run: no scripts, no plugins, no same origin.
FILE_CSP = "default-src 'none'; sandbox"


def _upload_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


@bp.context_processor
def _helpers() -> dict:
    return {
        "type_for_mime": uploads.type_for_mime,
        "is_image": resources.is_image,
        "may_delete": resources.may_delete,
        "url_host": lambda url: urlsplit(url or "").hostname or "",
    }


@bp.get("/")
def index(space_ref: str):
    space = spaces.get_space(current_user, space_ref)
    kind_param = request.args.get("type", "")
    tag = request.args.get("etiquette", "").strip() or None
    items = resources.list_resources(current_user, space, tag=tag, kind=KIND_PARAMS.get(kind_param))
    return render_template(
        "resources/index.html",
        space=space,
        resources=items,
        tags=resources.tags_of_space(space),
        current_tag=resources.normalize_tag(tag) if tag else None,
        current_kind=kind_param if kind_param in KIND_PARAMS else None,
        can_add=can(current_user, space, Action.EDIT),
    )


def _render_form(space: Space, form_kind: str, form, status: int = 200):
    return render_template(
        "resources/new.html",
        space=space,
        form_kind=form_kind if form_kind in FORM_KINDS else "fichier",
        form=form,
        accept=uploads.ACCEPT,
        max_bytes=current_app.config["UPLOAD_MAX_BYTES"],
    ), status


def _add_from_form(space: Space, form_kind: str):
    fields = {"title": text("title"), "description": text("description"), "tags": text("tags")}
    if form_kind == "lien":
        return resources.add_link(current_user, space, url=text("url"), **fields)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ValidationError(_("Choisissez un fichier à envoyer."), field="file")
    return resources.add_file(
        current_user,
        space,
        filename=upload.filename,
        stream=upload.stream,
        **fields,
        max_bytes=current_app.config["UPLOAD_MAX_BYTES"],
        upload_dir=_upload_dir(),
    )


@bp.route("/ajouter", methods=["GET", "POST"])
@login_required
def new(space_ref: str):
    space = spaces.get_space(current_user, space_ref, Action.EDIT)
    if request.method == "GET":
        return _render_form(space, request.args.get("type", "fichier"), {})
    form_kind = text("type", "fichier")
    try:
        resource = _add_from_form(space, form_kind)
    except ValidationError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _render_form(space, form_kind, request.form, error.status)
    flash(_("Ressource « %(title)s » ajoutée.", title=resource.title), "success")
    return redirect(url_for("resources.index", space_ref=space.slug))


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_error: RequestEntityTooLarge):
    """Werkzeug refused the body before the view ran: say so on the form, in French."""
    limit = current_app.config["UPLOAD_MAX_BYTES"] // (1024 * 1024)
    message = _("Le fichier dépasse la taille maximale autorisée (%(mb)s Mo).", mb=limit)
    space_ref = (request.view_args or {}).get("space_ref", "")
    try:
        space = spaces.get_space(current_user, space_ref, Action.EDIT)
    except CercleError:
        # No form to go back to (not allowed, archived…): a plain error page, still 413.
        return render_template("error.html", status=413, message=message), 413
    flash(message, "error")
    return _render_form(space, "fichier", {}, 413)


def _resource_in(space: Space, resource_id: int):
    resource = resources.get_resource(current_user, resource_id)
    if resource.space_id != space.id:
        raise NotFound(resources.RESOURCE_NOT_FOUND)
    return resource


@bp.get("/<int:resource_id>/fichier")
def download(space_ref: str, resource_id: int):
    space = spaces.get_space(current_user, space_ref)
    resource = _resource_in(space, resource_id)
    path = resources.file_path(resource, _upload_dir())
    if not path.is_file():
        raise NotFound(_("Ce fichier est introuvable."))
    file_type = uploads.type_for_mime(resource.mime_type)
    # Files stored before names followed their type get the same treatment when served.
    name = uploads.served_name(resource.filename, file_type) if file_type else path.name
    response = send_file(
        path,
        mimetype=resource.mime_type,
        as_attachment=resource.mime_type not in uploads.INLINE_MIME_TYPES,
        download_name=name,
        conditional=True,
    )
    response.headers["Content-Security-Policy"] = FILE_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control.private = True
    return response


@bp.post("/<int:resource_id>/supprimer")
@login_required
def delete(space_ref: str, resource_id: int):
    space = spaces.get_space(current_user, space_ref)
    resource = _resource_in(space, resource_id)
    resources.delete_resource(current_user, resource, _upload_dir())
    flash(_("Ressource « %(title)s » supprimée.", title=resource.title), "success")
    return redirect(url_for("resources.index", space_ref=space.slug))
