"""JSON API under /api/v1 (token auth), described by /api/v1/openapi.json.

Modules: ``auth`` (who calls), ``parsing`` (reading input), ``serializers`` (models →
JSON), one module of routes per area (``spaces``, ``pages``, ``resources``; search adds its own)
and ``openapi`` + ``openapi_schemas`` (the document; a test keeps it in step with the
routes). Errors are mapped to ``{"error": {"code", "message"}}`` by the application's
handler in ``wiki.web``; this blueprint adds the 409 for lost write races.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, jsonify
from flask_babel import gettext
from sqlalchemy.exc import IntegrityError

from ...db import db
from ...web import csrf
from .auth import authenticate

log = logging.getLogger(__name__)

api_blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
# Writes need a Bearer token, which a third-party page cannot send: no CSRF token needed.
csrf.exempt(api_blueprint)
api_blueprint.before_request(authenticate)


@api_blueprint.after_request
def api_headers(response: Response) -> Response:
    response.headers.setdefault("Cache-Control", "no-store")
    if response.status_code == 401:
        response.headers.setdefault("WWW-Authenticate", 'Bearer realm="cercle"')
    return response


@api_blueprint.errorhandler(IntegrityError)
def _integrity_error(error: IntegrityError):
    """Two writes raced for the same row (revision number, slug): the later one retries."""
    db.session.rollback()
    log.warning("API write lost a race: %s", error.orig)
    message = gettext(
        "Quelqu'un a modifié la même chose au même instant. Rechargez puis réessayez."
    )
    return jsonify(error={"code": "conflict", "message": message}), 409


from . import openapi, pages, questionnaires, resources, spaces  # noqa: E402, F401  (routes register themselves)
