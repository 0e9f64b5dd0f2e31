"""Questionnaires, the facilitator's side: create one, build it (questions saved one at a time
by static/src/questionnaire/builder.js, as JSON), preview it, its settings, save it as a model.

The builder's endpoints answer JSON, refusals included (``{"error": {code, message, field}}``);
a save names the question's ``version`` it started from, so two facilitators building at once
do not overwrite each other: a stale save gets 409 and the question as it now is.
"""

from __future__ import annotations

import functools
from typing import Any

from flask import (
    Blueprint,
    flash,
    get_template_attribute,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from .. import navigation, spaces
from .. import questionnaires as service
from ..db import db
from ..errors import CercleError, Conflict
from ..models_questionnaires import Question
from ..permissions import Action
from . import questionnaire_forms as forms
from .forms import form_error, optional_int
from .questionnaire_info import info_for

bp = Blueprint("questionnaire_builder", __name__)
BLANK_QUIZ_PROFILES = ("profil-a", "profil-b")


def json_endpoint(view):
    """Refusals as JSON for the builder's script, nothing of them left in the session."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any):
        try:
            return view(*args, **kwargs)
        except CercleError as error:
            db.session.rollback()
            body = {"code": error.code, "message": error.message, "field": error.field}
            return jsonify(error=body), error.status
        except IntegrityError:  # a unique value raced (saves of one questionnaire take turns)
            db.session.rollback()
            message = _("Quelqu'un a modifié la même chose au même moment. Réessayez.")
            return jsonify(error={"code": "conflict", "message": message, "field": None}), 409

    return login_required(wrapper)


def _question_json(question, status: int = 200, **extra: Any):
    """The question as it is now, and its card in the builder (the macro of the first load)."""
    definition = service.to_dict(question.questionnaire)
    ids = [q["id"] for q in definition["questions"]]
    data = definition["questions"][ids.index(question.id)]
    card = get_template_attribute("questionnaires/_builder.html", "card")
    html = card(
        data, ids.index(question.id) + 1, len(ids), definition["kind"], definition["profiles"]
    )
    return jsonify(question=data, html=str(html), **extra), status


def _starts(space) -> list[tuple[str, str, str]]:
    blank = [
        (
            "blank:form",
            _("Questionnaire vide"),
            _("Des questions, des réponses, les résultats en direct."),
        ),
        (
            "blank:quiz",
            _("Quiz à profils vide"),
            _("Chaque réponse donne des points à des profils ; chacun découvre le sien."),
        ),
        (
            "blank:grid",
            _("Grille d’auto-évaluation vide"),
            _("Des parties de questions à échelle ; le résultat est un radar."),
        ),
    ]
    models = service.list_models(current_user, space)
    return blank + [(f"model:{m.key}", m.title, m.description) for m in models]


def _create(space, start: str, title: str, parent_id: int | None):
    kind, _sep, key = start.partition(":")
    if kind == "model":
        return service.create_from_model(
            current_user, space, key, title=title or None, parent_id=parent_id
        )
    qkind = key if key in ("quiz", "grid") else "form"
    profiles = [
        {"key": k, "title": _("Profil %(n)s", n=k[-1].upper()), "text": ""}
        for k in BLANK_QUIZ_PROFILES
    ]
    return service.create(
        current_user,
        space,
        title=title or _("Nouveau questionnaire"),
        kind=qkind,
        profiles=profiles if qkind == "quiz" else (),
        parent_id=parent_id,
    )


@bp.route("/s/<space_ref>/nouveau-questionnaire", methods=["GET", "POST"])
@login_required
def new(space_ref: str):
    space = spaces.get_space(current_user, space_ref, Action.MANAGE)
    context = {"space": space, "starts": _starts(space), "parents": navigation.live_pages(space)}
    if request.method == "GET":
        return render_template("questionnaires/new.html", form={}, **context)
    try:
        questionnaire = _create(
            space,
            request.form.get("start", "blank:form"),
            request.form.get("title", "").strip(),
            optional_int("parent_id"),
        )
    except CercleError as error:
        return form_error(error, "questionnaires/new.html", **context)
    return redirect(url_for(".build", qid=questionnaire.id), 303)


@bp.get("/questionnaires/<int:qid>/construire")
@login_required
def build(qid: int):
    questionnaire = service.editable(current_user, qid)
    return render_template(
        "questionnaires/builder.html",
        space=questionnaire.page.space,
        q=service.to_dict(questionnaire),
        info=info_for(questionnaire, answered=False),
    )


@bp.get("/questionnaires/<int:qid>/apercu")
@login_required
def preview(qid: int):
    questionnaire = service.editable(current_user, qid)
    return render_template(
        "questionnaires/view.html",
        space=questionnaire.page.space,
        q=service.to_dict(questionnaire),
        info=info_for(questionnaire, answered=False),
        values={},
        errors={},
        respondent={},
        preview=True,
    )


def _settings_form(questionnaire) -> dict[str, Any]:
    return {
        "title": questionnaire.title,
        "intro": questionnaire.intro,
        "opens_at": forms.local_input(questionnaire.opens_at),
        "closes_at": forms.local_input(questionnaire.closes_at),
        "anonymous": questionnaire.anonymous,
        "audience": questionnaire.audience,
        "results_visibility": questionnaire.results_visibility,
    }


@bp.route("/questionnaires/<int:qid>/parametres", methods=["GET", "POST"])
@login_required
def settings(qid: int):
    questionnaire = service.editable(current_user, qid)
    info = info_for(questionnaire, answered=False)
    context = {"space": questionnaire.page.space, "q": service.to_dict(questionnaire), "info": info}
    if request.method == "GET":
        return render_template(
            "questionnaires/settings.html", form=_settings_form(questionnaire), **context
        )
    try:
        fields = forms.settings(request.form, anonymous_locked=info["has_answers"])
        service.update_settings(current_user, qid, **fields)
    except CercleError as error:
        form = {**_settings_form(questionnaire), **request.form.to_dict()}
        form["anonymous"] = (
            request.form.get("anonymous", "1" if questionnaire.anonymous else "0") == "1"
        )
        return form_error(error, "questionnaires/settings.html", **{**context, "form": form})
    flash(_("Paramètres enregistrés."), "success")
    return redirect(url_for(".settings", qid=qid), 303)


@bp.post("/questionnaires/<int:qid>/ouverture")
@login_required
def open_or_close(qid: int):
    """ "Fermer maintenant" / "Ouvrir maintenant", the facilitator's switch during the day."""
    questionnaire = service.editable(current_user, qid)
    fields = forms.open_now(questionnaire, closing=request.form.get("action") == "fermer")
    service.update_settings(current_user, qid, **fields)
    flash(
        _("Questionnaire fermé.") if fields.get("closes_at") else _("Questionnaire ouvert."),
        "success",
    )
    return redirect(request.referrer or url_for(".settings", qid=qid), 303)


@bp.post("/questionnaires/<int:qid>/modele")
@login_required
def save_as_model(qid: int):
    model = service.save_as_model(current_user, qid)
    flash(
        _(
            "Enregistré comme modèle « %(title)s » : il est proposé "
            "pour tout nouveau questionnaire de l’espace.",
            title=model.title,
        ),
        "success",
    )
    return redirect(url_for(".build", qid=qid), 303)


# --- the builder's JSON endpoints ---------------------------------------------------------


def _payload() -> dict[str, Any]:
    data = request.get_json(silent=True)
    return data if isinstance(data, dict) else {}


@bp.post("/questionnaires/<int:qid>/questions")
@json_endpoint
def add_question(qid: int):
    data = _payload()
    qtype = data.get("type") if isinstance(data.get("type"), str) else "short_text"
    starter = forms.question_data({"type": qtype, "label": _("Nouvelle question"), **data})
    question = service.add_question(current_user, qid, starter, position=data.get("position"))
    return _question_json(question, 201)


@bp.post("/questionnaires/questions/<int:question_id>")
@json_endpoint
def save_question(question_id: int):
    payload = _payload()
    data = forms.question_data(payload.get("data") or {})
    try:
        question = service.update_question(
            current_user, question_id, data, base_version=payload.get("base_version")
        )
    except Conflict as error:
        if error.code != "conflict":
            raise  # answers would be lost: the script asks first
        db.session.rollback()  # then the question as the other facilitator left it
        current = db.session.get(Question, question_id)
        return _question_json(current, 409, error={"code": "stale", "message": error.message})
    return _question_json(question)


@bp.post("/questionnaires/questions/<int:question_id>/supprimer")
@json_endpoint
def delete_question(question_id: int):
    service.delete_question(current_user, question_id, confirm=bool(_payload().get("confirm")))
    return jsonify(ok=True)


@bp.post("/questionnaires/questions/<int:question_id>/deplacer")
@json_endpoint
def move_question(question_id: int):
    service.move_question(current_user, question_id, _payload().get("position"))
    return jsonify(ok=True)


@bp.post("/questionnaires/questions/<int:question_id>/dupliquer")
@json_endpoint
def duplicate_question(question_id: int):
    return _question_json(service.duplicate_question(current_user, question_id), 201)


@bp.post("/questionnaires/<int:qid>/profils")
@json_endpoint
def save_profiles(qid: int):
    service.update_settings(current_user, qid, profiles=_payload().get("profiles"))
    return jsonify(ok=True)
