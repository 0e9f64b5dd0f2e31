"""Full-text search (French) over pages and resources, behind a small backend seam.

``init_app(app)`` opens nothing yet: it creates the backend for
``DATA_DIR/index`` (or ``SEARCH_INDEX_DIR``; ``SEARCH_BACKEND = "memory"`` selects the
in-memory fake), subscribes to the wiki's signals and adds
the ``flask search`` commands. The index is opened on first use; a missing, outdated or
damaged index is recreated and refilled from the database in the background.

Modules: ``analysis`` (French analyzers) · ``schema`` (fields, ``SearchDoc``) · ``query``
(what people type → ``ParsedQuery``) · ``backend`` (the Protocol) · ``whoosh_*`` (the
Whoosh implementation) · ``highlight`` (safe ``<mark>`` excerpts) · ``adapters`` (one per
kind) · ``extract`` (text of uploaded files) · ``indexer`` (signals → background writer) ·
``service`` (permissions and links, for views and API) · ``fake`` (in-memory backend).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_app_context

from wiki import events, search_index, wordstems

from .backend import SearchBackend
from .indexer import Indexer
from .service import EXTENSION, indexer, run_search, suggestions
from .word_stems import phrase_stem

__all__ = ["flush", "indexer", "init_app", "run_search", "suggestions"]

log = logging.getLogger(__name__)


def index_folder(app: Flask) -> Path:
    return Path(app.config.get("SEARCH_INDEX_DIR") or Path(app.config["DATA_DIR"]) / "index")


def _subscribe(app: Flask, worker: Indexer) -> None:
    """Connect handlers that capture ``app``; a signal sent for another app is ignored.

    Blinker keeps weak references: the handlers live on ``worker`` (in
    ``app.extensions``), so they go away with the app (tests create many).
    """

    def handler(kind: str):
        def on_event(sender: Any, **_extra: Any) -> None:
            if has_app_context() and current_app._get_current_object() is not app:
                return
            obj_id = getattr(sender, "id", None)
            if isinstance(obj_id, int):
                worker.enqueue(kind, obj_id)

        return on_event

    worker.handlers = [handler("page"), handler("resource")]
    page_handler, resource_handler = worker.handlers
    for signal in (events.page_saved, events.page_deleted, events.page_restored):
        signal.connect(page_handler)
    for signal in (events.resource_saved, events.resource_deleted):
        signal.connect(resource_handler)


def _operations(worker: Indexer) -> search_index.IndexOps:
    def rebuild() -> int:
        worker.flush()  # queued changes first: the rebuild then sees the whole database
        return worker.rebuild()

    def counts() -> tuple[int, int]:
        worker.flush()
        return worker.backend.document_count(), worker.document_count()

    return search_index.IndexOps(rebuild=rebuild, counts=counts)


def init_app(app: Flask) -> None:
    from .api import api_bp
    from .cli import search_cli
    from .views import bp
    from .whoosh_backend import WhooshBackend

    backend: SearchBackend
    if app.config.get("SEARCH_BACKEND") == "memory":  # the in-tree fake, for tests
        from .fake import MemoryBackend

        backend = MemoryBackend()
    else:
        backend = WhooshBackend(index_folder(app))
    worker = Indexer(app, backend, asynchronous=app.config.get("SEARCH_ASYNC", True))
    app.extensions[EXTENSION] = worker
    _subscribe(app, worker)
    app.cli.add_command(search_cli)
    wordstems.register(app, phrase_stem)  # questionnaires' word clouds group by stem
    search_index.register(app, _operations(worker))  # restore and ``flask check``
    app.register_blueprint(bp)
    app.register_blueprint(api_bp)


def flush(timeout: float = 30.0) -> bool:
    """Wait until queued changes are searchable (tests, scripts)."""
    return indexer().flush(timeout)
