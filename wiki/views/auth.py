"""Sign in and out, one's profile (sessions, API tokens), a reset link, the language switch.

``HEAD`` is answered as ``GET`` (Flask adds it to every ``GET`` route): a link checker or a
proxy's probe must never count as a sign-in attempt or a form submission.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from .. import accounts, password_resets, sessions, tokens
from ..db import db
from ..errors import ValidationError
from ..session_login import current_session_id, sign_out
from ..web import LOCALES
from .forms import form_error, text

bp = Blueprint("auth", __name__)
READS = ("GET", "HEAD")


def safe_next(target: str | None, fallback: str) -> str:
    """Only follow local paths after sign-in, never another site."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return fallback


@bp.route("/connexion", methods=["GET", "POST"])
def login():
    next_url = safe_next(request.values.get("next"), url_for("spaces.index"))
    if current_user.is_authenticated:
        return redirect(next_url)
    if request.method in READS:
        return render_template("auth/login.html", next=next_url)
    try:
        user = accounts.authenticate(
            text("email"), text("password"), remote_addr=request.remote_addr or ""
        )
    except ValidationError as error:
        return form_error(error, "auth/login.html", next=next_url, email=text("email"))
    login_user(user, remember=True)  # opens a server-side session (wiki.session_login)
    return redirect(next_url)


@bp.post("/deconnexion")
def logout():
    sign_out()
    flash(_("Vous êtes déconnecté·e."), "info")
    return redirect(url_for("auth.login"))


def _profile_page(status: int = 200, **context):
    context.setdefault("api_tokens", tokens.of_user(current_user))
    context.setdefault("user_sessions", sessions.of_user(current_user))
    return render_template(
        "auth/profile.html", current_session_id=current_session_id(), **context
    ), status


def _refused(error: ValidationError):
    """The profile again, with what was typed and why it was refused (nothing saved)."""
    db.session.rollback()
    flash(error.message, "error")
    return _profile_page(error.status, form=request.form)


@bp.route("/profil", methods=["GET", "POST"])
@login_required
def profile():
    if request.method in READS:
        return _profile_page()
    try:
        accounts.update_profile(
            current_user,
            name=text("name"),
            color=text("color"),
            locale=text("locale"),
            current_password=text("current_password"),
            new_password=text("new_password"),
            keep_session=current_session_id(),
        )
        session.pop("locale", None)
    except ValidationError as error:
        return _refused(error)
    flash(_("Profil enregistré."), "success")
    return redirect(url_for("auth.profile"))


@bp.post("/profil/jetons")
@login_required
def create_token():
    """The secret is in this answer only (never in a redirect's flash, kept in the cookie)."""
    try:
        token, secret = tokens.create(current_user, text("token_name"))
    except ValidationError as error:
        return _refused(error)
    return _profile_page(201, new_token=secret, new_token_id=token.id)


@bp.post("/profil/jetons/<int:token_id>/revoquer")
@login_required
def revoke_token(token_id: int):
    tokens.revoke(current_user, token_id)
    flash(_("Jeton révoqué : il ne donne plus accès à rien."), "success")
    return redirect(url_for("auth.profile", _anchor="jetons"))


@bp.post("/profil/sessions/<int:session_id>/fermer")
@login_required
def end_session(session_id: int):
    if session_id == current_session_id():
        return logout()
    sessions.end_one(current_user, session_id)
    flash(_("Session fermée sur cet appareil."), "success")
    return redirect(url_for("auth.profile", _anchor="sessions"))


@bp.post("/profil/sessions/fermer-les-autres")
@login_required
def end_other_sessions():
    count = sessions.end_all(current_user, keep=current_session_id())
    flash(_("Sessions fermées sur les autres appareils : %(n)s.", n=count), "success")
    return redirect(url_for("auth.profile", _anchor="sessions"))


@bp.route("/mot-de-passe/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """The link an admin handed over: choose a new password, then sign in with it."""
    reset = password_resets.check(token)
    user = accounts.get_user(reset.user_id)
    if request.method in READS:
        return render_template("auth/reset.html", person=user)
    if text("new_password") != text("confirm_password"):
        error = ValidationError(_("Les deux mots de passe diffèrent."), field="confirm_password")
        return form_error(error, "auth/reset.html", person=user)
    try:
        password_resets.use(token, text("new_password"))
    except ValidationError as error:
        return form_error(error, "auth/reset.html", person=user)
    sign_out()  # whoever was signed in in this browser: the person signs in anew
    flash(_("Mot de passe changé. Connectez-vous avec le nouveau."), "success")
    return redirect(url_for("auth.login"))


@bp.post("/langue")
def set_language():
    locale = text("locale")
    if locale in LOCALES:
        session["locale"] = locale
    return redirect(safe_next(text("next"), url_for("spaces.index")))
