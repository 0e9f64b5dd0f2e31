"""The mind map ("carte mentale", kind ``mind_map``): its page view and its SVG.

The page view shows the live map (``static/src/mindmap``, on the page's Yjs document) beside
the outline's live editor; the server's SVG of the same map (``wiki.mindmap``) is the
picture without JavaScript, and ``…/carte.svg`` serves it alone (downloads, the PDF later).
"""

from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import mindmap, navigation, pages, spaces
from ..errors import NotFound
from ..models import Page, Space
from ..permissions import Action, can
from ..rendering import trusted_svg
from ..slugs import slugify
from .kind_views import kind_view

bp = Blueprint("mindmap", __name__, url_prefix="/s/<space_ref>")
KIND = "mind_map"


@kind_view(KIND)
def show(space: Space, page: Page):
    return render_template(
        "mindmap/view.html",
        space=space,
        page=page,
        svg=trusted_svg(mindmap.page_svg(page.markdown, page.title)),
        file_name=slugify(page.title) or "carte",
        backlinks=navigation.backlinks(page),
        can_edit=can(current_user, space, Action.EDIT),
    )


@bp.get("/p/<slug>/carte.svg")
def svg(space_ref: str, slug: str):
    space = spaces.get_space(current_user, space_ref, Action.READ)
    page, moved = pages.find_by_slug(space, slug)
    if moved or space_ref != space.slug:
        return redirect(url_for(".svg", space_ref=space.slug, slug=page.slug), 301)
    if page.kind != KIND:
        raise NotFound(_l("Cette page n'est pas une carte mentale."))
    drawing = mindmap.page_svg(page.markdown, page.title)
    return Response(drawing, mimetype="image/svg+xml", headers={"Cache-Control": "no-cache"})
