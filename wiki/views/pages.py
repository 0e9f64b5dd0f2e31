"""Pages: read, create, edit, move, trash; history, comparison and restore."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import kinds, navigation, page_kinds, page_trash, pages, revisions, spaces
from ..db import db
from ..errors import CercleError, NotFound, ValidationError
from ..page_html import backlinks, render_page, render_text, tree_html
from ..permissions import Action, can
from ..view_cache import serve_page_view
from .forms import form_error, optional_int, text
from .kind_views import view_for
from .kinds import picker_context

bp = Blueprint("pages", __name__, url_prefix="/s/<space_ref>")


def _page(space_ref: str, slug: str, action: Action = Action.READ):
    space = spaces.get_space(current_user, space_ref, action)
    page, moved = pages.find_by_slug(space, slug)
    return space, page, moved


def _page_url(page, endpoint: str = "pages.view", **values) -> str:
    return url_for(endpoint, space_ref=page.space.slug, slug=page.slug, **values)


def _can_edit_text(space, page) -> bool:
    """Whether "Modifier" (and restoring a version) is offered: not for a generated text."""
    writable = can(current_user, space, Action.EDIT)
    return writable and kinds.of_page(page.kind).text_editable


@bp.get("/p/<slug>")
def view(space_ref: str, slug: str):
    space, page, moved = _page(space_ref, slug)
    if moved or space_ref != space.slug:
        return redirect(_page_url(page), 301)
    special = view_for(page)
    if special is not None:
        return special(space, page)
    return serve_page_view(
        space,
        page,
        lambda: render_template(
            "pages/view.html",
            space=space,
            page=page,
            rendered=render_page(page),
            backlinks=backlinks(page),
            tree_html=tree_html(space, page),
            can_edit=_can_edit_text(space, page),
        ),
    )


@bp.get("/arbre")
def tree(space_ref: str):
    """The whole page tree: a page of its own, or (``?fragment=1``, "Tout afficher" in a page
    view's sidebar) the list alone, put in place by static/src/app.js."""
    space = spaces.get_space(current_user, space_ref)
    html = tree_html(space, full=True)
    if request.args.get("fragment"):
        return html
    return render_template("pages/tree.html", space=space, tree_html=html)


def _parent_choices(space, exclude=None):
    return [p for p in navigation.live_pages(space) if exclude is None or p.id != exclude.id]


@bp.route("/nouvelle-page", methods=["GET", "POST"])
@login_required
def create(space_ref: str):
    """The picker (``kinds/new.html``): a kind's template or one of the space's models, a
    title, a place; then the live editor of the new page. A text sent with the form (the
    older form, scripts) is the page's text, and its page is shown at once."""
    space = spaces.get_space(current_user, space_ref, Action.EDIT)
    if request.method == "GET":
        args = request.args
        form = {
            "title": args.get("titre", "")[:200],
            "parent_id": args.get("parent", ""),
            "kind": args.get("type", "page"),
            "only": bool(args.get("type")),
        }
        return render_template("kinds/new.html", **picker_context(space, form))
    markdown = request.form.get("markdown")
    start = text("kind", "page")  # a kind's name, or "model:<id>" for one of the space's models
    model = start.removeprefix("model:")
    try:
        page = page_kinds.create(
            current_user,
            space,
            start,
            text("title"),
            choice=text(f"choice_{start}") or None,  # the question of the kind chosen
            parent_id=optional_int("parent_id"),
            model_id=int(model) if model != start and model.isdigit() else None,
            markdown=markdown,
            message=text("message"),
        )
    except ValidationError as error:
        return form_error(error, "kinds/new.html", **picker_context(space, request.form))
    flash(_("Page créée."), "success")
    # a kind with a view of its own (mind map, board) is written in that view
    shown = markdown is not None or view_for(page) is not None
    return redirect(_page_url(page, "pages.view" if shown else "pages.edit"))


@bp.route("/p/<slug>/modifier", methods=["GET", "POST"])
@login_required
def edit(space_ref: str, slug: str):
    space, page, _moved = _page(space_ref, slug, Action.EDIT)
    pages.check_text_editable(page)  # a questionnaire's text comes from its builder
    if request.method == "GET":
        form = {
            "title": page.title,
            "markdown": page.markdown,
            "base_revision": page.revision_number,
        }
        return render_template("pages/edit.html", space=space, page=page, form=form)
    try:
        pages.update_page(
            current_user,
            page,
            # A missing field means "unchanged", never "erase the page".
            markdown=request.form.get("markdown"),
            title=request.form.get("title"),
            base_revision=optional_int("base_revision"),
            message=text("message"),
        )
    except CercleError as error:
        return form_error(
            error, "pages/edit.html", space=space, page=page, conflict=error.status == 409
        )
    return redirect(_page_url(page))


@bp.post("/p/<slug>/apercu")
def preview(space_ref: str, slug: str):
    """The live editor's preview: Markdown → sanitized HTML, rendered like the page view."""
    space, _page_obj, _moved = _page(space_ref, slug)
    data = request.get_json(silent=True) or {}
    markdown = str(data.get("markdown", ""))[: pages.MARKDOWN_MAX]
    return jsonify(html=str(render_text(space, markdown).html))


@bp.route("/p/<slug>/deplacer", methods=["GET", "POST"])
@login_required
def move(space_ref: str, slug: str):
    space, page, _moved = _page(space_ref, slug, Action.EDIT)
    if request.method == "POST":
        try:
            pages.move_page(current_user, page, optional_int("parent_id"), optional_int("position"))
        except ValidationError as error:  # e.g. under one of its own sub-pages
            return form_error(
                error,
                "pages/move.html",
                space=space,
                page=page,
                parents=_parent_choices(space, page),
            )
        flash(_("Page déplacée."), "success")
        return redirect(_page_url(page))
    return render_template(
        "pages/move.html", space=space, page=page, parents=_parent_choices(space, exclude=page)
    )


@bp.post("/p/<slug>/supprimer")
@login_required
def delete(space_ref: str, slug: str):
    space, page, _moved = _page(space_ref, slug, Action.EDIT)
    page_trash.delete_page(current_user, page)
    flash(_("Page « %(title)s » mise à la corbeille.", title=page.title), "success")
    return redirect(url_for("spaces.home", space_ref=space.slug))


@bp.get("/corbeille")
@login_required
def trash(space_ref: str):
    space = spaces.get_space(current_user, space_ref, Action.MANAGE, writing=False)
    return render_template(
        "pages/trash.html", space=space, pages=page_trash.trash(current_user, space)
    )


@bp.post("/corbeille/<int:page_id>/restaurer")
@login_required
def restore(space_ref: str, page_id: int):
    space = spaces.get_space(current_user, space_ref, Action.MANAGE)
    page = page_trash.restore_page(current_user, space, page_id)
    flash(_("Page « %(title)s » restaurée.", title=page.title), "success")
    return redirect(_page_url(page))


@bp.get("/p/<slug>/historique")
def history(space_ref: str, slug: str):
    space, page, _moved = _page(space_ref, slug)
    items = db.session.scalars(revisions.history(page).limit(500)).all()
    return render_template(
        "pages/history.html",
        space=space,
        page=page,
        revisions=items,
        can_edit=_can_edit_text(space, page),
    )


@bp.get("/p/<slug>/comparer")
def compare(space_ref: str, slug: str):
    space, page, _moved = _page(space_ref, slug)
    source = request.args
    to_number = optional_int("a", source=source) or page.revision_number
    from_number = optional_int("de", source=source) or max(1, to_number - 1)
    if from_number > to_number:
        from_number, to_number = to_number, from_number
    summary = revisions.compare(page, from_number, to_number)
    return render_template(
        "pages/compare.html",
        space=space,
        page=page,
        diff=summary,
        from_number=from_number,
        to_number=to_number,
    )


@bp.get("/p/<slug>/versions/<int:number>")
def revision(space_ref: str, slug: str, number: int):
    space, page, _moved = _page(space_ref, slug)
    old = revisions.get_revision(page, number)
    return render_template(
        "pages/revision.html",
        space=space,
        page=page,
        revision=old,
        rendered=render_text(space, old.markdown),
        can_edit=_can_edit_text(space, page),
    )


@bp.post("/p/<slug>/versions/<int:number>/restaurer")
@login_required
def restore_revision(space_ref: str, slug: str, number: int):
    _space, page, _moved = _page(space_ref, slug, Action.EDIT)
    revisions.restore_revision(current_user, page, number)
    flash(_("Version %(number)s restaurée.", number=number), "success")
    return redirect(_page_url(page))


@bp.get("/modifications")
def recent(space_ref: str):
    space = spaces.get_space(current_user, space_ref)
    return render_template(
        "pages/recent.html",
        space=space,
        changes=revisions.recent_changes(current_user, space, limit=100),
    )


@bp.get("/modifications.atom")
def recent_atom(space_ref: str):
    space = spaces.get_space(current_user, space_ref)
    changes = revisions.recent_changes(current_user, space, limit=50)
    body = render_template("pages/recent.atom.xml", space=space, changes=changes)
    return body, 200, {"Content-Type": "application/atom+xml; charset=utf-8"}


@bp.get("/p/id/<int:page_id>")
def by_id(space_ref: str, page_id: int):
    page = pages.get_page(current_user, page_id)
    if str(page.space_id) != space_ref and page.space.slug != space_ref:
        raise NotFound(pages.PAGE_NOT_FOUND)
    return redirect(_page_url(page))
