"""Page kinds, view side: the new-page picker's choices, "Dupliquer", "Modèle", the
"tableau comparatif" of a space, and the admin's page of built-in templates.

The new-page form itself is ``pages.create`` (same URL as ever); it renders
``kinds/new.html`` with ``picker_context``. Nothing here names a kind: what the picker
offers, what a page's actions are and what can be compared all come from ``wiki.kinds``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import comparison, kind_templates, kinds, navigation, page_kinds, pages, spaces
from ..errors import ValidationError
from ..models import Page, Space
from ..permissions import Action, can
from .forms import checkbox, form_error, text

bp = Blueprint("kinds", __name__)


def _can(space: Space, action: Action) -> bool:
    return can(current_user, space, action)


def picker_context(space: Space, form: Any) -> dict[str, Any]:
    """What ``kinds/new.html`` shows: the kinds this person may start, the space's models."""
    managing = _can(space, Action.MANAGE)
    choices = [k for k in kinds.all_kinds() if k.label and (managing or not k.facilitators_only)]
    return {
        "space": space,
        "form": form,
        "kinds": choices,
        "only": kinds.of_page(form.get("kind")) if form.get("only") else None,
        "models": page_kinds.space_models(space),
        "parents": navigation.live_pages(space),
    }


@bp.app_template_global("kind_actions")
def page_actions(space: Space, page: Page) -> dict[str, Any]:
    """For the page view's kind-related buttons (``kinds/_page_actions.html``)."""
    kind = kinds.of_page(page.kind)
    return {
        "kind": kind,
        "can_copy": kind.generic and _can(space, Action.EDIT),
        "can_mark": kind.generic and _can(space, Action.MANAGE),
    }


@bp.app_template_global("kind_hints")
def kind_hints(page: Page) -> list[dict[str, str]]:
    """The guiding questions the live editor shows for the page's kind."""
    return kind_templates.hints(page.kind)


@bp.app_template_global("space_comparisons")
def space_comparisons(space: Space) -> list[tuple[Any, int]]:
    """The space's comparison tables worth a link: (kind, how many pages it compares)."""
    counts = [(k, len(comparison.sheets(space, k))) for k in kinds.all_kinds() if k.comparable]
    return [(kind, count) for kind, count in counts if count]


def _page(space_ref: str, slug: str, action: Action):
    space = spaces.get_space(current_user, space_ref, action)
    page, _moved = pages.find_by_slug(space, slug)
    return space, page


@bp.post("/s/<space_ref>/p/<slug>/dupliquer")
@login_required
def duplicate(space_ref: str, slug: str):
    _space, page = _page(space_ref, slug, Action.EDIT)
    copy = page_kinds.duplicate(current_user, page)
    flash(_("Copie créée : vous pouvez l’écrire dès maintenant."), "success")
    return redirect(url_for("pages.edit", space_ref=copy.space.slug, slug=copy.slug))


@bp.post("/s/<space_ref>/p/<slug>/modele")
@login_required
def mark_model(space_ref: str, slug: str):
    _space, page = _page(space_ref, slug, Action.MANAGE)
    page_kinds.set_model(current_user, page, checkbox("is_model"))
    flash(
        _("Cette page est proposée comme modèle pour les nouvelles pages.")
        if page.is_model
        else _("Cette page n’est plus proposée comme modèle."),
        "success",
    )
    return redirect(url_for("pages.view", space_ref=page.space.slug, slug=page.slug))


@bp.get("/s/<space_ref>/comparer/<kind>")
def compare(space_ref: str, kind: str):
    space = spaces.get_space(current_user, space_ref)
    table = comparison.table(current_user, space, kind)
    return render_template(
        "kinds/comparison.html", space=space, table=table, kind=kinds.get(table.kind)
    )


@bp.get("/s/<space_ref>/comparer/<kind>/tableau")
def compare_fragment(space_ref: str, kind: str):
    """The table alone, fetched again by the page's script when a sheet changes."""
    space = spaces.get_space(current_user, space_ref)
    table = comparison.table(current_user, space, kind)
    return render_template("kinds/_comparison_table.html", space=space, table=table)


def _admin() -> None:
    if not current_user.is_admin:
        abort(403)


@bp.get("/admin/modeles")
@login_required
def templates():
    _admin()
    items = [(k, kind_templates.is_overridden(k.name)) for k in kind_templates.builtin_kinds()]
    return render_template("kinds/admin_templates.html", items=items)


@bp.route("/admin/modeles/<name>", methods=["GET", "POST"])
@login_required
def template(name: str):
    _admin()
    kind = kinds.get(name)
    if request.method == "POST":
        try:
            kind_templates.save(current_user, name, text("text"))
        except ValidationError as error:
            return form_error(error, "kinds/admin_template.html", kind=kind, overridden=True)
        flash(_("Modèle enregistré pour cette instance."), "success")
        return redirect(url_for("kinds.templates"))
    form = {"text": kind_templates.source(name)}
    overridden = kind_templates.is_overridden(name)
    return render_template("kinds/admin_template.html", kind=kind, form=form, overridden=overridden)


@bp.post("/admin/modeles/<name>/retablir")
@login_required
def reset_template(name: str):
    _admin()
    kind_templates.reset(current_user, name)
    flash(_("Modèle revenu au texte d’origine."), "success")
    return redirect(url_for("kinds.templates"))
