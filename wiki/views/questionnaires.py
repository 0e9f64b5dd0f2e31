"""Questionnaires, the participant's side and the results: answer, thank-you page, the live
results wall, the projector view, CSV export, publishing the synthesis.

A questionnaire is a page of kind ``questionnaire``: the page view hands it to ``show``
(kind view). ``/questionnaires/<id>`` is the same answering page by id; ``/questionnaires/
lien/<token>`` is the "anyone with the link" entry, for people without an account, who are
told apart by a random key kept in a cookie (``respondent_key`` for the services).
The builder and the settings are in ``questionnaire_builder``.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import (
    Blueprint,
    Response,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import qrcodes, questionnaire_answers, questionnaire_results
from .. import questionnaires as service
from ..db import db
from ..errors import CercleError, ValidationError
from ..models import Page, Space
from . import questionnaire_forms as forms
from .kind_views import kind_view
from .questionnaire_info import info_for, my_result, public_url, svg_results

bp = Blueprint("questionnaires", __name__, url_prefix="/questionnaires")
COOKIE = "cercle_repondant"
COOKIE_AGE = 400 * 24 * 3600


def _visitor_key() -> str | None:
    """The respondent key of someone answering without an account (None when signed in)."""
    if current_user.is_authenticated:
        return None
    return request.cookies.get(COOKIE) or request.environ.setdefault(
        "cercle.respondent_key", secrets.token_urlsafe(24)
    )


def _keep_key(response: Response) -> Response:
    key = request.environ.get("cercle.respondent_key")
    if key and not request.cookies.get(COOKIE):
        response.set_cookie(
            COOKIE, key, max_age=COOKIE_AGE, httponly=True, samesite="Lax", secure=request.is_secure
        )
    return response


def _load(qid: int | None, token: str | None):
    if token is not None:
        return service.by_link_token(token)
    return service.get(current_user, qid)


def _answer_page(questionnaire, token=None, *, values=None, errors=None, who=None, status=200):
    key = _visitor_key()
    mine = questionnaire_answers.my_response(current_user, questionnaire.id, respondent_key=key)
    info = info_for(questionnaire, answered=mine is not None, respondent_key=key, token=token)
    errors = errors or {}
    body = render_template(
        "questionnaires/view.html",
        space=questionnaire.page.space if info["member"] else None,
        page=questionnaire.page,
        q=service.to_dict(questionnaire),
        info=info,
        values=values if values is not None else (mine.answers if mine else {}),
        errors=errors,
        # a link visitor changing their answers finds their name and structure again
        respondent=who or (mine.respondent if mine else None) or {},
        preview=False,
    )
    return _keep_key(make_response(body, status))


@bp.app_template_filter("decimal")
def _decimal(value: float | int | None) -> str:
    """3,5 in French, 3.5 in English (means and mean ranks)."""
    return "" if value is None else format_decimal(value, format="0.##")


@kind_view("questionnaire")
def show(space: Space, page: Page):
    return _answer_page(service.for_page(current_user, page))


@bp.get("/<int:qid>")
@bp.get("/lien/<token>")
def answer_page(qid: int | None = None, token: str | None = None):
    return _answer_page(_load(qid, token), token)


@bp.post("/<int:qid>/repondre")
@bp.post("/lien/<token>/repondre")
def submit(qid: int | None = None, token: str | None = None):
    questionnaire = _load(qid, token)
    definition = service.to_dict(questionnaire)
    who = forms.respondent(request.form) if not current_user.is_authenticated else None
    try:
        values = forms.answers(definition, request.form)
        submission = questionnaire_answers.submit(
            current_user if current_user.is_authenticated else None,
            questionnaire.id,
            values,
            respondent=who,
            respondent_key=_visitor_key(),
            link_token=token,
        )
    except CercleError as error:
        db.session.rollback()
        return _refused(questionnaire, token, error, who)
    session[f"questionnaire-{questionnaire.id}"] = submission.result  # for the thank-you page
    thanks = url_for(".thanks", token=token) if token else url_for(".thanks", qid=questionnaire.id)
    if request.accept_mimetypes.best == "application/json":
        return _keep_key(jsonify(ok=True, redirect=thanks))
    return _keep_key(redirect(thanks, 303))


def _refused(questionnaire, token, error: CercleError, who):
    field = error.field or ""
    if request.accept_mimetypes.best == "application/json":
        body = {"code": error.code, "message": error.message, "field": field}
        return _keep_key(jsonify(error=body)), error.status
    if not isinstance(error, ValidationError):
        flash(error.message, "error")
    errors = {field or "form": error.message}
    typed = forms.answers(service.to_dict(questionnaire), request.form, strict=False)
    return _answer_page(
        questionnaire, token, values=typed, errors=errors, who=who, status=error.status
    )


@bp.get("/<int:qid>/merci")
@bp.get("/lien/<token>/merci")
def thanks(qid: int | None = None, token: str | None = None):
    questionnaire = _load(qid, token)
    key = _visitor_key()
    kept = session.get(f"questionnaire-{questionnaire.id}")
    me = my_result(questionnaire, key, kept, token)
    return render_template(
        "questionnaires/thanks.html",
        q=service.to_dict(questionnaire),
        info=info_for(questionnaire, answered=True, respondent_key=key, token=token),
        me=me,
    )


def _results_page(template: str, qid: int, **extra: Any):
    questionnaire = service.get(current_user, qid)
    results = questionnaire_results.results(
        current_user, questionnaire.id, respondent_key=_visitor_key()
    )
    return render_template(
        template,
        space=questionnaire.page.space,
        q=service.to_dict(questionnaire),
        info=info_for(questionnaire, answered=bool(results.get("me"))),
        results=svg_results(results),
        **extra,
    )


@bp.get("/<int:qid>/resultats")
def wall(qid: int):
    return _results_page("questionnaires/results.html", qid)


@bp.get("/<int:qid>/projeter")
def projector(qid: int):
    link = public_url(service.get(current_user, qid))
    return _results_page(
        "questionnaires/projector.html", qid, qr_uri=qrcodes.svg_data_uri(link), answer_link=link
    )


@bp.post("/questions/<int:question_id>/mots")
@login_required
def hide_word(question_id: int):
    hidden = request.form.get("hidden", "1") != "0"
    questionnaire_results.hide_word(
        current_user, question_id, request.form.get("stem", ""), hidden=hidden
    )
    if request.accept_mimetypes.best == "application/json":
        return jsonify(ok=True)
    return redirect(request.referrer or url_for("spaces.index"), 303)


@bp.get("/<int:qid>/reponses.csv")
@login_required
def export_csv(qid: int):
    from .. import questionnaire_export  # the export's libraries load on first use

    questionnaire = service.get(current_user, qid)
    body = questionnaire_export.csv_bytes(current_user, qid)
    name = f"{questionnaire.page.slug}-reponses.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.post("/<int:qid>/publier")
@login_required
def publish(qid: int):
    page = service.publish_synthesis(current_user, qid)
    flash(_("Synthèse publiée : une page de l’espace, figée à ce jour."), "success")
    return redirect(url_for("pages.view", space_ref=page.space.slug, slug=page.slug), 303)
