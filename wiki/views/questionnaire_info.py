"""What the questionnaire templates show besides the definition: its state in words (open
until…, in French and Paris time), who may do what, the URLs, the key of the local draft."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user

from .. import questionnaire_results
from .. import questionnaires as service
from ..errors import CercleError
from ..page_html import render_text
from ..permissions import Action, allowed, can

WHEN = "EEEE d MMMM y 'à' HH:mm"


def _when(value) -> str:
    import datetime as dt

    return format_datetime(value.replace(tzinfo=dt.UTC), WHEN)


def status_text(questionnaire) -> tuple[str, str]:
    """(state, sentence): ``open`` / ``not_open`` / ``closed`` and how a person reads it."""
    state = service.status(questionnaire)
    if state == "not_open":
        return state, _("Ouvre le %(when)s.", when=_when(questionnaire.opens_at))
    if state == "closed":
        if questionnaire.closes_at is None:
            return state, _("Fermé : les réponses ne sont plus acceptées.")
        return state, _("Fermé depuis le %(when)s.", when=_when(questionnaire.closes_at))
    if questionnaire.closes_at is not None:
        return state, _("Ouvert jusqu’au %(when)s.", when=_when(questionnaire.closes_at))
    return state, _("Ouvert.")


def public_url(questionnaire) -> str:
    """The address to give people: the link for "anyone with the link" (facilitators only
    learn its secret), else the questionnaire's page."""
    if questionnaire.audience == "link":
        try:
            token = service.answer_link_token(current_user, questionnaire.id)
            return url_for("questionnaires.answer_page", token=token, _external=True)
        except CercleError:
            pass
    page = questionnaire.page
    return url_for("pages.view", space_ref=page.space.slug, slug=page.slug, _external=True)


def _draft_key(questionnaire, respondent_key: str | None) -> str:
    who = str(current_user.id) if current_user.is_authenticated else (respondent_key or "")
    digest = hashlib.sha256(f"{questionnaire.link_token}:{who}".encode()).hexdigest()[:16]
    return f"cercle-questionnaire:{questionnaire.id}:{digest}"


def _results_visible(questionnaire, member: bool, can_manage: bool, answered: bool) -> bool:
    visibility = questionnaire.results_visibility
    return member and (
        can_manage or visibility == "everyone" or (visibility == "after_answer" and answered)
    )


def info_for(
    questionnaire, *, answered: bool, respondent_key: str | None = None, token: str | None = None
) -> dict[str, Any]:
    space = questionnaire.page.space
    member = allowed(current_user, space, Action.READ)
    can_manage = can(current_user, space, Action.MANAGE)
    state, sentence = status_text(questionnaire)
    by_link = token is not None or not member
    token = token or (questionnaire.link_token if by_link else None)
    answer_url = (
        url_for("questionnaires.submit", token=token)
        if by_link
        else url_for("questionnaires.submit", qid=questionnaire.id)
    )
    respondents = service.respondent_count(questionnaire)
    # readers read; members who edit answer, and so does anyone who came by the link
    can_answer = can(current_user, space, Action.EDIT) or (
        questionnaire.audience == "link" and by_link and not space.is_archived
    )
    visible = _results_visible(questionnaire, member, can_manage, answered)
    return {
        "state": state,
        "status": sentence,
        "member": member,
        "can_manage": can_manage,
        "answered": answered,
        "can_answer": can_answer,
        "archived": space.is_archived,
        "ask_identity": questionnaire.audience == "link" and not current_user.is_authenticated,
        "answer_url": answer_url,
        "answer_url_get": answer_url.removesuffix("/repondre"),
        "results_url": url_for("questionnaires.wall", qid=questionnaire.id) if visible else None,
        "space_url": url_for("spaces.home", space_ref=space.slug) if member else None,
        "draft_key": _draft_key(questionnaire, respondent_key),
        "respondents": respondents,
        "has_answers": respondents > 0,
        "public_url": public_url(questionnaire) if can_manage else None,
        "intro_html": render_text(space, questionnaire.intro).html if questionnaire.intro else None,
    }


def svg_results(data: Any) -> Any:
    """The results dict with every ``…svg`` string marked safe (drawn by ``wiki.charts``,
    every text in them escaped) for the templates."""
    from ..rendering import trusted_svg

    if isinstance(data, dict):
        return {
            k: (trusted_svg(v) if k.endswith("svg") and isinstance(v, str) else svg_results(v))
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [svg_results(item) for item in data]
    return data


def my_result(
    questionnaire, respondent_key: str | None, kept: dict | None, token: str | None = None
) -> dict | None:
    """The person's own quiz profile and grid radar (their line beside the group's).

    ``kept`` is the result the submission returned (kept in the session for the thank-you
    page), for when the stored response cannot be read back; ``token``: the link a visitor
    without an account came with (it stands for the account).
    """
    try:
        own = questionnaire_results.own_result(
            current_user, questionnaire.id, respondent_key=respondent_key, link_token=token
        )
    except CercleError:
        own = None
    own = own or {}
    result = own.get("result") or kept or {}
    return svg_results({"profile": result.get("profile"), "radar_svg": own.get("radar_svg")})
