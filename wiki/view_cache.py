"""Page views that cost no rendering: conditional requests for everyone, whole views kept for
readers who are not signed in.

A page view's HTML is a function of what ``view_key`` lists (the space and the page as
stored, their tree version, the language, the address) and of who looks. A participant
coming back to a page sends the ETag of the copy it holds and gets a 304 while none of
those changed; the ETag also covers who looks (their name and colour in the top bar, their
role, the session whose CSRF token the forms carry), so a copy is never reused across people
or sessions. ``Cache-Control: private, no-cache``: browsers revalidate, shared caches keep
nothing.

A reader without an account sees the same page as every other such reader: the whole HTML
is kept per ``view_key``, with the session's CSRF token (the language form) cut out and put
back per request. A request with a message to show (``flash``) is rendered afresh.

The key names each stored field a view shows. A template that starts to show something
else must add it here: tests/integration/test_view_cache.py checks the cases that change
a view.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable

from flask import Response, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from .models import Page, Space
from .page_html import LRUCache, html_cache
from .permissions import role_of

CSRF_HOLE = "\x00csrf-token\x00"  # never in rendered HTML: Jinja escapes nothing to NUL


def view_key(space: Space, page: Page) -> tuple[Hashable, ...]:
    return (
        space.id,
        space.slug,
        space.title,
        space.tree_version,
        space.visibility,
        space.archived_at,
        page.id,
        page.slug,
        page.title,
        page.kind,
        page.revision_number,
        page.updated_at,
        page.hidden_from_memoire,
        hash(page.markdown),  # the live text moves ahead of the revision
        str(get_locale()),
        request.full_path,
    )


def _viewer() -> tuple[Hashable, ...]:
    if not current_user.is_authenticated:
        return ("anonymous",)
    user = current_user
    return ("user", user.id, user.name, user.color, user.is_admin, user.locale)


def _etag(key: tuple[Hashable, ...], viewer: tuple[Hashable, ...], role: str | None) -> str:
    raw = repr((key, viewer, role, session.get("csrf_token"))).encode()
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def _private(response: Response, etag: str) -> Response:
    response.set_etag(etag)
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.add("Cookie")
    return response


def serve_page_view(space: Space, page: Page, render: Callable[[], str]) -> Response:
    """The response to a page view whose permission was checked: a 304, a kept copy or
    ``render()``'s HTML."""
    if session.get("_flashes"):
        return make_response(render())
    token = generate_csrf()  # first, so that the session's token is the one the ETag names
    key = view_key(space, page)
    viewer = _viewer()
    role = role_of(current_user, space) if current_user.is_authenticated else None
    etag = _etag(key, viewer, role)
    if etag in request.if_none_match:
        return _private(Response(status=304), etag)
    if viewer != ("anonymous",):
        return _private(make_response(render()), etag)
    kept: LRUCache = html_cache("anonymous_views")
    html = kept.get(key)
    if html is None:
        html = render()
        kept.put(key, html.replace(token, CSRF_HOLE))
    else:
        html = html.replace(CSRF_HOLE, token)
    return _private(make_response(html), etag)
