"""Small helpers to read HTML form fields into typed values with French error messages."""

from __future__ import annotations

import datetime as dt

from flask import flash, render_template, request
from flask_babel import lazy_gettext as _l

from ..db import db
from ..errors import CercleError, ValidationError


def text(name: str, default: str = "") -> str:
    return request.form.get(name, default)


def optional_int(name: str, *, source=None) -> int | None:
    raw = ((source or request.form).get(name) or "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise ValidationError(_l("Ce champ attend un nombre entier."), field=name) from None


def optional_date(name: str) -> dt.date | None:
    raw = (request.form.get(name) or "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationError(
            _l("Date invalide (format attendu : AAAA-MM-JJ)."), field=name
        ) from None


def checkbox(name: str) -> bool:
    return request.form.get(name) in ("1", "on", "true", "oui")


def form_error(error: CercleError, template: str, **context):
    """Show the form again with what the person typed and why it was refused; nothing of
    the refused attempt stays in the database session."""
    db.session.rollback()
    flash(error.message, "error")
    context.setdefault("form", request.form)
    return render_template(template, **context), error.status
