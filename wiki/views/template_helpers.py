"""Filters and globals the templates use: French dates, role labels, sizes."""

from __future__ import annotations

import datetime as dt

from flask import Flask, g
from flask_babel import format_date, format_datetime, format_decimal
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import revision_messages

ROLE_LABELS = {
    "facilitator": _l("Animateur·rice"),
    "participant": _l("Participant·e"),
    "reader": _l("Lecteur·rice"),
}


def _date(value: dt.date | dt.datetime | None, fmt: str = "d MMMM y") -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return format_datetime(value.replace(tzinfo=dt.UTC), fmt)
    return format_date(value, fmt)


def _datetime(value: dt.datetime | None) -> str:
    return _date(value, "d MMMM y, HH:mm") if value else ""


def _filesize(size: int) -> str:
    """Sizes in the page's language: 452 octets, 1,5 Mo (French); 452 bytes, 1.5 MB."""
    units = [_l("octets"), _l("Ko"), _l("Mo"), _l("Go")]
    amount = float(size)
    for unit in units:
        if amount < 1024 or unit is units[-1]:
            if unit is units[0]:
                return f"{amount:.0f} {unit}"
            return f"{format_decimal(amount, format='0.0')} {unit}"
        amount /= 1024
    return str(size)


def init_app(app: Flask) -> None:
    app.add_template_filter(_date, "date")
    app.add_template_filter(_datetime, "datetime")
    app.add_template_filter(_filesize, "filesize")
    app.add_template_filter(revision_messages.shown, "revision_message")
    app.add_template_global(ROLE_LABELS, "ROLE_LABELS")

    @app.context_processor
    def _globals() -> dict:
        return {"current_user": current_user, "locale": g.get("locale", "fr")}
