"""Models → JSON-ready dicts. The shapes match the schemas of ``openapi.py``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import url_for

from ... import kinds, revision_messages
from ...models import Membership, Page, Resource, Revision, Space, User
from ...page_html import render_page

Json = dict[str, Any]


def iso(value: dt.datetime | dt.date | None) -> str | None:
    """ISO 8601; stored datetimes are naive UTC, so they are sent with their offset."""
    if value is None:
        return None
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC).isoformat()
    return value.isoformat()


def user_ref(user: User | None) -> Json | None:
    return None if user is None else {"id": user.id, "name": user.name}


def space_json(space: Space, role: str | None) -> Json:
    return {
        "id": space.id,
        "slug": space.slug,
        "title": space.title,
        "description": space.description,
        "starts_on": iso(space.starts_on),
        "ends_on": iso(space.ends_on),
        "visibility": space.visibility,
        "archived": space.is_archived,
        "archived_at": iso(space.archived_at),
        "role": role,
        "url": url_for("spaces.home", space_ref=space.slug, _external=True),
        "created_at": iso(space.created_at),
    }


def membership_json(membership: Membership) -> Json:
    return {
        "user": {**(user_ref(membership.user) or {}), "email": membership.user.email},
        "role": membership.role,
        "space_id": membership.space_id,
    }


def page_summary(page: Page) -> Json:
    return {
        "id": page.id,
        "title": page.title,
        "slug": page.slug,
        "parent_id": page.parent_id,
        "position": page.position,
        "revision": page.revision_number,
        "updated_at": iso(page.updated_at),
        "url": url_for("pages.view", space_ref=page.space.slug, slug=page.slug, _external=True),
    }


def page_json(page: Page) -> Json:
    return {
        **page_summary(page),
        "space": {"id": page.space.id, "slug": page.space.slug},
        "kind": kinds.of_page(page.kind).name,
        "markdown": page.markdown,
        "html": str(render_page(page).html),
        "created_at": iso(page.created_at),
    }


def revision_json(revision: Revision) -> Json:
    return {
        "number": revision.number,
        "title": revision.title,
        "author": user_ref(revision.author),
        "message": revision_messages.shown(revision.message),  # a system code, in words
        "created_at": iso(revision.created_at),
    }


def resource_json(resource: Resource, space: Space) -> Json:
    download = (
        url_for("resources.download", space_ref=space.slug, resource_id=resource.id, _external=True)
        if resource.kind == "file"
        else None
    )
    return {
        "id": resource.id,
        "space_id": resource.space_id,
        "kind": resource.kind,
        "title": resource.title,
        "description": resource.description,
        "tags": resource.tag_names,
        "url": resource.url,
        "download_url": download,
        "filename": resource.filename,
        "mime_type": resource.mime_type,
        "size": resource.size,
        "author": user_ref(resource.author),
        "created_at": iso(resource.created_at),
    }
