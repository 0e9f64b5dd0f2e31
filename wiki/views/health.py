"""``/healthz`` for the proxy and monitoring: JSON, 200 when healthy, 503 without database.

Cheap on purpose: answered from a ``before_request`` registered ahead of the others, so no
sign-in, no locale, no session is read or written, and the first request of a process does
not wait for the live editor's catch-up (nor fail with it when the database is down). The
route exists so that the URL map, ``HEAD`` and ``405`` behave as for any other URL.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, current_app, jsonify, request

from .. import health
from ..web import csrf

bp = Blueprint("health", __name__)
ENDPOINT = "health.healthz"


@bp.get("/healthz")
def healthz() -> Response:
    report, healthy = health.status(current_app.config.get("REDIS_URL"))
    response = jsonify(report)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def _answer_first() -> Response | None:
    if request.endpoint == ENDPOINT and request.method in ("GET", "HEAD"):
        return healthz()
    return None


def init_app(app: Flask) -> None:
    csrf.exempt(bp)
    app.register_blueprint(bp)
    app.before_request(_answer_first)  # before the locale, sign-in and live catch-up hooks
