"""Two processes whose last clients leave at the same moment make one revision, not two
(``collab.snapshot._lock_page``), on SQLite and PostgreSQL.

Deterministic: process A (an app) is held inside its revision's transaction, its revision
written but not committed, until process B (a second app on the same database) has begun
its own revision and reached the page's row; only then does A commit. Without the guard B
reads the same previous revision as A and adds a second one (or trips on its number).
"""

from __future__ import annotations

import threading
import traceback
from typing import Any

from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

import collab
from app import create_app
from tests.collab.yclient import wait_for
from wiki import pages
from wiki.db import db
from wiki.models import Page, Revision

LIVE_TEXT = "# Relevé\n\nÉcrit en direct par deux processus.\n"


def _revisions(page_id: int) -> int:
    return db.session.scalar(select(func.count()).where(Revision.page_id == page_id)) or 0


def _lock_waiters(app: Any) -> int:
    """PostgreSQL sessions waiting for a lock (B on the page's row); -1 elsewhere."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            return -1
        with db.engine.connect() as conn:
            return conn.scalar(
                text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
            )


def test_two_processes_leaving_at_once_make_one_revision(app, app_config, personas) -> None:
    page = pages.create_page(personas.facilitator, personas.space, "Relevé", "# Relevé\n")
    page_id, before = page.id, _revisions(page.id)
    other = create_app(dict(app_config))  # process B: its own engine, hub and housekeeper
    a, b = collab.get(app), collab.get(other)
    room_a = a.hub.open_room(page)
    room_a.apply_text(LIVE_TEXT, personas.participant.id)
    a.hub.flush(room_a)  # stored: B's room loads it, as docsync would have brought it
    with other.app_context():
        room_b = b.hub.open_room(db.session.get(Page, page_id))
    assert room_b.content() == LIVE_TEXT
    room_b.authors.add(personas.participant.id)

    threads: dict[str, threading.Thread] = {}
    a_holding, b_at_row = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def hold_a(session: Session, _context: Any) -> None:
        """A's revision is flushed (the row lock is A's): wait for B to reach the row."""
        if threading.current_thread() is not threads.get("a") or a_holding.is_set():
            return
        if not any(isinstance(o, Revision) for o in session.new):
            return
        a_holding.set()
        b_at_row.wait(20)
        if _lock_waiters(app) >= 0:  # PostgreSQL: B is really waiting on A's lock
            wait_for(lambda: _lock_waiters(app) > 0, 20, "B attend le verrou de A")

    def b_reaches_row(_conn, _cursor, statement: str, *_args: Any) -> None:
        if threading.current_thread() is threads.get("b") and statement.startswith("UPDATE pages"):
            b_at_row.set()

    def snapshot(which: Any, application: Any, room: Any) -> None:
        try:
            with application.app_context():
                which.housekeeper.snapshot(room)
        except BaseException as error:  # re-raised in the test's thread
            errors.append(error)

    with other.app_context():
        other_engine = db.engine
    event.listen(Session, "after_flush", hold_a)
    event.listen(other_engine, "before_cursor_execute", b_reaches_row)
    try:
        threads["a"] = threading.Thread(target=snapshot, args=(a, app, room_a))
        threads["b"] = threading.Thread(target=snapshot, args=(b, other, room_b))
        threads["a"].start()
        assert a_holding.wait(20), "A n'a pas écrit sa version"
        threads["b"].start()
        for thread in threads.values():
            thread.join(60)
    finally:
        event.remove(Session, "after_flush", hold_a)
        event.remove(other_engine, "before_cursor_execute", b_reaches_row)
        with other.app_context():
            db.engine.dispose()
    assert b_at_row.is_set()
    assert errors == [], "".join(traceback.format_exception(errors[0]))
    db.session.expire_all()
    assert _revisions(page_id) == before + 1
    latest = db.session.scalars(
        select(Revision).where(Revision.page_id == page_id).order_by(Revision.number.desc())
    ).first()
    assert latest is not None and latest.markdown == LIVE_TEXT
