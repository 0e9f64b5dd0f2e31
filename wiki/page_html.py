"""Rendered HTML of pages, cached per revision so a page view does not re-render."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

from flask import current_app, url_for

from .models import Page, Space
from .pages import slug_map
from .rendering import LinkTarget, RenderedPage, render_markdown
from .slugs import slugify


class LRUCache:
    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[Hashable, RenderedPage] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> RenderedPage | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Hashable, value: RenderedPage) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


CACHE_SIZE = 4000


def _cache() -> LRUCache:
    """One cache per app: two apps in a process (tests) never share rendered HTML."""
    return current_app.extensions.setdefault("cercle.html_cache", LRUCache(CACHE_SIZE))


def _link_resolver(space: Space):
    slugs = slug_map(space)

    def link_target(title: str) -> LinkTarget:
        current = slugs.get(slugify(title))
        if current is not None:
            return LinkTarget(url_for("pages.view", space_ref=space.slug, slug=current), True)
        return LinkTarget(url_for("pages.create", space_ref=space.slug, titre=title), False)

    return link_target


def render_text(space: Space, markdown: str) -> RenderedPage:
    return render_markdown(markdown, _link_resolver(space))


def render_page(page: Page) -> RenderedPage:
    space = page.space
    key = (page.id, page.revision_number, space.tree_version, space.slug, hash(page.markdown))
    rendered = _cache().get(key)
    if rendered is None:
        rendered = render_text(space, page.markdown)
        _cache().put(key, rendered)
    return rendered
