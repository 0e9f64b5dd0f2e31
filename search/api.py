"""API: full-text search over what the caller may read (``GET /api/v1/search``)."""

from __future__ import annotations

from urllib.parse import urljoin

from flask import Blueprint, jsonify, request

from wiki import spaces
from wiki.views.api import api_headers
from wiki.views.api.auth import api_user, authenticate
from wiki.views.api.parsing import checked_space_ref, query_choice, query_int, query_text

from . import service
from .schema import KIND_LABELS

# Its own blueprint under the API prefix, so wiki/ never imports search/ (DESIGN.md).
api_bp = Blueprint("search_api", __name__, url_prefix="/api/v1")
api_bp.before_request(authenticate)
api_bp.after_request(api_headers)

LIMIT_MAX = 50


def _hit_json(item: service.ResultItem) -> dict:
    hit, space = item.hit, item.space
    return {
        "kind": hit.kind,
        "id": hit.obj_id,
        "title": hit.title,
        "space": {
            "id": space.id,
            "slug": space.slug,
            "title": space.title,
            "archived": space.is_archived,
        },
        "url": urljoin(request.host_url, item.url),
        "excerpt": str(hit.excerpt),
        "tags": hit.tags,
        "score": round(hit.score, 4),
    }


@api_bp.get("/search")
def search():
    user = api_user()
    ref = query_text("space")
    space = spaces.get_space(user, checked_space_ref(ref)) if ref else None
    kind = query_choice("kind", KIND_LABELS)
    outcome = service.run_search(
        user,
        query_text("q") or "",
        space=space,
        kinds=[kind] if kind else (),
        page=query_int("page", default=1, minimum=1, maximum=service.PAGE_MAX),
        per_page=query_int("limit", default=20, minimum=1, maximum=LIMIT_MAX),
    )
    return jsonify(
        query=outcome.text,
        total=outcome.total,
        page=outcome.page,
        per_page=outcome.per_page,
        message=None if outcome.message is None else str(outcome.message),
        notes=[str(note) for note in outcome.notes],
        hits=[_hit_json(item) for item in outcome.items],
    )
