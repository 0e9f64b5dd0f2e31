"""The archive pages: who sees which button, the confirmation, the archive record with the
exports' SHA-256, the admin's reopen form (a reason is required), the journal."""

from __future__ import annotations

from wiki import archive
from wiki.db import db
from wiki.models_memoire import ExportJob

SPACE = "/s/cooperer"


def test_facilitators_archive_after_a_confirmation(personas, client_for):
    facilitator = client_for(personas.facilitator)
    home = facilitator.get(SPACE + "/").get_data(as_text=True)
    assert "Archiver l’espace" in home and "Dupliquer l’espace" in home
    participant_home = client_for(personas.participant).get(SPACE + "/").get_data(as_text=True)
    assert "Archiver l’espace" not in participant_home
    assert client_for(personas.participant).get(SPACE + "/archiver").status_code == 403
    assert client_for(personas.participant).post(SPACE + "/archiver").status_code == 403
    confirm = facilitator.get(SPACE + "/archiver").get_data(as_text=True)
    assert "lecture seule pour tout le monde" in confirm and "administrateur" in confirm
    assert not personas.space.is_archived  # the confirmation page changes nothing
    response = facilitator.post(SPACE + "/archiver")
    assert response.status_code == 302 and response.headers["Location"].endswith("/archive")
    assert personas.space.is_archived
    again = facilitator.get(SPACE + "/archiver")
    assert again.status_code == 423 and "Revenir à l’espace" in again.get_data(as_text=True)


def test_the_archive_record_shows_the_exports_and_their_sha256(personas, client_for):
    record = archive.archive(personas.facilitator, personas.space)
    job = db.session.query(ExportJob).filter_by(archive_id=record.id, format="pdf").one()
    job.status, job.sha256, job.size_bytes = "done", "ab" * 32, 1234
    db.session.commit()
    for who in (personas.reader, personas.facilitator):
        html = client_for(who).get(SPACE + "/").get_data(as_text=True)
        assert "Espace archivé le" in html and "lecture seule" in html
        assert "Camille Animatrice" in html  # who archived it
        assert "ab" * 32 in html and "sha256sum" in html
        assert "en préparation" in html  # the two not made yet
    reader_home = client_for(personas.reader).get(SPACE + "/").get_data(as_text=True)
    assert "Dupliquer l’espace" not in reader_home and "Rouvrir" not in reader_home
    page = client_for(personas.reader).get(SPACE + "/archive")
    assert page.status_code == 200 and "ab" * 32 in page.get_data(as_text=True)


def test_an_admin_reopens_with_a_reason_kept_in_the_journal(personas, client_for):
    archive.archive(personas.facilitator, personas.space)
    facilitator, admin = client_for(personas.facilitator), client_for(personas.admin)
    assert facilitator.get(SPACE + "/rouvrir").status_code == 403
    assert facilitator.post(SPACE + "/rouvrir", data={"reason": "x"}).status_code == 403
    assert "Rouvrir l’espace" in admin.get(SPACE + "/").get_data(as_text=True)
    refused = admin.post(SPACE + "/rouvrir", data={"reason": " "})
    assert refused.status_code == 400 and "pourquoi" in refused.get_data(as_text=True)
    assert personas.space.is_archived
    assert admin.post(SPACE + "/rouvrir", data={"reason": "Une séance de plus"}).status_code == 302
    assert not personas.space.is_archived
    assert facilitator.get("/admin/journal").status_code == 403
    journal = admin.get("/admin/journal").get_data(as_text=True)
    assert "Espace rouvert" in journal and "Une séance de plus" in journal
    assert "Espace archivé" in journal and "Alix Admin" in journal


def test_duplicate_form(personas, client_for):
    archive.archive(personas.facilitator, personas.space)
    facilitator = client_for(personas.facilitator)
    form = facilitator.get(SPACE + "/dupliquer").get_data(as_text=True)
    assert "Inclure les membres" in form and "(suite)" in form
    assert client_for(personas.participant).get(SPACE + "/dupliquer").status_code == 403
    blank = facilitator.post(SPACE + "/dupliquer", data={"title": ""})
    assert blank.status_code == 400
    done = facilitator.post(SPACE + "/dupliquer", data={"title": "Suite", "members": "1"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/s/suite/")
    home = facilitator.get("/s/suite/").get_data(as_text=True)
    assert "Espace archivé" not in home and "Archiver l’espace" in home
