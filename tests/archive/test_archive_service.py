"""wiki.archive and wiki.duplicate_space: archive, exports of that moment, reopen with the
audit log, duplicate (files copied, members optional, the original unchanged)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from wiki import archive, duplicate_space, pages
from wiki.db import db
from wiki.errors import (
    ArchivedSpace,
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from wiki.models import Membership, Page, Resource, Space
from wiki.models_memoire import ArchiveRecord, AuditEntry, ExportJob
from wiki.models_questionnaires import Questionnaire, Response
from wiki.resources import file_path

from .conftest import upload_dir


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_archive_freezes_records_and_queues_the_three_exports(personas, filled):
    space = personas.space
    record = archive.archive(personas.facilitator, space)
    assert space.is_archived and record.archived_by_id == personas.facilitator.id
    jobs = db.session.scalars(select(ExportJob).where(ExportJob.archive_id == record.id)).all()
    assert sorted(job.format for job in jobs) == ["html", "markdown", "pdf"]
    assert {job.status for job in jobs} == {"queued"}
    audit = db.session.scalars(select(AuditEntry)).all()
    assert [(a.action, a.actor_id, a.space_id) for a in audit] == [
        ("space_archived", personas.facilitator.id, space.id)
    ]
    info = archive.archive_info(space)
    assert info.record.id == record.id and info.archived_by.id == personas.facilitator.id
    assert [job.format for job in info.jobs] == ["pdf", "html", "markdown"]
    # every write is refused now, with the 423 error
    with pytest.raises(ArchivedSpace) as refused:
        pages.update_page(personas.facilitator, filled.parent, markdown="Changé")
    assert refused.value.status == 423 and refused.value.code == "archived"
    db.session.rollback()
    assert db.session.get(Page, filled.parent.id).markdown == "# Programme\n\nJour 1."


def test_archive_is_for_facilitators_and_once(personas):
    with pytest.raises(PermissionDenied):
        archive.archive(personas.participant, personas.space)
    with pytest.raises(NotFound):
        archive.archive(personas.outsider, personas.space)
    archive.archive(personas.facilitator, personas.space)
    with pytest.raises(ArchivedSpace):
        archive.archive(personas.facilitator, personas.space)
    assert count(ArchiveRecord) == 1


def test_reopen_is_for_instance_admins_with_a_reason(personas):
    space = personas.space
    record = archive.archive(personas.facilitator, space)
    with pytest.raises(PermissionDenied):
        archive.reopen(personas.facilitator, space, "On continue")
    with pytest.raises(ValidationError):
        archive.reopen(personas.admin, space, "   ")
    assert space.is_archived
    archive.reopen(personas.admin, space, "Une séance de plus")
    assert not space.is_archived
    assert record.reopened_by_id == personas.admin.id
    assert record.reopen_reason == "Une séance de plus"
    last = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (last.action, last.actor_id, last.reason) == (
        "space_reopened",
        personas.admin.id,
        "Une séance de plus",
    )
    assert archive.archive_info(space) is None
    with pytest.raises(Conflict):
        archive.reopen(personas.admin, space, "Encore")
    # and it can be archived again, with a new record
    archive.archive(personas.facilitator, space)
    assert count(ArchiveRecord) == 2 and archive.current_record(space).id != record.id


@pytest.mark.parametrize("with_members", [True, False])
def test_duplicate_copies_the_space_and_leaves_the_original(personas, filled, with_members):
    original = personas.space
    archive.archive(personas.facilitator, original)
    before = (count(Page), count(Resource), count(Response))
    copy = duplicate_space.duplicate(
        personas.facilitator,
        original,
        "Suite de l'accompagnement",
        members=with_members,
        upload_dir=upload_dir(),
    )
    assert copy.id != original.id and not copy.is_archived and original.is_archived
    copied = {p.title: p for p in db.session.scalars(select(Page).where(Page.space_id == copy.id))}
    assert set(copied) >= {"Programme", "Atelier énergie", "Fiche modèle", "Idées", "Carte"}
    assert copied["Atelier énergie"].parent_id == copied["Programme"].id
    assert copied["Atelier énergie"].markdown == "Texte de l'atelier."
    assert copied["Fiche modèle"].is_model and copied["Fiche modèle"].kind == "fiche_projet"
    assert copied["Idées"].kind == "metaplan" and copied["Carte"].kind == "mind_map"
    # the questionnaire's definition, never its answers
    q = db.session.scalar(select(Questionnaire).where(Questionnaire.space_id == copy.id))
    assert [question.label for question in q.questions] == ["Une idée ?", "En un mot ?"]
    assert q.link_token != filled.questionnaire.link_token
    assert count(Response, Response.questionnaire_id == q.id) == 0
    # resources, the file copied on disk
    files = db.session.scalars(select(Resource).where(Resource.space_id == copy.id)).all()
    assert sorted(r.title for r in files) == ["Guide", "Schéma"]
    new_file = next(r for r in files if r.kind == "file")
    assert new_file.stored_name != filled.file.stored_name
    new_path, old_path = file_path(new_file, upload_dir()), file_path(filled.file, upload_dir())
    assert new_path.read_bytes() == old_path.read_bytes() and new_path != old_path
    # members: the duplicating facilitator always, the others when asked
    roles = dict(
        db.session.execute(
            select(Membership.user_id, Membership.role).where(Membership.space_id == copy.id)
        ).all()
    )
    expected = {personas.facilitator.id: "facilitator"}
    if with_members:
        expected |= {personas.participant.id: "participant", personas.reader.id: "reader"}
    assert roles == expected
    # the original is untouched
    assert (count(Page, Page.space_id == original.id), count(Response)) == (before[0], before[2])
    assert count(Resource, Resource.space_id == original.id) == before[1]
    assert old_path.is_file()
    assert db.session.get(Space, original.id).is_archived


def test_duplicate_is_for_facilitators(personas, filled):
    with pytest.raises(PermissionDenied):
        duplicate_space.duplicate(
            personas.participant, personas.space, "Copie", members=False, upload_dir=upload_dir()
        )
    with pytest.raises(ValidationError):
        duplicate_space.duplicate(
            personas.facilitator, personas.space, "  ", members=False, upload_dir=upload_dir()
        )
    assert count(Space) == 1
