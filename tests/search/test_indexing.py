"""Incremental updates from the wiki's signals, permissions, files, rebuild and recovery."""

from __future__ import annotations

import shutil
import threading

import search
from search.schema import SearchDoc
from search.whoosh_backend import WhooshBackend
from tests.conftest import make_user
from tests.search.conftest import backend_titles, found, pdf_bytes
from wiki import page_trash, pages, resources, spaces
from wiki.db import db
from wiki.models import Membership, Space, utcnow


def test_save_then_found_delete_then_gone_rename_then_new_title(personas, make_page):
    page = make_page("Compte rendu", "Les freins à la coopération.")
    assert found(personas.participant, "freins") == ["Compte rendu"]
    pages.update_page(personas.participant, page, title="Bilan de l'atelier")
    assert found(personas.participant, "bilan atelier") == ["Bilan de l'atelier"]
    assert found(personas.participant, "compte rendu") == []
    pages.update_page(personas.participant, page, markdown="Tout autre chose.")
    assert found(personas.participant, "freins") == []
    page_trash.delete_page(personas.facilitator, page)
    assert found(personas.participant, "bilan") == []
    page_trash.restore_page(personas.facilitator, personas.space, page.id)
    assert found(personas.participant, "bilan") == ["Bilan de l'atelier"]


def test_permissions_filter_inside_the_engine(app, personas, make_page):
    secret = Space(slug="secret", title="Espace fermé")
    public = Space(slug="ouvert", title="Espace ouvert", visibility="link")
    db.session.add_all([secret, public])
    db.session.commit()
    db.session.add_all(
        Membership(space_id=s.id, user_id=personas.facilitator.id, role="facilitator")
        for s in (secret, public)
    )
    db.session.commit()
    make_page("Coopération ici", "coopération")
    make_page("Coopération secrète", "coopération", space=secret)
    make_page("Coopération publique", "coopération", space=public)
    assert set(found(personas.reader, "cooperation")) == {"Coopération ici", "Coopération publique"}
    assert found(personas.outsider, "cooperation") == ["Coopération publique"]
    assert found(None, "cooperation") == ["Coopération publique"]
    assert len(found(personas.admin, "cooperation")) == 3
    assert len(found(personas.facilitator, "cooperation")) == 3
    outcome = search.run_search(personas.reader, "cooperation", per_page=1)
    assert outcome.total == 2 and len(outcome.items) == 1
    assert found(personas.reader, "cooperation", space=public) == ["Coopération publique"]


def test_archived_space_stays_searchable_and_marked(personas, make_page):
    make_page("Mémoire de la journée", "Les coopératives présentes.")
    personas.space.archived_at = utcnow()
    db.session.commit()
    assert search.flush()
    [item] = search.run_search(personas.reader, "coopératives").items
    assert item.archived and item.space.id == personas.space.id


def test_pdf_and_text_files_are_searched_by_content(app, personas, add_file):
    pdf = add_file(
        "etude.pdf",
        pdf_bytes("Les freins a la cooperation entre structures"),
        title="Étude régionale",
    )
    assert pdf.mime_type == "application/pdf"  # read by pypdf, not as plain text
    add_file("notes.txt", "Été 2026 : mutualisation des locaux.".encode(), title="Notes")
    add_file("casse.pdf", b"%PDF-1.4\n garbage", title="Document abîmé")
    assert found(personas.reader, "freins cooperation") == ["Étude régionale"]
    assert found(personas.reader, "mutualisation") == ["Notes"]
    assert found(personas.reader, "abîmé") == ["Document abîmé"]
    [item] = search.run_search(personas.reader, "freins").items
    assert item.kind_label == "Ressource" and item.url.endswith(
        f"/s/{personas.space.slug}/ressources/#ressource-{item.hit.obj_id}"
    )


