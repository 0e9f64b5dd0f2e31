"""Thin blueprints: parse the request, call one service, render or redirect."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from . import admin, auth, pages, resources, spaces, template_helpers
    from .api import api_blueprint

    template_helpers.init_app(app)
    from . import health  # issue 12: /healthz, answered before the other hooks

    health.init_app(app)
    for blueprint in (admin.bp, auth.bp, spaces.bp, pages.bp, resources.bp, api_blueprint):
        app.register_blueprint(blueprint)
    from . import questionnaire_builder, questionnaires  # issue 9, and the questionnaire kind view

    app.register_blueprint(questionnaires.bp)
    app.register_blueprint(questionnaire_builder.bp)
    from . import kinds  # issue 10: the picker's choices, copies, models, comparisons

    app.register_blueprint(kinds.bp)
    from . import metaplan  # issue 10: the Métaplan board's kind view, projector, transform

    app.register_blueprint(metaplan.bp)
    from . import mindmap  # issue 10: the mind map kind view and its SVG

    app.register_blueprint(mindmap.bp)
    from . import memoire  # issue 11: reorganising the tree, the mémoire builder, credits

    app.register_blueprint(memoire.bp)
    from . import imports  # issue 11: importing a zip of Markdown pages into a space

    app.register_blueprint(imports.bp)
    from . import archive  # issue 11: archive mode, reopening, duplicating, audit log

    app.register_blueprint(archive.bp)
    from . import exports  # issue 11: the mémoire's export jobs, downloads, print preview

    app.register_blueprint(exports.bp)
