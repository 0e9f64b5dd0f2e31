"""JSON API under /api/v1 (token auth), described by /api/v1/openapi.json.

Modules: ``auth`` (who calls), ``parsing`` (reading input), ``serializers`` (models →
JSON), one module of routes per area (``spaces``, ``pages``, ``resources``; search adds its own)
and ``openapi`` + ``openapi_schemas`` (the document; a test keeps it in step with the
routes). Errors, lost write races included, are mapped to ``{"error": {"code", "message"}}``
by the application's one error edge in ``wiki.web``; this blueprint adds no handler.
"""

from __future__ import annotations

from flask import Blueprint, Response

from ...web import csrf
from .auth import authenticate

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


from . import comparisons, exports, openapi, pages, questionnaires, resources, spaces  # noqa: E402, F401, I001  (routes register themselves)
from . import tokens  # noqa: E402, F401  (issue 12: the caller's own tokens)
from . import memoire  # noqa: E402, F401  (issue 11: the mémoire, credit consent)
from . import archive  # noqa: E402, F401  (issue 11: archive, reopen, duplicate)
