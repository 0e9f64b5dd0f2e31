"""“Publier la synthèse”: an ordinary page with the charts and the text answers, frozen."""

from __future__ import annotations

from .models import Page, User


def publish_synthesis(user: User, questionnaire_id: int) -> Page:
    raise NotImplementedError("synthesis: coming in the next commit")
