"""JSON API under /api/v1 (token auth), described by /api/v1/openapi.json."""

from flask import Blueprint

api_blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