def test_resource_delete_and_link_tags(app, personas, add_file):
    link = resources.add_link(
        personas.facilitator,
        personas.space,
        url="https://example.org/a",
        title="Guide des SCIC",
        description="Société coopérative",
        tags="statuts, juridique",
    )
    assert found(personas.reader, "scic") == ["Guide des SCIC"]
    assert found(personas.reader, "societe", tag="statuts") == ["Guide des SCIC"]
    assert found(personas.reader, "societe", tag="autre") == []
    assert found(personas.reader, "societe", kinds=["page"]) == []
    assert found(personas.reader, "societe", author_id=personas.facilitator.id) == [
        "Guide des SCIC"
    ]
    resources.delete_resource(personas.facilitator, link, app.config["UPLOAD_DIR"])
    assert found(personas.reader, "scic") == []


def test_rebuild_equals_incremental_state(app, personas, make_page, add_file):
    page = make_page("Première", "un")
    make_page("Deuxième", "deux")
    pages.update_page(personas.facilitator, page, title="Première, renommée")
    add_file("a.txt", b"texte du fichier", title="Fichier")
    gone = make_page("Supprimée", "trois")
    page_trash.delete_page(personas.facilitator, gone)
    worker = search.indexer()
    assert worker.flush()
    incremental = worker.backend.stored_keys()
    assert worker.rebuild() == 3
    assert worker.backend.stored_keys() == incremental
    assert sorted(incremental.values()) == ["Deuxième", "Fichier", "Première, renommée"]


def test_cli_rebuild_shows_progress(app, personas, make_page):
    make_page("Page A")
    result = app.test_cli_runner().invoke(args=["search", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "Index reconstruit : 1 documents." in result.output


def test_missing_or_corrupt_index_is_rebuilt(app, personas, make_page):
    make_page("Coopération", "texte")
    assert found(personas.reader, "cooperation") == ["Coopération"]
    worker = search.indexer()
    folder = worker.backend.store.folder
    for name in [p.name for p in folder.iterdir() if p.suffix == ".toc"]:
        (folder / name).write_bytes(b"not a table of contents")
    worker.backend.store.reset()
    assert search.run_search(personas.reader, "cooperation").message is None
    assert found(personas.reader, "cooperation") == ["Coopération"]
    shutil.rmtree(folder)
    worker.backend.store.reset()
    # empty, or already refilled by the background rebuild: never an error
    assert search.run_search(personas.reader, "cooperation").message is None
    assert found(personas.reader, "cooperation") == ["Coopération"]


def test_two_writers_on_one_folder_do_not_lose_updates(tmp_path):
    """Two backends (as two processes would) write the same folder at the same time."""
    folder = tmp_path / "index"
    backends = [WhooshBackend(folder), WhooshBackend(folder)]
    errors: list[BaseException] = []

    def write(backend: WhooshBackend, offset: int) -> None:
        try:
            for i in range(15):
                backend.apply([SearchDoc("page", offset + i, 1, f"Page {offset + i}")], [])
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(b, n * 100)) for n, b in enumerate(backends)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(WhooshBackend(folder).stored_keys()) == 30


def test_page_save_is_not_slowed_by_indexing(personas, make_page):
    """The save only queues an id: no Whoosh commit on the request path."""
    import time

    make_page("Échauffement")
    assert search.flush()
    start = time.perf_counter()
    for n in range(10):
        make_page(f"Page {n}", "coopération " * 200)
    elapsed = (time.perf_counter() - start) / 10
    assert search.flush()
    assert len(found(personas.reader, "cooperation")) == 10
    assert elapsed < 0.5


def test_new_member_sees_results_immediately(personas, make_page):
    make_page("Coopération", "texte")
    newcomer = make_user("new@cercle.test", "Nouvelle")
    assert found(newcomer, "cooperation") == []
    spaces.join_space(personas.space, newcomer, "reader")
    assert found(newcomer, "cooperation") == ["Coopération"]
    assert backend_titles("cooperation") == ["Coopération"]
