"""Rendered HTML of pages and page trees, cached so a page view does not re-render."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

from flask import current_app, render_template, url_for
from markupsafe import Markup

from .db import db
from .models import Page, Space
from .models_questionnaires import PublishedChart
from .navigation import page_tree, slug_map
from .rendering import LinkTarget, RenderedPage, render_markdown
from .slugs import slugify


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


def _cache(name: str = "pages", size: int = CACHE_SIZE) -> LRUCache:
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
    rendered = _cache().get(key)
    if rendered is None:
        rendered = render_text(space, page.markdown)
        _cache().put(key, rendered)
    return rendered


def tree_html(space: Space, current: Page | None = None) -> Markup:
    """The space's page tree, rendered once per tree version (create, rename, move, trash
    and restore all bump ``Space.tree_version``, in the database, so every process agrees),
    with ``current`` marked for assistive technology and styling."""
    trees = _cache("trees", TREE_CACHE_SIZE)
    key = (space.id, space.tree_version, space.slug)
    html = trees.get(key)
    if html is None:
        html = render_template("pages/_tree.html", tree=page_tree(space), space=space)
        trees.put(key, html)
    if current is not None:
        href = f'href="{url_for("pages.view", space_ref=space.slug, slug=current.slug)}"'
        html = html.replace(href, f'{href} aria-current="page"', 1)
    return Markup(html)
