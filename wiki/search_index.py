"""Seam: the search index seen from operations (restore, ``check``); ``search`` registers it.

``wiki`` imports nothing from ``search``: at init, search registers how to rebuild its index
from the database and how many documents the index and the database hold.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app

EXTENSION_KEY = "cercle.search_index"


@dataclass(frozen=True)
class IndexOps:
    #: rebuild the whole index from the database now; returns the documents indexed
    rebuild: Callable[[], int]
    #: ``(documents in the index, documents the database should give it)``
    counts: Callable[[], tuple[int, int]]


def register(app: Flask, ops: IndexOps) -> None:
    app.extensions[EXTENSION_KEY] = ops


def ops() -> IndexOps | None:
    """The registered index, or None when search is not set up in this app."""
    return current_app.extensions.get(EXTENSION_KEY)
