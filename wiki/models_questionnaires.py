"""Typed models of questionnaires (issue 9): definition, responses, answers, saved models.

A questionnaire is a page of kind ``questionnaire`` (its ``Page`` holds the Markdown
rendition); its definition and its answers are rows here.

Anonymity is a storage property, not a display filter: a response of an anonymous
questionnaire stores no user id, no name and no time, only ``respondent_key``, a keyed hash
(HMAC with the app's secret and the questionnaire's own ``secret``) of who answered, so the
same person replaces their answer and sees their own result, and nobody reading the
database learns who it was. Responses carry no timestamp, and every output orders them by
that key, so neither a time nor an insertion order can be matched with who was in the room.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .db import Base
from .models import TITLE_MAX, Page, utcnow

QUESTIONNAIRE_KINDS = ("form", "quiz", "grid")
AUDIENCES = ("members", "link")
RESULTS_VISIBILITIES = ("everyone", "facilitators", "after_answer")
QUESTION_TYPES = (
    "short_text",
    "long_text",
    "single_choice",
    "multiple_choice",
    "scale",
    "yes_no",
    "number",
    "date",
    "ranking",
    "words",
)
LABEL_MAX = 500
SECTION_MAX = 200
HELP_MAX = 2000
KEY_LENGTH = 64


class Questionnaire(Base):
    __tablename__ = "questionnaires"

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"), unique=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="form")
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    audience: Mapped[str] = mapped_column(String(10), default="members")
    results_visibility: Mapped[str] = mapped_column(String(20), default="everyone")
    #: naive UTC, like every stored datetime; None = no limit
    opens_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    closes_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    intro: Mapped[str] = mapped_column(Text, default="")
    #: quiz profiles: [{"key", "title", "text"}]
    profiles: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    #: word stems the facilitator hid from the wall
    hidden_words: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: the secret part of "anyone with the link" (audience ``link``)
    link_token: Mapped[str] = mapped_column(String(KEY_LENGTH), unique=True)
    #: per-questionnaire salt of the respondent keys (with the app's SECRET_KEY)
    secret: Mapped[str] = mapped_column(String(KEY_LENGTH))
    #: bumped on every change of the definition, so the builder can tell it is stale
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    page: Mapped[Page] = relationship()
    questions: Mapped[list[Question]] = relationship(
        back_populates="questionnaire",
        order_by="Question.position",
        cascade="all, delete-orphan",
    )

    @property
    def title(self) -> str:
        return self.page.title


class Question(Base):
    __tablename__ = "questionnaire_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    section: Mapped[str | None] = mapped_column(String(SECTION_MAX), default=None)
    label: Mapped[str] = mapped_column(String(LABEL_MAX))
    type: Mapped[str] = mapped_column(String(20))
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    help: Mapped[str] = mapped_column(Text, default="")
    options: Mapped[list[str]] = mapped_column(JSON, default=list)
    allow_other: Mapped[bool] = mapped_column(Boolean, default=False)
    #: scale: {"min", "max", "min_label", "max_label"}; None for other types
    scale: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    #: words: how many words a person may give (1–3)
    max_words: Mapped[int | None] = mapped_column(Integer, default=None)
    #: quiz: {option: {profile_key: points}}
    scores: Mapped[dict[str, dict[str, int]]] = mapped_column(JSON, default=dict)
    #: bumped on every edit of this question (two builders do not overwrite each other)
    version: Mapped[int] = mapped_column(Integer, default=1)

    questionnaire: Mapped[Questionnaire] = relationship(back_populates="questions")


class Response(Base):
    """One person's answers to one questionnaire (replaced when they answer again)."""

    __tablename__ = "questionnaire_responses"
    __table_args__ = (UniqueConstraint("questionnaire_id", "respondent_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE"), index=True
    )
    respondent_key: Mapped[str] = mapped_column(String(KEY_LENGTH))
    #: named questionnaires only; always None when anonymous
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    #: named "anyone with the link" answers: who they say they are
    name: Mapped[str | None] = mapped_column(String(120), default=None)
    structure: Mapped[str | None] = mapped_column(String(TITLE_MAX), default=None)

    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )


class Answer(Base):
    __tablename__ = "questionnaire_answers"
    __table_args__ = (UniqueConstraint("response_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_responses.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_questions.id", ondelete="CASCADE"), index=True
    )
    #: str, list[str], int, bool or an ISO date string, as validated for the question's type
    value: Mapped[Any] = mapped_column(JSON)

    response: Mapped[Response] = relationship(back_populates="answers")


class SavedModel(Base):
    """A questionnaire a facilitator saved as a model for their space."""

    __tablename__ = "questionnaire_models"

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    #: the definition, in the shape of the built-in model files
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class PublishedChart(Base):
    """An SVG chart drawn by ``wiki.charts`` for a published synthesis page.

    Pages reference it by id from a ``cercle-chart`` fenced block; the renderer shows the
    stored SVG only for a chart of the page's own space (see ``wiki.rendering``).
    """

    __tablename__ = "published_charts"

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), index=True)
    svg: Mapped[str] = mapped_column(Text)
