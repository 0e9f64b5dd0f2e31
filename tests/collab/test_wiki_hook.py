"""wiki → live document: a restore while the page is open goes through the room; snapshots
credit everyone who typed. In-process, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import event, select

import collab
from wiki import pages, revisions
from wiki.db import db
from wiki.models import Revision, RevisionAuthor


def test_restore_and_snapshot_go_through_the_open_room(app, personas) -> None:
    state = collab.get(app)
    sent: list[tuple] = []
    state.hub._emit = lambda *args: sent.append(args)
    anim, part = personas.facilitator, personas.participant
    page = pages.create_page(anim, personas.space, "Fiche statut", "Version un")
    pages.update_page(anim, page, markdown="Version deux")
    room = state.hub.open_room(page)  # someone opened the editor: seeded from the Markdown
    assert room.content() == "Version deux"

    revisions.restore_revision(anim, page, 1)
    assert room.content() == "Version un"
    assert any(args[0] == "yjs" and args[2] == f"page:{page.id}" for args in sent)
    stored = state.hub.store.load(page.id)[0]
    assert len(stored) >= 2  # the seed, then the restore's diff, in the update log

    room.apply_text("Version un, complétée en atelier", part.id)
    room.apply_text("Version un, complétée en atelier ensemble", anim.id)
    state.hub.flush(room)
    state.housekeeper.snapshot(room)
    db.session.expire_all()
    latest = db.session.scalar(
        select(Revision).where(Revision.page_id == page.id).order_by(Revision.number.desc())
    )
    assert latest.markdown == "Version un, complétée en atelier ensemble"
    assert latest.message == "live_edit"  # a code, in words when shown
    authors = set(
        db.session.scalars(
            select(RevisionAuthor.user_id).where(RevisionAuthor.revision_id == latest.id)
        )
    )
    assert authors == {anim.id, part.id}
    assert db.session.get(type(page), page.id).markdown == latest.markdown  # reading is current
    assert room.content() == latest.markdown


def test_closed_page_without_live_history_is_left_alone(app, personas) -> None:
    state = collab.get(app)
    page = pages.create_page(personas.facilitator, personas.space, "Programme", "A")
    pages.update_page(personas.facilitator, page, markdown="B")
    assert state.hub.registry.get(page.id) is None
    assert state.hub.store.has_updates(page.id) is False


def test_history_and_recent_changes_name_everyone_who_typed(app, personas, client_for) -> None:
    state = collab.get(app)
    state.hub._emit = lambda *args: None
    anim, part = personas.facilitator, personas.participant
    page = pages.create_page(anim, personas.space, "Compte rendu", "Ordre du jour")
    room = state.hub.open_room(page)
    room.apply_text("Ordre du jour : statuts", part.id)
    room.apply_text("Ordre du jour : statuts et budget", anim.id)
    state.housekeeper.snapshot(room)
    queries: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *a: queries.append(a[2]))

    reader = client_for(personas.reader)
    html = reader.get(f"/s/cooperer/p/{page.slug}/historique").get_data(as_text=True)
    assert "<td>Camille Animatrice, Sami Participant</td>" in html  # the live revision
    assert "<td>Camille Animatrice</td>" in html  # the first one, from the form
    credited = [q for q in queries if "revision_authors" in q]
    assert len(credited) == 1, credited  # one query for the whole list, not one per row

    recent = reader.get("/s/cooperer/modifications").get_data(as_text=True)
    assert "— Camille Animatrice, Sami Participant," in recent


def test_save_without_text_takes_the_live_text_not_the_written_back_one(app, personas) -> None:
    """The live editor's "Enregistrer" sends the title only: the new version holds what was
    typed up to now, even before the housekeeper wrote it back to the page."""
    state = collab.get(app)
    state.hub._emit = lambda *args: None
    anim = personas.facilitator
    page = pages.create_page(anim, personas.space, "Fiche", "Début")
    room = state.hub.open_room(page)
    room.apply_text("Début, puis la suite tapée à l'instant", anim.id)
    assert page.markdown == "Début"  # not written back yet

    revision = pages.update_page(anim, page, title="Fiche SCIC", message="Relue")
    assert revision is not None
    assert revision.markdown == "Début, puis la suite tapée à l'instant"
    assert room.content() == revision.markdown  # nothing applied twice
    assert page.title == "Fiche SCIC"
