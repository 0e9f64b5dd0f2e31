"""Métaplan boards (issue 10): who wrote which card, the cards still hidden, the dots given.

The board itself (revealed cards, clusters, phase, settings) lives in the page's live
document, written by the server only (``wiki.metaplan``). SQL keeps what must never reach
that document before its time, or what the document must not show: the text of a card
written during "writing" (until the reveal), the author of every card (an anonymous board
shows no name, yet a person still edits their own cards) and each person's dots.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .db import Base

CARD_TEXT_MAX = 200


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class MetaplanCard(Base):
    """One card: its key in the document's ``cards`` map, its author; while ``revealed`` is
    false its text and colour are here only (the document has a count)."""

    __tablename__ = "metaplan_cards"

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(24), unique=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    text: Mapped[str] = mapped_column(String(CARD_TEXT_MAX * 4), default="")
    colour: Mapped[str] = mapped_column(String(20), default="jaune")
    revealed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)


class MetaplanVote(Base):
    """One dot ("gommette") a person put on a card; a person may put several on one card."""

    __tablename__ = "metaplan_votes"

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"), index=True)
    card_key: Mapped[str] = mapped_column(String(24), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))


class MetaplanPage(Base):
    """The ordinary page a board was turned into ("Transformer en page"), linked from it."""

    __tablename__ = "metaplan_pages"

    board_id: Mapped[int] = mapped_column(
        ForeignKey("pages.id", ondelete="CASCADE"), primary_key=True
    )
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)
