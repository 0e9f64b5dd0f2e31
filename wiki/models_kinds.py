"""Page kinds (issue 10): an admin's own text for a built-in page template."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .db import Base


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class TemplateOverride(Base):
    """The text an admin gave a built-in template (``wiki/page_templates/<name>.md``) on this
    instance; deleting the row is "back to the shipped text"."""

    __tablename__ = "page_template_overrides"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)
