"""Changes queued for the index are not lost when a process stops, and an index that lost
some anyway (a crash) is refilled by the next process."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import search
from search.schema import doc_key
from search.whoosh_backend import WhooshBackend
from tests.search.conftest import found

ROOT = Path(__file__).resolve().parents[2]


def test_demo_command_leaves_a_complete_index(tmp_path):
    """``flask demo`` saves pages then exits: its queued changes are written before it does."""
    db_path = tmp_path / "cercle.db"
    env = {
        **os.environ,
        "CERCLE_DATA_DIR": str(tmp_path / "data"),
        "DATABASE_URL": f"sqlite:///{db_path}",
    }
    for command in (["db", "upgrade"], ["demo"]):
        subprocess.run(
            [sys.executable, "-m", "flask", "--app", "app", *command],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )
    with sqlite3.connect(db_path) as connection:
        (stored,) = connection.execute(
            "select (select count(*) from pages where deleted_at is null)"
            " + (select count(*) from resources)"
        ).fetchone()
    backend = WhooshBackend(tmp_path / "data" / "index")
    try:
        assert stored > 0
        assert backend.document_count() == stored
    finally:
        backend.close()


def test_index_that_lost_changes_is_refilled_on_first_search(personas, make_page):
    make_page("Coopération", "texte")
    lost = make_page("Fiche SCIC", "coopérative d'intérêt collectif")
    worker = search.indexer()
    assert worker.flush()
    worker.backend.apply([], [doc_key("page", lost.id)])  # as if its process had crashed
    assert sorted(found(personas.reader, "cooperation")) == ["Coopération", "Fiche SCIC"]
