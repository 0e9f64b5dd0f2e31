"""Cercle: ``create_app(config=None)``; ``python app.py`` serves on 127.0.0.1:$PORT."""

from __future__ import annotations

import logging
import os
from typing import Any

from flask import Flask

import collab
import search
import wiki


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, template_folder="templates", static_folder="static")
    app.config.from_mapping(wiki.config.from_environment(config))
    wiki.init_app(app)
    search.init_app(app)
    collab.init_app(app)
    return app


def main() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    app = create_app()
    port = int(os.environ.get("PORT", "5000"))
    collab.run(app, host="127.0.0.1", port=port)  # HTTP + Socket.IO (COLLAB_ASYNC_MODE)


if __name__ == "__main__":
    main()
