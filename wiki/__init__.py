"""The domain package; ``init_app`` wires extensions, blueprints, errors and commands."""

from __future__ import annotations

from flask import Flask

from . import config  # noqa: F401  (re-exported for app.py)


def init_app(app: Flask) -> None:
    from . import assets, cli, export_runner, web
    from .db import db

    db.init_app(app)
    web.init_app(app)
    assets.init_app(app)
    cli.init_app(app)
    export_runner.init_app(app)
