"""API: a space's "tableau comparatif" of one comparable kind (``wiki.comparison``)."""

from __future__ import annotations

from flask import jsonify

from ... import comparison, spaces
from . import api_blueprint
from .auth import api_user
from .parsing import checked_space_ref


@api_blueprint.get("/spaces/<space>/comparisons/<kind>")
def get_comparison(space: str, kind: str):
    found = spaces.get_space(api_user(), checked_space_ref(space))
    table = comparison.table(api_user(), found, kind)
    return jsonify(
        {
            "kind": table.kind,
            "columns": [{"page_id": p.id, "title": p.title} for p in table.columns],
            "rows": [
                {
                    "section": row.section,
                    "cells": [
                        {"page_id": c.page_id, "markdown": c.markdown, "html": str(c.html)}
                        for c in row.cells
                    ],
                }
                for row in table.rows
            ],
        }
    )
