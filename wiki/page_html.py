"""Rendered HTML of pages and page trees, cached so a page view does not re-render."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from flask import current_app, render_template, url_for
from flask_babel import get_locale
from markupsafe import Markup

from . import navigation
from .db import db
from .models import Page, Space
from .models_questionnaires import PublishedChart
from .navigation import slug_map
from .rendering import LinkTarget, RenderedPage, render_markdown
from .slugs import slugify
from .tree_view import Shape, around, full_tree, load_shape, shown_count


class LRUCache:
    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


CACHE_SIZE = 4000
TREE_CACHE_SIZE = 200


def html_cache(name: str = "pages", size: int = CACHE_SIZE) -> LRUCache:
    """One cache per app: two apps in a process (tests) never share rendered HTML."""
    return current_app.extensions.setdefault(f"cercle.html_cache.{name}", LRUCache(size))


def _link_resolver(space: Space):
    slugs = slug_map(space)

    def link_target(title: str) -> LinkTarget:
        current = slugs.get(slugify(title))
        if current is not None:
            return LinkTarget(url_for("pages.view", space_ref=space.slug, slug=current), True)
        return LinkTarget(url_for("pages.create", space_ref=space.slug, titre=title), False)

    return link_target


def _chart_resolver(space: Space):
    """Published questionnaire charts of this space only (see ``wiki.rendering``)."""

    def chart_svg(chart_id: int) -> str | None:
        chart = db.session.get(PublishedChart, chart_id) if 1 <= chart_id < 2**31 else None
        return chart.svg if chart is not None and chart.space_id == space.id else None

    return chart_svg


def render_text(space: Space, markdown: str) -> RenderedPage:
    return render_markdown(markdown, _link_resolver(space), _chart_resolver(space))


def render_page(page: Page) -> RenderedPage:
    space = page.space
    key = (page.id, page.revision_number, space.tree_version, space.slug, hash(page.markdown))
    rendered = html_cache().get(key)
    if rendered is None:
        rendered = render_text(space, page.markdown)
        html_cache().put(key, rendered)
    return rendered


@dataclass(frozen=True)
class Backlink:
    slug: str
    title: str


def backlinks(page: Page) -> tuple[Backlink, ...]:
    """The pages that link to ``page``, per tree version (a change of the links between
    pages, a rename, a page trashed or restored bumps it)."""
    cache = html_cache("backlinks", CACHE_SIZE)
    key = (page.id, page.slug, page.space.tree_version)
    found = cache.get(key)
    if found is None:
        found = tuple(Backlink(p.slug, p.title) for p in navigation.backlinks(page))
        cache.put(key, found)
    return found


def _tree_shape(space: Space) -> Shape:
    shapes = html_cache("tree_shapes", TREE_CACHE_SIZE)
    key = (space.id, space.tree_version)
    shape = shapes.get(key)
    if shape is None:
        shape = load_shape(space)
        shapes.put(key, shape)
    return shape


def tree_html(space: Space, current: Page | None = None, *, full: bool = False) -> Markup:
    """The space's page tree: whole (``full``, the space's home and "Tout afficher") or the
    path and neighbours of ``current`` (a page view), rendered once per tree version —
    create, rename, move, trash, restore, the mémoire's "hors mémoire" and a change of the
    links between pages all bump ``Space.tree_version``, in the database, so every process
    agrees."""
    partial = not full
    where = current.id if partial and current is not None else None
    key = (space.id, space.tree_version, space.slug, str(get_locale()), partial, where)
    # a partial tree per page: as many as the rendered pages
    trees = html_cache("trees", TREE_CACHE_SIZE) if full else html_cache("tree_views", CACHE_SIZE)
    html = trees.get(key)
    if html is None:
        shape = _tree_shape(space)
        shown = around(shape, current.id if current else None) if partial else full_tree(shape)
        cut = partial and shown_count(shown) < shape.count  # else "Tout afficher" adds nothing
        html = render_template(
            "pages/_tree.html", tree=shown, space=space, partial=cut, count=shape.count
        )
        trees.put(key, html)
    return Markup(html)
