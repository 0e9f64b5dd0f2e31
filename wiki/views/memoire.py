"""The mémoire's curation pages (issue 11): reorganising the page tree, the builder
(selection and cover) and each member's credit consent. Thin: parse, one service call,
render or redirect; the tree's script gets JSON answers (``json_endpoint``)."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import credits, memoire, memoire_curation, spaces
from ..errors import ValidationError
from ..models import Page, Space
from ..models_memoire import CREDIT_CHOICES
from ..navigation import page_tree
from ..permissions import Action, allowed
from .forms import checkbox, form_error, text
from .questionnaire_builder import json_endpoint

bp = Blueprint("memoire", __name__, url_prefix="/s/<space_ref>")


def _can(space: Space, action: Action) -> bool:
    return allowed(current_user, space, action) and not space.is_archived


@bp.app_template_global("memoire_page_state")
def memoire_page_state(space: Space, page: Page) -> dict[str, Any]:
    """For the page header: the "hors mémoire" badge and its toggle (facilitators)."""
    return {"hidden": bool(page.hidden_from_memoire), "can_toggle": _can(space, Action.MANAGE)}


@bp.app_template_global("memoire_hidden_ids")
def memoire_hidden_ids(space: Space) -> set[int]:
    """The pages of ``space`` kept out of the mémoire (the page tree marks them)."""
    return memoire_curation.hidden_ids(space)


@bp.app_template_global("credit_prompt")
def credit_prompt(space: Space) -> bool:
    """Whether to ask the signed-in member how to be credited (until they choose)."""
    return not space.is_archived and not credits.has_chosen(space, current_user)


# --- The page tree, reorganised ---------------------------------------------------------


@bp.get("/reorganiser")
@login_required
def tree(space_ref: str):
    space = spaces.get_space(current_user, space_ref, Action.EDIT)
    return render_template(
        "memoire/tree.html",
        space=space,
        tree=page_tree(space),
        can_manage=_can(space, Action.MANAGE),
    )


def _json_object() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValidationError(_("La demande n'est pas comprise."))
    return data


@bp.post("/reorganiser/deplacer")
@json_endpoint
def move(space_ref: str):
    space = spaces.get_space(current_user, space_ref, Action.EDIT)
    data = _json_object()
    page = memoire_curation.move(
        current_user, space, data.get("page_id"), data.get("parent_id"), data.get("position")
    )
    parent = page.parent.title if page.parent_id and page.parent else None
    return jsonify(ok=True, page_id=page.id, parent_id=page.parent_id, parent=parent)


@bp.post("/reorganiser/hors-memoire")
@login_required
def hide(space_ref: str):
    space = spaces.get_space(current_user, space_ref, Action.MANAGE)
    page = memoire_curation.set_hidden(
        current_user, space, _int_field("page_id"), checkbox("hidden")
    )
    if page.hidden_from_memoire:
        flash(_("« %(t)s » est gardée hors du mémoire.", t=page.title), "success")
    else:
        flash(_("« %(t)s » revient dans le mémoire.", t=page.title), "success")
    back = request.form.get("next", "")
    if back == "page":
        return redirect(url_for("pages.view", space_ref=space.slug, slug=page.slug))
    return redirect(url_for("memoire.tree", space_ref=space.slug) + f"#page-{page.id}")


@bp.post("/reorganiser/hors-memoire.json")
@json_endpoint
def hide_json(space_ref: str):
    space = spaces.get_space(current_user, space_ref, Action.MANAGE)
    data = _json_object()
    page = memoire_curation.set_hidden(
        current_user, space, data.get("page_id"), bool(data.get("hidden"))
    )
    return jsonify(ok=True, page_id=page.id, hidden=page.hidden_from_memoire)


def _int_field(name: str) -> int | None:
    raw = request.form.get(name, "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


# --- The builder ------------------------------------------------------------------------


def _builder_context(space: Space, stored: Any) -> dict[str, Any]:
    chosen, available = memoire_curation.builder_lists(space)
    facilitator = allowed(current_user, space, Action.MANAGE)
    return {
        "space": space,
        "chosen": chosen,
        "selection_json": memoire.dumps([entry.ref for entry in chosen]),
        "available": available,
        "cover": memoire.cover(space),
        "stored": stored,
        "default_dates": memoire.default_dates(space),
        "default_facilitators": memoire.default_facilitators(space),
        "can_manage": facilitator and not space.is_archived,
        "members": credits.members_choices(current_user, space) if facilitator else [],
        "hidden_count": memoire_curation.hidden_count(space),
    }


@bp.get("/memoire")
@login_required
def builder(space_ref: str):
    space = spaces.get_space(current_user, space_ref)
    return render_template(
        "memoire/builder.html", **_builder_context(space, memoire.stored_cover(space))
    )


@bp.post("/memoire/selection")
@login_required
def save_selection(space_ref: str):
    space = spaces.get_space(current_user, space_ref, Action.MANAGE)
    try:
        raw = json.loads(request.form.get("selection", "") or "null")
    except ValueError:
        raw = None
    try:
        memoire.save_selection(current_user, space, raw)
    except ValidationError as error:
        return form_error(error, "memoire/builder.html", **_builder_context(space, request.form))
    flash(_("Sélection du mémoire enregistrée."), "success")
    return redirect(url_for("memoire.builder", space_ref=space.slug) + "#selection")


@bp.post("/memoire/selection/tout")
@login_required
def reset_selection(space_ref: str):
    space = spaces.get_space(current_user, space_ref, Action.MANAGE)
    memoire.reset_selection(current_user, space)
    flash(_("Le mémoire reprend tout l'espace, dans l'ordre des pages."), "success")
    return redirect(url_for("memoire.builder", space_ref=space.slug) + "#selection")


@bp.post("/memoire/couverture")
@login_required
def save_cover(space_ref: str):
    space = spaces.get_space(current_user, space_ref, Action.MANAGE)
    values = {name: text(name) for name in memoire.COVER_FIELDS if name in request.form}
    try:
        memoire.save_cover(current_user, space, values)
    except ValidationError as error:
        return form_error(error, "memoire/builder.html", **_builder_context(space, request.form))
    flash(_("Couverture et introduction enregistrées."), "success")
    return redirect(url_for("memoire.builder", space_ref=space.slug) + "#couverture")


# --- Credit consent ---------------------------------------------------------------------


@bp.route("/memoire/credit", methods=["GET", "POST"])
@login_required
def credit(space_ref: str):
    space = spaces.get_space(current_user, space_ref)
    if request.method == "POST":
        try:
            credits.set_consent(current_user, space, text("choice"), text("structure"))
        except ValidationError as error:
            return form_error(error, "memoire/credit.html", **_credit_context(space))
        flash(_("Votre choix est enregistré : les exports du mémoire le suivront."), "success")
        return redirect(url_for("memoire.credit", space_ref=space.slug))
    return render_template("memoire/credit.html", **_credit_context(space))


def _credit_context(space: Space) -> dict[str, Any]:
    consent = credits.consent_of(space, current_user.id)
    return {
        "space": space,
        "consent": consent,
        "choices": CREDIT_CHOICES,
        "full_name": current_user.name,
        "initials": credits.initials(current_user.name),
        "is_member": not credits.has_chosen(space, current_user) or consent is not None,
        "writable": not space.is_archived,
    }
