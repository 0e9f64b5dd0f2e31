"""Spaces: list, create, home, settings, members, invitation links and joining."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from .. import accounts, invitations, qrcodes, revisions, spaces
from ..db import db
from ..errors import ValidationError
from ..page_html import tree_html
from ..permissions import Action, allowed, can, can_create_space, role_of
from .archive import archive_context
from .forms import checkbox, form_error, optional_date, optional_int, text

bp = Blueprint("spaces", __name__)


def _space_form_values() -> dict:
    return {
        "title": text("title"),
        "description": text("description"),
        "starts_on": optional_date("starts_on"),
        "ends_on": optional_date("ends_on"),
        "visibility": "link" if checkbox("public") else "members",
    }


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    my_spaces = db.session.scalars(spaces.spaces_for(current_user)).all()
    return render_template(
        "spaces/index.html", spaces=my_spaces, can_create=can_create_space(current_user)
    )


@bp.route("/espaces/nouveau", methods=["GET", "POST"])
@login_required
def create():
    if request.method == "POST":
        try:
            space = spaces.create_space(
                current_user,
                **_space_form_values(),
                quota_bytes=current_app.config["SPACE_QUOTA_BYTES"],
            )
        except ValidationError as error:
            return form_error(error, "spaces/form.html", space=None)
        flash(_("Espace créé. Invitez maintenant les participant·es."), "success")
        return redirect(url_for("spaces.members", space_ref=space.slug))
    if not can_create_space(current_user):
        abort(403)
    return render_template("spaces/form.html", space=None, form={})


@bp.get("/s/<space_ref>/")
def home(space_ref: str):
    space = spaces.get_space(current_user, space_ref)
    return render_template(
        "spaces/home.html",
        space=space,
        tree_html=tree_html(space, full=True),
        changes=revisions.recent_changes(current_user, space, limit=8),
        role=role_of(current_user, space),
        can_edit=can(current_user, space, Action.EDIT),
        can_manage=allowed(current_user, space, Action.MANAGE),
        **archive_context(space),
    )


@bp.route("/s/<space_ref>/parametres", methods=["GET", "POST"])
@login_required
def settings(space_ref: str):
    space = spaces.get_space(current_user, space_ref, Action.MANAGE)
    if request.method == "POST":
        try:
            spaces.update_space(current_user, space, **_space_form_values())
        except ValidationError as error:
            return form_error(error, "spaces/form.html", space=space)
        flash(_("Paramètres enregistrés."), "success")
        return redirect(url_for("spaces.home", space_ref=space.slug))
    return render_template("spaces/form.html", space=space, form={})


def _members_context(space) -> dict:
    return {
        "space": space,
        "members": spaces.members(space),
        "invitations": invitations.invitations_of(space),
        "is_usable": invitations.is_usable,
    }


def _refused_on_members_page(error: ValidationError, space):
    """A refused change shows the members page again with the reason, not a dead end."""
    return form_error(error, "spaces/members.html", **_members_context(space))


@bp.get("/s/<space_ref>/membres")
@login_required
def members(space_ref: str):
    space = spaces.get_space(current_user, space_ref, Action.MANAGE, writing=False)
    return render_template("spaces/members.html", **_members_context(space))


@bp.post("/s/<space_ref>/membres")
@login_required
def add_member(space_ref: str):
    space = spaces.get_space(current_user, space_ref, Action.MANAGE)
    user = accounts.find_by_email(text("email"))
    if user is None:
        flash(_("Aucun compte avec cette adresse : envoyez plutôt un lien d'invitation."), "error")
    else:
        try:
            spaces.add_member(current_user, space, user, text("role"))
        except ValidationError as error:
            return _refused_on_members_page(error, space)
        flash(_("%(name)s a rejoint l'espace.", name=user.name), "success")
    return redirect(url_for("spaces.members", space_ref=space.slug))


@bp.post("/s/<space_ref>/membres/<int:user_id>")
@login_required
def change_member(space_ref: str, user_id: int):
    space = spaces.get_space(current_user, space_ref, Action.MANAGE)
    try:
        if text("action") == "remove":
            spaces.remove_member(current_user, space, user_id)
            flash(_("Personne retirée de l'espace."), "success")
        else:
            spaces.set_role(current_user, space, user_id, text("role"))
            flash(_("Rôle modifié."), "success")
    except ValidationError as error:
        return _refused_on_members_page(error, space)
    return redirect(url_for("spaces.members", space_ref=space.slug))


@bp.post("/s/<space_ref>/invitations")
@login_required
def create_invitation(space_ref: str):
    space = spaces.get_space(current_user, space_ref, Action.MANAGE)
    try:
        invitation = invitations.create_invitation(
            current_user,
            space,
            text("role"),
            days=optional_int("days"),
            max_uses=optional_int("max_uses"),
        )
    except ValidationError as error:
        return _refused_on_members_page(error, space)
    return redirect(
        url_for("spaces.show_invitation", space_ref=space.slug, invitation_id=invitation.id)
    )


@bp.get("/s/<space_ref>/invitations/<int:invitation_id>")
@login_required
def show_invitation(space_ref: str, invitation_id: int):
    space = spaces.get_space(current_user, space_ref, Action.MANAGE)
    invitation = next((i for i in invitations.invitations_of(space) if i.id == invitation_id), None)
    if invitation is None:
        abort(404)
    link = url_for("spaces.join", token=invitation.token, _external=True)
    return render_template(
        "spaces/invitation.html",
        space=space,
        invitation=invitation,
        link=link,
        qr_svg=qrcodes.svg_data_uri(link),
    )


@bp.post("/s/<space_ref>/invitations/<int:invitation_id>/revoquer")
@login_required
def revoke_invitation(space_ref: str, invitation_id: int):
    space = spaces.get_space(current_user, space_ref, Action.MANAGE)
    invitations.revoke_invitation(current_user, space, invitation_id)
    flash(_("Le lien ne fonctionne plus."), "success")
    return redirect(url_for("spaces.members", space_ref=space.slug))


@bp.route("/rejoindre/<token>", methods=["GET", "POST"])
def join(token: str):
    invitation = invitations.find_invitation(token)
    if request.method == "GET":
        return render_template("spaces/join.html", invitation=invitation, form={})
    try:
        if current_user.is_authenticated:
            invitations.accept(token, current_user)
        else:
            user, _membership = invitations.accept_as_newcomer(
                token, name=text("name"), email=text("email"), password=text("password")
            )
            login_user(user, remember=True)
    except ValidationError as error:
        return form_error(error, "spaces/join.html", invitation=invitation)
    flash(_("Bienvenue dans l'espace « %(title)s » !", title=invitation.space.title), "success")
    return redirect(url_for("spaces.home", space_ref=invitation.space.slug))


@bp.get("/s/<space_ref>/invitations/<int:invitation_id>/qr.svg")
@login_required
def invitation_qr(space_ref: str, invitation_id: int):
    space = spaces.get_space(current_user, space_ref, Action.MANAGE)
    invitation = next((i for i in invitations.invitations_of(space) if i.id == invitation_id), None)
    if invitation is None:
        abort(404)
    link = url_for("spaces.join", token=invitation.token, _external=True)
    return Response(qrcodes.svg(link), mimetype="image/svg+xml")
