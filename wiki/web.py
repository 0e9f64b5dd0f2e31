"""Flask glue: login, CSRF, translations, security headers, error pages, blueprints."""

from __future__ import annotations

import logging

from flask import Flask, Response, g, jsonify, make_response, render_template, request, session
from flask_babel import Babel, gettext
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFError, CSRFProtect
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException, RequestHeaderFieldsTooLarge, RequestURITooLarge

from . import session_login
from .db import db
from .errors import CercleError

log = logging.getLogger(__name__)

#: Longer than any address Cercle builds (a search may be pasted text: it is cut to its
#: first words, with a note) or header a browser sends; refused before routing so the
#: answer comes from this edge (JSON under /api) rather than from the HTTP server's own
#: bare page at its higher limit (64 KiB a line for Werkzeug's). A header line and the
#: header count are limited as gunicorn and Apache do by default.
URL_MAX = 32 * 1024
HEADER_LINE_MAX = 8190
HEADERS_COUNT_MAX = 100

login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
LOCALES = ("fr", "en")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def select_locale() -> str:
    chosen = session.get("locale") if request else None
    if chosen in LOCALES:
        return chosen
    # The API caller (Bearer token) has no session: the token's person decides.
    for person in (g.get("api_user"), current_user):
        user_locale = getattr(person, "locale", None)
        if user_locale in LOCALES:
            return user_locale
    # French first: the browser's language is not consulted, a person switches explicitly.
    return "fr"


@login_manager.user_loader
def _load_user(cookie_value: str):
    # a server-side session (``wiki.sessions``): one indexed lookup, cached on ``g``
    return session_login.load_user(cookie_value)


def _wants_json() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


def _error_response(
    status: int, code: str, message: str, headers: list[tuple[str, str]] | None = None
) -> Response:
    message = str(message)  # never a LazyString: jsonify cannot serialise one
    if _wants_json():
        response = jsonify(error={"code": code, "message": message})
    else:
        response = make_response(render_template("error.html", status=status, message=message))
    response.status_code = status
    response.headers.extend(headers or [])
    return response


def _refuse_oversized_request() -> None:
    """414 / 431 for what no Cercle page needs, answered by the error handlers below."""
    if len(request.path) + len(request.query_string) > URL_MAX:
        raise RequestURITooLarge()
    headers = list(request.headers.items())
    too_long = any(len(name) + len(value) + 2 > HEADER_LINE_MAX for name, value in headers)
    if too_long or len(headers) > HEADERS_COUNT_MAX:
        raise RequestHeaderFieldsTooLarge()


def _register_errors(app: Flask) -> None:
    @app.errorhandler(CercleError)
    def _domain_error(error: CercleError):
        if error.status == 401 and not _wants_json():
            from flask import redirect, url_for

            return redirect(url_for("auth.login", next=request.full_path))
        return _error_response(error.status, error.code, error.message)

    @app.errorhandler(IntegrityError)
    def _concurrent_write(error: IntegrityError):
        # Two writes raced for the same unique value (revision number, slug): the
        # second one loses cleanly instead of failing with a server error.
        db.session.rollback()
        log.warning("A write lost a race: %s", error.orig)
        return _error_response(
            409,
            "conflict",
            gettext("Quelqu'un a modifié la même chose au même moment. Rechargez et réessayez."),
        )

    @app.errorhandler(CSRFError)
    def _csrf_error(_error: CSRFError):
        return _error_response(
            400, "csrf", gettext("Le formulaire a expiré. Rechargez la page et recommencez.")
        )

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        from .messages import http_message

        status = error.code or 500
        # Keep what the status promises (``Allow`` on a 405 …); the body is ours.
        headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
        return _error_response(status, f"http_{status}", http_message(status), headers)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        log.exception("Erreur inattendue", exc_info=error)
        message = gettext("Une erreur inattendue s'est produite.")
        return _error_response(500, "server_error", message)


def _security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    return response


def init_app(app: Flask) -> None:
    from .views import register_blueprints

    login_manager.init_app(app)
    session_login.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    app.after_request(_security_headers)
    app.before_request(_refuse_oversized_request)
    _register_errors(app)
    register_blueprints(app)

    @app.before_request
    def _remember_path() -> None:
        # A static file needs no locale: choosing one looks up the signed-in person, a
        # query for each file of each page.
        if request.endpoint == "static":
            return
        g.locale = select_locale()
