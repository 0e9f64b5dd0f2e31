"""Seam between the domain and live co-editing; ``collab`` registers itself here at init.

``wiki`` never imports ``collab``: when a page is open in the live editor, a save, a restore
or an API ``PUT`` hands its new text to the registered applier, which turns it into a Yjs
change of the room's document, stores it and broadcasts it to every editor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from flask import Flask, current_app, has_app_context

if TYPE_CHECKING:
    from .models import Page, User

#: ``(page, markdown, user) -> bool``: True when the live document took the change.
TextApplier = Callable[["Page", str, "User | None"], bool]
#: ``page -> text``: the live document's text now; None when it is not open in this process.
TextReader = Callable[["Page"], "str | None"]
#: ``page -> user ids``: who typed in the live document since its last revision (forgotten
#: there: the revision being taken credits them).
AuthorTaker = Callable[["Page"], list[int]]
EXTENSION_KEY = "cercle.live"
READER_KEY = "cercle.live.reader"
AUTHORS_KEY = "cercle.live.authors"


def register(
    app: Flask,
    applier: TextApplier,
    reader: TextReader | None = None,
    authors: AuthorTaker | None = None,
) -> None:
    app.extensions[EXTENSION_KEY] = applier
    if reader is not None:
        app.extensions[READER_KEY] = reader
    if authors is not None:
        app.extensions[AUTHORS_KEY] = authors


def current_text(page: Page) -> str | None:
    """The live document's text, ahead of ``Page.markdown`` by at most one write-back."""
    if not has_app_context():
        return None
    reader = current_app.extensions.get(READER_KEY)
    return reader(page) if reader else None


def apply_text(page: Page, markdown: str, user: User | None) -> bool:
    """Give ``markdown`` to the live document of ``page`` (if live editing is set up)."""
    if not has_app_context():
        return False
    applier = current_app.extensions.get(EXTENSION_KEY)
    return bool(applier and applier(page, markdown, user))


def take_authors(page: Page) -> list[int]:
    """Who typed in the page's live document since its last revision; the caller's revision
    credits them (a save from the editor is everyone's work, not only the saver's)."""
    if not has_app_context():
        return []
    taker = current_app.extensions.get(AUTHORS_KEY)
    return list(taker(page)) if taker else []
