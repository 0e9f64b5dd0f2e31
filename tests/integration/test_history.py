"""History: revisions, word-level comparison, restoring, recent changes and the Atom feed."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from html import unescape

import pytest
from sqlalchemy import select

from wiki import page_trash, pages, revisions
from wiki.db import db
from wiki.models import Revision
from wiki.revisions import DiffPart, word_diff

ATOM = "{http://www.w3.org/2005/Atom}"


def text_of(response) -> str:
    return unescape(response.get_data(as_text=True))


def save(client, slug: str, markdown: str, *, title: str, base: int, message: str = ""):
    return client.post(
        f"/s/cooperer/p/{slug}/modifier",
        data={"title": title, "markdown": markdown, "base_revision": str(base), "message": message},
    )


@pytest.fixture
def journal(personas, client_for):
    """A page saved three times, by two people, through the edit form."""
    facilitator, participant = client_for(personas.facilitator), client_for(personas.participant)
    response = facilitator.post(
        "/s/cooperer/nouvelle-page",
        data={"title": "Journal", "markdown": "Le chat dort.", "message": "Premier jet"},
    )
    assert response.status_code == 302
    page, _moved = pages.find_by_slug(personas.space, "journal")
    assert (
        save(
            participant,
            "journal",
            "Le chien dort.",
            title="Journal",
            base=1,
            message="Un chien plutôt",
        ).status_code
        == 302
    )
    assert (
        save(
            facilitator, "journal", "Le chien dort sur le canapé.", title="Journal", base=2
        ).status_code
        == 302
    )
    return page


def stored_revisions(page) -> list[Revision]:
    return list(db.session.scalars(revisions.history(page)))


# --- revisions ----------------------------------------------------------------------


def test_every_save_is_a_revision_with_author_time_and_message(journal, personas):
    rows = stored_revisions(journal)
    assert [r.number for r in rows] == [3, 2, 1]
    assert [r.markdown for r in rows] == [
        "Le chien dort sur le canapé.",
        "Le chien dort.",
        "Le chat dort.",
    ]
    assert [r.author_id for r in rows] == [
        personas.facilitator.id,
        personas.participant.id,
        personas.facilitator.id,
    ]
    assert [r.message for r in rows] == ["", "Un chien plutôt", "Premier jet"]
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    assert all(now - dt.timedelta(minutes=5) < r.created_at <= now for r in rows)
    assert journal.revision_number == 3 and journal.markdown == "Le chien dort sur le canapé."


def test_history_page_lists_versions_authors_and_messages(journal, personas, client_for):
    html = text_of(client_for(personas.reader).get("/s/cooperer/p/journal/historique"))
    assert "Historique de « Journal »" in html
    assert html.count('<input type="radio" name="de"') == 3
    for name in ("Camille Animatrice", "Sami Participant"):
        assert f"<td>{name}</td>" in html
    assert "Un chien plutôt" in html and "Premier jet" in html


def test_saving_the_same_text_makes_no_revision(journal, personas, client_for):
    client = client_for(personas.facilitator)
    response = save(client, "journal", "Le chien dort sur le canapé.", title="Journal", base=3)
    assert response.status_code == 302
    assert journal.revision_number == 3
    assert len(stored_revisions(journal)) == 3
    assert pages.update_page(personas.facilitator, journal, markdown=journal.markdown) is None
    # Windows line endings from a browser are the same text
    pages.update_page(personas.facilitator, journal, markdown="Ligne 1\nLigne 2")
    assert pages.update_page(personas.facilitator, journal, markdown="Ligne 1\r\nLigne 2") is None
    assert journal.revision_number == 4


# --- comparing ----------------------------------------------------------------------


def test_word_diff_marks_exactly_the_changed_word():
    before = "Les associations du territoire coopèrent depuis dix ans."
    after = "Les associations du quartier coopèrent depuis dix ans."
    parts = word_diff(before, after)
    assert [p for p in parts if p.kind == "removed"] == [DiffPart("removed", "territoire")]
    assert [p for p in parts if p.kind == "added"] == [DiffPart("added", "quartier")]
    assert "".join(p.text for p in parts if p.kind != "added") == before
    assert "".join(p.text for p in parts if p.kind != "removed") == after


def test_word_diff_keeps_accented_words_and_apostrophes_whole():
    parts = word_diff("L'économie coopérative", "L'économie solidaire")
    assert [(p.kind, p.text) for p in parts if p.kind != "same"] == [
        ("removed", "coopérative"),
        ("added", "solidaire"),
    ]
    assert word_diff("même texte", "même texte") == [DiffPart("same", "même texte")]
    assert word_diff("", "Nouveau") == [DiffPart("added", "Nouveau")]


def test_compare_counts_words(journal):
    summary = revisions.compare(journal, 1, 3)
    assert (summary.words_added, summary.words_removed) == (4, 1)
    assert summary.title_before == summary.title_after == "Journal"


def test_compare_page_shows_insertions_and_deletions(journal, personas, client_for):
    response = client_for(personas.reader).get("/s/cooperer/p/journal/comparer?de=1&a=2")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    diff = html[
        html.index('<div class="diff"') : html.index("</div>", html.index('<div class="diff"'))
    ]
    assert "<del>chat</del>" in diff and "<ins>chien</ins>" in diff
    assert diff.count("<del>") == 1 and diff.count("<ins>") == 1
    assert "De la version 1 à la version 2" in unescape(html)


def test_compare_defaults_to_the_last_change_and_orders_versions(journal, personas, client_for):
    client = client_for(personas.reader)
    default = text_of(client.get("/s/cooperer/p/journal/comparer"))
    assert "De la version 2 à la version 3" in default
    assert "<ins> sur le canapé</ins>" in default
    swapped = text_of(client.get("/s/cooperer/p/journal/comparer?de=3&a=1"))
    assert "De la version 1 à la version 3" in swapped


def test_compare_with_unknown_version_is_404(journal, personas, client_for):
    response = client_for(personas.reader).get("/s/cooperer/p/journal/comparer?de=1&a=9")
    assert response.status_code == 404
    assert "La version 9 de cette page n'existe pas." in text_of(response)


def test_compare_shows_title_change(personas, client_for):
    page = pages.create_page(personas.facilitator, personas.space, "Brouillon", "Texte.")
    pages.update_page(personas.facilitator, page, title="Version finale")
    html = (
        client_for(personas.reader)
        .get("/s/cooperer/p/version-finale/comparer")
        .get_data(as_text=True)
    )
    assert "<del>Brouillon</del> → <ins>Version finale</ins>" in html


# --- restoring ----------------------------------------------------------------------


def test_restoring_an_old_revision_adds_a_new_one(journal, personas, client_for):
    client = client_for(personas.participant)
    old = client.get("/s/cooperer/p/journal/versions/1")
    assert old.status_code == 200
    assert "Le chat dort." in old.get_data(as_text=True)
    assert "Restaurer cette version" in old.get_data(as_text=True)
    response = client.post("/s/cooperer/p/journal/versions/1/restaurer")
    assert response.status_code == 302
    assert response.headers["Location"] == "/s/cooperer/p/journal"
    rows = stored_revisions(journal)
    assert [r.number for r in rows] == [4, 3, 2, 1]
    assert rows[0].markdown == "Le chat dort."
    assert rows[0].message == "restored:1"  # stored as a code, shown in the reader's words
    assert "Retour à la version 1" in client.get("/s/cooperer/p/journal/historique").get_data(
        as_text=True
    )
    assert rows[0].author_id == personas.participant.id
    assert rows[1].markdown == "Le chien dort sur le canapé."  # history is never rewritten
    assert "Le chat dort." in client.get("/s/cooperer/p/journal").get_data(as_text=True)


def test_restoring_brings_back_the_old_title_too(personas):
    page = pages.create_page(personas.facilitator, personas.space, "Brouillon", "Un.")
    pages.update_page(personas.facilitator, page, title="Final", markdown="Deux.")
    revision = revisions.restore_revision(personas.participant, page, 1)
    assert revision.number == 3
    assert (page.title, page.slug, page.markdown) == ("Brouillon", "brouillon", "Un.")


def test_reader_cannot_restore(journal, personas, client_for):
    response = client_for(personas.reader).post("/s/cooperer/p/journal/versions/1/restaurer")
    assert response.status_code == 403
    assert journal.revision_number == 3


# --- conflicts ----------------------------------------------------------------------


def test_stale_base_revision_is_a_conflict_and_changes_nothing(journal, personas, client_for):
    response = save(
        client_for(personas.participant), "journal", "Mon texte à moi.", title="Journal", base=2
    )
    assert response.status_code == 409
    html = text_of(response)
    assert (
        "La page a été modifiée entre-temps (version 3, vous partiez de la version 2). "
        "Rechargez-la avant d'enregistrer." in html
    )
    assert "Quelqu’un a enregistré cette page pendant que vous écriviez." in html
    # the person's text is given back so it is not lost
    assert "Mon texte à moi." in html
    db.session.expire_all()
    assert journal.revision_number == 3
    assert journal.markdown == "Le chien dort sur le canapé."
    assert len(stored_revisions(journal)) == 3


# --- recent changes ----------------------------------------------------------------


def test_recent_changes_page_lists_changes_newest_first(journal, personas, client_for):
    pages.create_page(personas.participant, personas.space, "Idées", "Des idées.")
    response = client_for(personas.reader).get("/s/cooperer/modifications")
    assert response.status_code == 200
    html = text_of(response)
    assert "<h1>Modifications récentes</h1>" in html
    changes = html[html.index('<ul class="changes">') :]
    assert changes.index(">Idées</a>") < changes.index(">Journal</a>")
    assert changes.count('<li class="change">') == 4
    assert "« Un chien plutôt »" in changes
    assert "/s/cooperer/p/journal/comparer?de=2&amp;a=3" in response.get_data(as_text=True)


def test_recent_changes_skip_trashed_pages(journal, personas):
    page_trash.delete_page(personas.facilitator, journal)
    assert revisions.recent_changes(personas.reader, personas.space) == []


def test_atom_feed_is_valid_xml_with_entries(journal, personas, client_for):
    response = client_for(personas.reader).get("/s/cooperer/modifications.atom")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.data)
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}title") == "Coopérer sur le territoire — Modifications récentes"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        "Journal (version 3)",
        "Journal (version 2)",
        "Journal (version 1)",
    ]
    assert entries[1].findtext(f"{ATOM}author/{ATOM}name") == "Sami Participant"
    assert entries[1].findtext(f"{ATOM}summary") == "Un chien plutôt"
    assert entries[0].find(f"{ATOM}link").get("href") == (
        "http://cercle.test/s/cooperer/p/journal/versions/3"
    )
    assert all(e.findtext(f"{ATOM}updated").endswith("Z") for e in entries)


def test_atom_feed_escapes_titles_and_messages(personas, client_for):
    pages.create_page(
        personas.facilitator,
        personas.space,
        "Statuts <SCIC> & <SCOP>",
        "Texte.",
        message="Comparer <b>vite</b> & bien",
    )
    response = client_for(personas.reader).get("/s/cooperer/modifications.atom")
    assert b"<SCIC>" not in response.data and b"<b>" not in response.data
    feed = ET.fromstring(response.data)
    [entry] = feed.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Statuts <SCIC> & <SCOP> (version 1)"
    assert entry.findtext(f"{ATOM}summary") == "Comparer <b>vite</b> & bien"


def test_atom_feed_of_an_empty_space_is_valid(personas, client_for):
    feed = ET.fromstring(client_for(personas.reader).get("/s/cooperer/modifications.atom").data)
    assert feed.findall(f"{ATOM}entry") == []
    assert feed.findtext(f"{ATOM}updated").endswith("Z")


def test_recent_changes_of_members_only_space_hidden_from_outsiders(journal, personas, client_for):
    assert client_for(personas.outsider).get("/s/cooperer/modifications.atom").status_code == 404
    assert client_for(personas.outsider).get("/s/cooperer/modifications").status_code == 404


def test_revision_rows_exist_for_each_number(journal):
    numbers = db.session.scalars(
        select(Revision.number).where(Revision.page_id == journal.id).order_by(Revision.number)
    ).all()
    assert numbers == [1, 2, 3]
