"""Search: the results page (/recherche) and title suggestions for the search box (JSON)."""

from __future__ import annotations

import re

from flask import Blueprint, jsonify, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from wiki import spaces
from wiki.errors import CercleError, NotFound
from wiki.models import Space

from . import service
from .schema import KIND_LABELS

bp = Blueprint("search", __name__)
#: slugs and ids only: anything else cannot name a space (and never reaches the database)
_SPACE_REF = re.compile(r"[A-Za-z0-9_-]{1,220}")

#: kinds offered in the filter (answers and comments join once they exist)
KIND_CHOICES = {kind: KIND_LABELS[kind] for kind in ("page", "resource")}


def _scope() -> tuple[Space | None, str | None]:
    """The space named by ``?space=``, if readable; otherwise a note saying so."""
    ref = request.args.get("space", "").strip()
    if not ref:
        return None, None
    try:
        if not _SPACE_REF.fullmatch(ref):
            raise NotFound("no such space")
        return spaces.get_space(current_user, ref), None
    except CercleError:
        return None, _("Cet espace n'existe pas ou vous n'y avez pas accès : recherche partout.")


def _int_arg(name: str, default: int | None = None) -> int | None:
    raw = request.args.get(name, "").strip()
    return int(raw) if raw.isdigit() and len(raw) <= 9 else default


@bp.get("/recherche")
def results():
    space, scope_note = _scope()
    kinds = [k for k in request.args.getlist("kind") if k in KIND_CHOICES]
    outcome = service.run_search(
        current_user,
        request.args.get("q", ""),
        space=space,
        kinds=kinds,
        tag=request.args.get("tag") or None,
        author_id=_int_arg("author"),
        page=_int_arg("page", 1) or 1,
    )
    return render_template(
        "search/results.html",
        outcome=outcome,
        space=space,
        scope_note=scope_note,
        kinds=kinds,
        kind_choices=KIND_CHOICES,
        tag=(request.args.get("tag") or "")[:40],
        author_id=_int_arg("author"),
        choices=service.filter_choices(current_user, space),
    )


@bp.get("/recherche/suggestions")
def suggest():
    space, _note = _scope()
    items = service.suggestions(current_user, request.args.get("q", ""), space=space)
    response = jsonify(
        suggestions=[
            {
                "title": i.hit.title,
                "url": i.url,
                "kind": i.hit.kind,
                "kind_label": str(i.kind_label),
                "space": i.space.title,
                "archived": i.archived,
            }
            for i in items
        ]
    )
    response.headers["Cache-Control"] = "no-store"
    return response
