"""The Métaplan board's pages: the board (phone first), its projector view and
"Transformer en page". Thin: the board itself is live (``static/src/metaplan``, events on
``/collab``); these render the frame the script fills, or call one service."""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import metaplan, pages
from ..metaplan_rendition import COLOURS
from ..models import Page, Space
from ..permissions import Action, allowed, can
from .kind_views import kind_view

bp = Blueprint("metaplan", __name__, url_prefix="/metaplan")
PHASE_LABELS = {
    "writing": _l("Écriture"),
    "reveal": _l("Dévoilement"),
    "grouping": _l("Regroupement"),
    "voting": _l("Vote"),
}


def _board(space: Space, page: Page, projector: bool):
    writable = can(current_user, space, Action.EDIT)
    return render_template(
        "metaplan/board.html",
        space=space,
        page=page,
        projector=projector,
        writable=writable,
        manager=writable and allowed(current_user, space, Action.MANAGE),
        colours={code: str(label) for code, (label, _pattern) in COLOURS.items()},
        patterns={code: pattern for code, (_label, pattern) in COLOURS.items()},
        phases={code: str(label) for code, label in PHASE_LABELS.items()},
        linked=metaplan.linked_page(page),
    )


@kind_view("metaplan")
def show(space: Space, page: Page):
    return _board(space, page, projector=False)


@bp.get("/<int:page_id>/projecteur")
def projector(page_id: int):
    page = pages.get_page(current_user, page_id)
    return _board(page.space, page, projector=True)


@bp.post("/<int:page_id>/transformer")
def transform(page_id: int):
    board = pages.get_page(current_user, page_id, Action.EDIT)
    page = metaplan.transform_to_page(current_user, board)
    return redirect(url_for("pages.view", space_ref=page.space.slug, slug=page.slug), 303)


@bp.post("/<int:page_id>/intention")
def intent(page_id: int):
    """A board intent over HTTP (JSON, as the ``board`` event takes it): the same checks
    and the same live room as the socket's."""
    page = pages.get_page(current_user, page_id)
    return jsonify(metaplan.act(current_user, page, request.get_json(silent=True)))
