"""The mémoire (issue 11): what goes in and in which order, its cover, how each person is
credited, the export jobs and their files, the archive records and the audit log.

A space's mémoire is a curated, ordered selection (``MemoireItem``) under a cover
(``MemoireCover``); exports are made from a selection by background jobs (``ExportJob``)
whose state is on disk, so a restart resumes or fails them with a reason. Archiving a
space freezes it (``Space.archived_at``) and records who, when and the SHA-256 of the
exports made at that moment (``ArchiveRecord`` ← ``ExportJob.archive_id``); reopening is an
instance admin's act, written to the ``AuditEntry`` log with the reason.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .db import Base


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


#: how a participant is named in the mémoire and its exports
CREDIT_CHOICES = ("full", "initials", "none")
#: what a mémoire item can point at
ITEM_KINDS = ("page", "comparison", "resources")
EXPORT_FORMATS = ("pdf", "html", "markdown")
EXPORT_STATUSES = ("queued", "running", "done", "failed")
DEFAULT_LICENCE = "CC BY-SA 4.0"


class MemoireCover(Base):
    """The cover and introduction of a space's mémoire (one per space)."""

    __tablename__ = "memoire_covers"

    space_id: Mapped[int] = mapped_column(
        ForeignKey("spaces.id", ondelete="CASCADE"), primary_key=True
    )
    title: Mapped[str] = mapped_column(String(200), default="")
    subtitle: Mapped[str] = mapped_column(String(300), default="")
    #: free text, e.g. "du 12 au 14 mars 2026" (the space's dates when empty)
    dates: Mapped[str] = mapped_column(String(200), default="")
    facilitators: Mapped[str] = mapped_column(Text, default="")
    funder: Mapped[str] = mapped_column(String(300), default="")
    licence: Mapped[str] = mapped_column(String(100), default=DEFAULT_LICENCE)
    #: Markdown
    introduction: Mapped[str] = mapped_column(Text, default="")
    #: true once a facilitator saved a selection (else the export takes the whole space)
    has_selection: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )


class MemoireItem(Base):
    """One entry of the mémoire, in ``position`` order: a page (shown as its kind shows it: a
    questionnaire's synthesis and charts, a mind map, a board, a fiche…), the comparison
    table of a comparable kind, or the list of the resources."""

    __tablename__ = "memoire_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: one of ``ITEM_KINDS``
    item_kind: Mapped[str] = mapped_column(String(20))
    #: the page id (None for "resources" and "comparison")
    ref_id: Mapped[int | None] = mapped_column(Integer, default=None)
    #: the kind name of a comparison table ("fiche_statut"), else ""
    ref_key: Mapped[str] = mapped_column(String(60), default="")


class CreditConsent(Base):
    """How one member of a space is credited in its mémoire: full name, initials, or not at
    all; their structure is printed beside the name on the cover."""

    __tablename__ = "credit_consents"
    __table_args__ = (UniqueConstraint("space_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: one of ``CREDIT_CHOICES``
    choice: Mapped[str] = mapped_column(String(10), default="full")
    structure: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)


class ArchiveRecord(Base):
    """One archiving of a space: when and by whom; ``reopened_*`` once an admin reopens it."""

    __tablename__ = "space_archives"

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), index=True)
    archived_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)
    archived_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    reopened_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    reopened_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    reopen_reason: Mapped[str] = mapped_column(Text, default="")


class AuditEntry(Base):
    """An act an instance keeps a trace of (reopening an archived space): who, what, why.
    ``action`` is a code, translated when shown."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    action: Mapped[str] = mapped_column(String(40))
    space_id: Mapped[int | None] = mapped_column(
        ForeignKey("spaces.id", ondelete="SET NULL"), default=None, index=True
    )
    reason: Mapped[str] = mapped_column(Text, default="")


class ExportJob(Base):
    """One export of a space's mémoire, run in the background. ``id`` is a random token (the
    job's URL must not be guessable); the file is written under the data folder and its
    SHA-256 kept here."""

    __tablename__ = "export_jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    #: one of ``EXPORT_FORMATS``
    format: Mapped[str] = mapped_column(String(10))
    #: JSON list of {"item_kind", "ref_id", "ref_key"}, the selection as it was asked
    selection: Mapped[str] = mapped_column(Text, default="[]")
    #: one of ``EXPORT_STATUSES``
    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    #: a code saying why it failed ("interrupted", "error"), translated when shown
    error: Mapped[str] = mapped_column(String(40), default="")
    #: relative to the data folder's exports directory
    file_name: Mapped[str] = mapped_column(String(200), default="")
    size_bytes: Mapped[int] = mapped_column(Integer, default=0)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    #: set for the exports made when the space was archived
    archive_id: Mapped[int | None] = mapped_column(
        ForeignKey("space_archives.id", ondelete="SET NULL"), default=None, index=True
    )
    #: the process that runs it (host:pid), so a restart knows what was left behind
    worker: Mapped[str] = mapped_column(String(80), default="")
    #: how many times a runner started it (a job interrupted twice fails "interrupted")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
