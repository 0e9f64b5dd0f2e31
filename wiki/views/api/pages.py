"""API: pages of a space, their text, history and restore."""

from __future__ import annotations

from flask import jsonify, url_for
from flask_babel import lazy_gettext as _l

from ... import navigation, page_kinds, page_trash, pages, revisions, spaces
from ...db import db
from ...errors import ValidationError
from ...models import Page
from . import api_blueprint
from .auth import api_user
from .parsing import checked_id, checked_space_ref, json_body, query_int
from .serializers import page_json, page_summary, revision_json

REVISIONS_LIMIT_MAX = 500
#: Further than any history goes; the OpenAPI document states the same bound.
REVISIONS_OFFSET_MAX = 1_000_000


def _page(page_id: int) -> Page:
    return pages.get_page(api_user(), checked_id(page_id))


def _location(page: Page) -> dict[str, str]:
    return {"Location": url_for("api.get_page", id=page.id, _external=True)}


@api_blueprint.get("/spaces/<space>/pages")
def list_pages(space: str):
    found = spaces.get_space(api_user(), checked_space_ref(space))
    return jsonify([page_summary(page) for page in navigation.live_pages(found)])


@api_blueprint.post("/spaces/<space>/pages")
def create_page(space: str):
    found = spaces.get_space(api_user(), checked_space_ref(space))
    body = json_body()
    page = page_kinds.create(
        api_user(),
        found,
        body.string("kind", default="page"),
        body.string("title", required=True),
        choice=body.optional_string("legal_form"),
        parent_id=body.integer("parent_id", minimum=1),
        markdown=body.optional_string("markdown"),  # absent: the kind's template
        message=body.string("message"),
    )
    return jsonify(page_json(page)), 201, _location(page)


@api_blueprint.get("/pages/<int:id>")
def get_page(id: int):
    return jsonify(page_json(_page(id)))


@api_blueprint.put("/pages/<int:id>")
def update_page(id: int):
    body = json_body()
    markdown, title = body.optional_string("markdown"), body.optional_string("title")
    if markdown is None and title is None:
        raise ValidationError(_l("Indiquez au moins « markdown » ou « title »."), field="markdown")
    page = _page(id)
    pages.update_page(
        api_user(),
        page,
        markdown=markdown,
        title=title,
        base_revision=body.integer("base_revision"),
        message=body.string("message"),
    )
    return jsonify(page_json(page))


@api_blueprint.delete("/pages/<int:id>")
def delete_page(id: int):
    page_trash.delete_page(api_user(), _page(id))
    return "", 204


@api_blueprint.get("/pages/<int:id>/revisions")
def list_revisions(id: int):
    limit = query_int("limit", default=100, minimum=1, maximum=REVISIONS_LIMIT_MAX)
    offset = query_int("offset", default=0, minimum=0, maximum=REVISIONS_OFFSET_MAX)
    query = revisions.history(_page(id)).limit(limit).offset(offset)
    return jsonify([revision_json(revision) for revision in db.session.scalars(query)])


@api_blueprint.post("/pages/<int:id>/revisions/<int:n>/restore")
def restore_revision(id: int, n: int):
    page = _page(id)
    revision = revisions.restore_revision(api_user(), page, checked_id(n))
    status = 200 if revision is None else 201
    return jsonify(page_json(page)), status, _location(page)
