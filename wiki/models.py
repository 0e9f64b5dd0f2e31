"""Typed SQLAlchemy 2 models: people, spaces, pages with history, resources."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .db import Base

TITLE_MAX = 200
SLUG_MAX = 220
ROLES = ("facilitator", "participant", "reader")
VISIBILITIES = ("members", "link")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(255))
    color: Mapped[str] = mapped_column(String(7), default="#2f6f9f")
    locale: Mapped[str | None] = mapped_column(String(5), default=None)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    can_create_spaces: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(back_populates="user")

    # Flask-Login protocol
    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return str(self.id)


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: what the person called it ("script de sauvegarde"), shown in their profile
    name: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)

    user: Mapped[User] = relationship()


class Space(Base):
    __tablename__ = "spaces"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(SLUG_MAX), unique=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    ends_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    visibility: Mapped[str] = mapped_column(String(10), default="members")
    quota_bytes: Mapped[int] = mapped_column(BigInteger, default=500 * 1024 * 1024)
    #: bumped whenever a page appears, disappears or changes title, so cached HTML
    #: whose [[links]] depend on which pages exist is not served stale.
    tree_version: Mapped[int] = mapped_column(Integer, default=0)
    archived_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="space", cascade="all, delete-orphan"
    )

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("space_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    space: Mapped[Space] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(back_populates="memberships")


class Invitation(Base):
    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(12))
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    max_uses: Mapped[int | None] = mapped_column(Integer, default=None)
    uses: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    space: Mapped[Space] = relationship()


class Page(Base):
    __tablename__ = "pages"
    __table_args__ = (UniqueConstraint("space_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("pages.id", ondelete="SET NULL"), index=True, default=None
    )
    #: a name of ``wiki.kinds`` ("page" for a free page)
    kind: Mapped[str] = mapped_column(String(30), default="page")
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    slug: Mapped[str] = mapped_column(String(SLUG_MAX))
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: the text as of the latest revision (live editing keeps it current later)
    markdown: Mapped[str] = mapped_column(Text, default="")
    revision_number: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: marked "Modèle" by a facilitator: offered by the new-page picker of its space
    is_model: Mapped[bool] = mapped_column(Boolean, default=False)
    #: a working page the facilitators keep out of the mémoire (still in the space)
    hidden_from_memoire: Mapped[bool] = mapped_column(Boolean, default=False)

    space: Mapped[Space] = relationship()
    parent: Mapped[Page | None] = relationship(remote_side=[id])

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class PageAlias(Base):
    """An old slug of a renamed page, so old URLs and [[links]] keep working."""

    __tablename__ = "page_aliases"
    __table_args__ = (UniqueConstraint("space_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), index=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(SLUG_MAX))


class Revision(Base):
    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("page_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    markdown: Mapped[str] = mapped_column(Text, default="")
    message: Mapped[str] = mapped_column(String(300), default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)

    page: Mapped[Page] = relationship()
    author: Mapped[User | None] = relationship()
    #: everyone who typed a live-editing revision (``revision_authors``); empty otherwise
    credited: Mapped[list[User]] = relationship(
        secondary="revision_authors", order_by="User.name", viewonly=True
    )


class PageLink(Base):
    """A [[link]] from a page, by the slug of the title it names (resolved when read)."""

    __tablename__ = "page_links"
    __table_args__ = (UniqueConstraint("source_id", "target_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"), index=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), index=True)
    target_slug: Mapped[str] = mapped_column(String(SLUG_MAX), index=True)


class Resource(Base):
    __tablename__ = "resources"

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # "file" | "link"
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str | None] = mapped_column(String(2000), default=None)
    stored_name: Mapped[str | None] = mapped_column(String(80), default=None)
    filename: Mapped[str | None] = mapped_column(String(255), default=None)
    mime_type: Mapped[str | None] = mapped_column(String(100), default=None)
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    author: Mapped[User | None] = relationship()
    tags: Mapped[list[ResourceTag]] = relationship(
        cascade="all, delete-orphan", order_by="ResourceTag.tag"
    )

    @property
    def tag_names(self) -> list[str]:
        return [t.tag for t in self.tags]


class ResourceTag(Base):
    __tablename__ = "resource_tags"
    __table_args__ = (UniqueConstraint("resource_id", "tag"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(
        ForeignKey("resources.id", ondelete="CASCADE"), index=True
    )
    tag: Mapped[str] = mapped_column(String(40), index=True)


class LoginAttempt(Base):
    """Failed sign-ins, counted per e-mail and per address to slow guessing down."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)


# --- live co-editing (collab/) -------------------------------------------------------------


class CollabUpdate(Base):
    """One Yjs (v1) update of a page's live document, appended before it is broadcast.

    Compaction replaces a page's rows by a single one holding the whole state.
    """

    __tablename__ = "collab_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"), index=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class CollabSeed(Base):
    """A page whose live document was seeded from its Markdown (once, by one process)."""

    __tablename__ = "collab_seeds"

    page_id: Mapped[int] = mapped_column(
        ForeignKey("pages.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class CollabWriteback(Base):
    """How far a page's update log is in ``Page.markdown``: the last row id written back.

    A log row above it (a crash between a store and its write-back) means the page's text is
    behind its live document; ``collab`` brings such pages up to date when a process starts.
    """

    __tablename__ = "collab_writebacks"

    page_id: Mapped[int] = mapped_column(
        ForeignKey("pages.id", ondelete="CASCADE"), primary_key=True
    )
    row_id: Mapped[int] = mapped_column(Integer, default=0)


class RevisionAuthor(Base):
    """Everyone who typed in the live editor between two revisions (a revision has one or more)."""

    __tablename__ = "revision_authors"

    revision_id: Mapped[int] = mapped_column(
        ForeignKey("revisions.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )

    user: Mapped[User] = relationship()


# --- questionnaires (issue 9): their own module, registered on the same metadata ------------

# issue 10: page templates overridden by an admin
from . import models_kinds  # noqa: E402, F401, I001
from . import models_questionnaires  # noqa: E402, F401  (its tables join this metadata)
from . import models_sessions  # noqa: E402, F401  (issue 12: sessions, password resets)
from . import models_metaplan  # noqa: E402, F401  (issue 10: Métaplan boards)
from . import models_memoire  # noqa: E402, F401  (issue 11: mémoire, exports, archive)
