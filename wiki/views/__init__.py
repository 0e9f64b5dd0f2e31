"""Thin blueprints: parse the request, call one service, render or redirect."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from . import admin, auth, pages, resources, spaces, template_helpers
    from .api import api_blueprint

    template_helpers.init_app(app)
    for blueprint in (admin.bp, auth.bp, spaces.bp, pages.bp, resources.bp, api_blueprint):
        app.register_blueprint(blueprint)
