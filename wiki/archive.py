"""Archiving a space (issue 11): freeze it, record who and when, make its exports.

``archive`` is a facilitator's act (MANAGE): it sets ``Space.archived_at``, writes an
``ArchiveRecord`` and an ``AuditEntry`` ("space_archived"), then asks ``wiki.exports`` for
the PDF, static site and Markdown of that moment (``ExportJob.archive_id``); their SHA-256
is shown on the space's page once made. From then on every write is refused by
``permissions.require`` (``ArchivedSpace``, 423) and ``events.space_archived`` turns open
live editors read-only. ``reopen`` is an instance admin's act with a reason, kept in the
audit log; ``audit_log`` lists it for the admin pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from . import events
from .db import db
from .errors import ArchivedSpace, Conflict, PermissionDenied, ValidationError
from .models import Space, User, utcnow
from .models_memoire import ArchiveRecord, AuditEntry, ExportJob
from .permissions import Action, require

ARCHIVE_FORMATS = ("pdf", "html", "markdown")
REASON_MAX = 2000
#: audit codes → the words shown in the journal
AUDIT_ACTIONS = {
    "space_archived": _l("Espace archivé"),
    "space_reopened": _l("Espace rouvert"),
    "space_duplicated": _l("Espace dupliqué"),
}
ALREADY_ARCHIVED = _l("Cet espace est déjà archivé.")
NOT_ARCHIVED = _l("Cet espace n'est pas archivé.")


@dataclass
class ArchiveInfo:
    """What the pages show about the current archiving of a space."""

    record: ArchiveRecord
    archived_by: User | None
    jobs: list[ExportJob] = field(default_factory=list)


def _audit(actor: User | None, action: str, space: Space | None, reason: str = "") -> None:
    db.session.add(
        AuditEntry(
            actor_id=getattr(actor, "id", None),
            action=action,
            space_id=space.id if space is not None else None,
            reason=reason,
        )
    )


def audit(actor: User | None, action: str, space: Space | None, reason: str = "") -> None:
    """Keep a trace of ``action`` (a code of ``AUDIT_ACTIONS``); the caller commits."""
    _audit(actor, action, space, reason)


def archive(user: User | None, space: Space) -> ArchiveRecord:
    """Freeze ``space`` (facilitators) and queue the exports of this moment."""
    require(user, space, Action.MANAGE, writing=False)
    if space.is_archived:
        raise ArchivedSpace(ALREADY_ARCHIVED)
    now = utcnow()
    space.archived_at = now
    record = ArchiveRecord(space_id=space.id, archived_at=now, archived_by_id=user.id)
    db.session.add(record)
    _audit(user, "space_archived", space)
    db.session.commit()
    _make_exports(user, space, record)
    events.space_archived.send(space, archive_id=record.id)
    return record


def _make_exports(user: User, space: Space, record: ArchiveRecord) -> None:
    from . import exports  # the export jobs read the space: allowed once archived

    for fmt in ARCHIVE_FORMATS:
        exports.enqueue(user, space, fmt, None, archive_id=record.id)


def check_reason(reason: object) -> str:
    text = reason.strip() if isinstance(reason, str) else ""
    if not text:
        raise ValidationError(_l("Dites pourquoi l'espace est rouvert."), field="reason")
    if len(text) > REASON_MAX:
        raise ValidationError(
            _l("La raison est trop longue (%(max)s caractères au plus).", max=REASON_MAX),
            field="reason",
        )
    return text


def reopen(admin: User | None, space: Space, reason: object) -> ArchiveRecord:
    """Unfreeze ``space``: instance admins only, with a reason kept in the audit log."""
    require(admin, space, Action.READ)
    if not getattr(admin, "is_admin", False):
        raise PermissionDenied(_l("Seul·e un·e administrateur·rice peut rouvrir un espace."))
    text = check_reason(reason)
    record = current_record(space)
    if not space.is_archived or record is None:
        raise Conflict(NOT_ARCHIVED)
    record.reopened_at, record.reopened_by_id, record.reopen_reason = utcnow(), admin.id, text
    space.archived_at = None
    _audit(admin, "space_reopened", space, text)
    db.session.commit()
    events.space_reopened.send(space)
    return record


def current_record(space: Space) -> ArchiveRecord | None:
    """The record of the archiving in force (the latest one not reopened)."""
    return db.session.scalar(
        select(ArchiveRecord)
        .where(ArchiveRecord.space_id == space.id, ArchiveRecord.reopened_at.is_(None))
        .order_by(ArchiveRecord.archived_at.desc(), ArchiveRecord.id.desc())
        .limit(1)
    )


def archive_jobs(record: ArchiveRecord) -> list[ExportJob]:
    order = {fmt: n for n, fmt in enumerate(ARCHIVE_FORMATS)}
    jobs = db.session.scalars(select(ExportJob).where(ExportJob.archive_id == record.id)).all()
    return sorted(jobs, key=lambda job: (order.get(job.format, 99), job.created_at))


def archive_info(space: Space) -> ArchiveInfo | None:
    """The current archiving of ``space`` (None when it is not archived)."""
    if not space.is_archived:
        return None
    record = current_record(space)
    if record is None:  # archived by hand (a script, an older version): no record
        record = ArchiveRecord(space_id=space.id, archived_at=space.archived_at)
        return ArchiveInfo(record, None, [])
    who = db.session.get(User, record.archived_by_id) if record.archived_by_id else None
    return ArchiveInfo(record, who, archive_jobs(record))


def audit_log(limit: int = 200) -> list[tuple[AuditEntry, User | None, Space | None]]:
    """The latest audit entries, newest first, with their actor and space."""
    entries = db.session.scalars(
        select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    ).all()
    return [
        (
            entry,
            db.session.get(User, entry.actor_id) if entry.actor_id else None,
            db.session.get(Space, entry.space_id) if entry.space_id else None,
        )
        for entry in entries
    ]


def audit_label(action: str) -> str:
    label = AUDIT_ACTIONS.get(action)
    return str(label) if label is not None else action
