"""An archived space goes read-only at once in every open editor, board and results wall.

On ``wiki.events.space_archived`` this process marks its connections to the space's pages
read-only (the next update is refused with ``archived`` without waiting for the permission
cache, ``Settings.permission_ttl_s``), then emits ``archived`` ``{"page_id"}`` to each page's
room on ``/collab`` and ``{"questionnaire_id"}`` to each results room on ``/results``. The
emit goes through the Socket.IO message queue when there are several processes
(``REDIS_URL``), so browsers connected elsewhere switch too; those processes' own caches
see the archive at their next permission check (at most ``permission_ttl_s`` later, and
``permissions.require`` refuses the update then). The browser shows why
(``static/src/archive-notice.js``).
"""

from __future__ import annotations

import time
from typing import Any

from flask import Flask, current_app, has_app_context
from flask_socketio import SocketIO
from sqlalchemy import select

from wiki import events
from wiki.db import db
from wiki.errors import ArchivedSpace
from wiki.models import Page
from wiki.models_questionnaires import Questionnaire
from wiki.permissions import ARCHIVED_MESSAGE

from . import results
from .hub import NAMESPACE, Access, CollabHub, room_name

EVENT = "archived"


def freeze(hub: CollabHub, page_ids: set[int]) -> int:
    """Mark this process's connections to these pages read-only; how many were."""
    frozen = 0
    now = time.monotonic()
    for client in list(hub.clients.values()):
        for page_id in list(client.pages):
            if page_id in page_ids:
                client.pages[page_id] = Access(False, now, ArchivedSpace(ARCHIVED_MESSAGE))
                frozen += 1
    return frozen


def thaw(hub: CollabHub, page_ids: set[int]) -> None:
    """Reopened: the next update reads the permission again (a rejoin makes it writable)."""
    for client in list(hub.clients.values()):
        for page_id, access in list(client.pages.items()):
            if page_id in page_ids:
                client.pages[page_id] = Access(access.writable, 0.0, access.denial)


def _ids(space_id: int) -> tuple[set[int], list[int]]:
    page_ids = set(db.session.scalars(select(Page.id).where(Page.space_id == space_id)))
    questionnaire_ids = list(
        db.session.scalars(
            select(Questionnaire.id)
            .join(Page, Page.id == Questionnaire.page_id)
            .where(Page.space_id == space_id)
        )
    )
    return page_ids, questionnaire_ids


def init_app(app: Flask, hub: CollabHub, socketio: SocketIO, keep: list[Any]) -> None:
    def mine() -> bool:
        return not has_app_context() or current_app._get_current_object() is app

    def on_archived(space: Any, **_extra: Any) -> None:
        if not mine():
            return  # another app's (tests build many apps in one process)
        page_ids, questionnaire_ids = _ids(space.id)
        freeze(hub, page_ids)
        for page_id in sorted(page_ids):
            socketio.emit(EVENT, {"page_id": page_id}, to=room_name(page_id), namespace=NAMESPACE)
        for questionnaire_id in questionnaire_ids:
            socketio.emit(
                EVENT,
                {"questionnaire_id": questionnaire_id},
                to=results.room_name(questionnaire_id),
                namespace=results.NAMESPACE,
            )

    def on_reopened(space: Any, **_extra: Any) -> None:
        if mine():
            thaw(hub, _ids(space.id)[0])

    keep += [on_archived, on_reopened]  # blinker holds receivers weakly
    events.space_archived.connect(on_archived)
    events.space_reopened.connect(on_reopened)
