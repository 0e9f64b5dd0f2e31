"""Instance administration: who may open spaces, password-reset links."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import accounts, password_resets
from .forms import checkbox

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/personnes")
@login_required
def people():
    if not current_user.is_admin:
        abort(403)
    return render_template("admin/people.html", users=accounts.all_users())


@bp.post("/personnes/<int:user_id>")
@login_required
def set_space_creation(user_id: int):
    user = accounts.allow_space_creation(current_user, user_id, checkbox("can_create_spaces"))
    flash(_("Droits de %(name)s mis à jour.", name=user.name), "success")
    return redirect(url_for("admin.people"))


@bp.post("/personnes/<int:user_id>/lien-mot-de-passe")
@login_required
def reset_link(user_id: int):
    """The link is in this answer only: the admin copies it and passes it on."""
    hours = current_app.config.get("PASSWORD_RESET_HOURS", password_resets.DEFAULT_HOURS)
    user, token = password_resets.issue(current_user, user_id, hours=hours)
    link = url_for("auth.reset_password", token=token, _external=True)
    return render_template("admin/reset_link.html", person=user, link=link, hours=hours), 201
