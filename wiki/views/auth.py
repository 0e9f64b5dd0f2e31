"""Sign in and out, one's profile, the language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from .. import accounts
from ..errors import ValidationError
from ..web import LOCALES
from .forms import form_error, text

bp = Blueprint("auth", __name__)


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
    if request.method == "GET":
        return render_template("auth/login.html", next=next_url)
    try:
        user = accounts.authenticate(
            text("email"), text("password"), remote_addr=request.remote_addr or ""
        )
    except ValidationError as error:
        return form_error(error, "auth/login.html", next=next_url, email=text("email"))
    login_user(user, remember=True)
    return redirect(next_url)


@bp.post("/deconnexion")
def logout():
    logout_user()
    flash(_("Vous êtes déconnecté·e."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/profil", methods=["GET", "POST"])
@login_required
def profile():
    if request.method == "POST":
        try:
            accounts.update_profile(
                current_user,
                name=text("name"),
                color=text("color"),
                locale=text("locale"),
                current_password=text("current_password"),
                new_password=text("new_password"),
            )
            session.pop("locale", None)
        except ValidationError as error:
            return form_error(error, "auth/profile.html")
        flash(_("Profil enregistré."), "success")
        return redirect(url_for("auth.profile"))
    return render_template("auth/profile.html")


@bp.post("/langue")
def set_language():
    locale = text("locale")
    if locale in LOCALES:
        session["locale"] = locale
    return redirect(safe_next(text("next"), url_for("spaces.index")))
