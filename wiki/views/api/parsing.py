"""Reading API input: JSON bodies, form fields, path ids, with French messages.

Every check that concerns the *shape* of a request (JSON or not, types, required
fields, id ranges) lives here; the services check the *meaning* (lengths of
titles, roles, permissions). A request rejected here has written nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from ...errors import CercleError, NotFound, PayloadTooLarge, ValidationError
from ...permissions import SPACE_NOT_FOUND

#: Ids are 32-bit integer columns in PostgreSQL; anything larger cannot exist.
ID_MAX = 2**31 - 1
#: A JSON body never needs more than this (pages are capped at 500,000 characters).
JSON_MAX_BYTES = 4 * 1024 * 1024
INVALID_JSON = _l("Le corps de la requête doit être un objet JSON valide.")
_MISSING = object()
_DIGITS = re.compile(r"[0-9]+")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: Slugs are made of ``a-z0-9-`` (see wiki.slugs); ids of digits.
_SPACE_REF = re.compile(r"[a-z0-9-]{1,220}")


class UnsupportedMediaType(CercleError):
    """415: the body is not in a format this endpoint reads."""

    status = 415
    code = "unsupported_media_type"


def _clean_text(name: str, value: str) -> str:
    """Refuse text that is not Unicode (lone surrogates). NUL and other control
    characters are valid JSON strings, so they pass: each service cleans its fields
    (``one_line`` for titles, NUL dropped from texts) before anything is stored."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError(
            _l("Le champ « %(name)s » contient un texte mal encodé.", name=name), field=name
        ) from None
    return value


class Body:
    """The fields of a request body, read with typed getters.

    ``Body(data)`` wraps a decoded JSON object; ``Body(data, form=True)`` wraps form
    fields, whose values are always strings.
    """

    def __init__(self, data: Mapping[str, Any], *, form: bool = False) -> None:
        self._data = data
        self._form = form

    @property
    def is_form(self) -> bool:
        return self._form

    def has(self, name: str) -> bool:
        return name in self._data

    def _get(self, name: str, required: bool) -> Any:
        value = self._data.get(name, _MISSING)
        if value is _MISSING and required:
            raise ValidationError(
                _l("Le champ « %(name)s » est obligatoire.", name=name), field=name
            )
        return value

    def string(self, name: str, *, required: bool = False, default: str = "") -> str:
        value = self._get(name, required)
        if value is _MISSING:
            return default
        if not isinstance(value, str):
            raise ValidationError(
                _l("Le champ « %(name)s » doit être une chaîne de caractères.", name=name),
                field=name,
            )
        return _clean_text(name, value)

    def boolean(self, name: str, *, default: bool = False) -> bool:
        """A JSON ``true``/``false``; ``default`` when absent."""
        value = self._get(name, False)
        if value is _MISSING:
            return default
        if not isinstance(value, bool):
            raise ValidationError(
                _l("Le champ « %(name)s » doit valoir true ou false.", name=name), field=name
            )
        return value

    def optional_string(self, name: str) -> str | None:
        """A string when the field is present, None when absent (``null`` is refused)."""
        return self.string(name, required=True) if self.has(name) else None

    def integer(self, name: str, *, minimum: int = 0) -> int | None:
        """A JSON integer in ``minimum..ID_MAX``, or None when absent or ``null``."""
        value = self._get(name, False)
        if value is _MISSING or value is None:
            return None
        # JSON has one number type: 1.0 is the integer 1 (as JSON Schema's ``integer`` says).
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError(
                _l("Le champ « %(name)s » doit être un nombre entier.", name=name), field=name
            )
        if not minimum <= value <= ID_MAX:
            raise ValidationError(
                _l(
                    "Le champ « %(name)s » doit être compris entre %(min)s et %(max)s.",
                    name=name,
                    min=minimum,
                    max=ID_MAX,
                ),
                field=name,
            )
        return value

    def date(self, name: str) -> dt.date | None:
        """An ISO date (``AAAA-MM-JJ``), or None when absent, ``null`` or empty."""
        value = self._get(name, False)
        if value is _MISSING or value is None or value == "":
            return None
        message = _l("Le champ « %(name)s » doit être une date au format AAAA-MM-JJ.", name=name)
        # ``fromisoformat`` also reads week dates (2025-W01-1): only the calendar form here.
        if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
            raise ValidationError(message, field=name)
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValidationError(message, field=name) from None

    def tags(self, name: str = "tags") -> str | list[str]:
        """Tags as one comma-separated string; JSON may also send a list of strings, and a
        form the field repeated (each one counted, as the list's ``maxItems`` says)."""
        value = self._get(name, False)
        if self._form and isinstance(self._data, MultiDict) and len(self._data.getlist(name)) > 1:
            value = self._data.getlist(name)
        if isinstance(value, list):
            if not all(isinstance(tag, str) for tag in value):
                raise ValidationError(
                    _l(
                        "Le champ « %(name)s » doit être une liste de chaînes de caractères.",
                        name=name,
                    ),
                    field=name,
                )
            return [_clean_text(name, tag) for tag in value]
        return self.string(name)


def json_body() -> Body:
    """The request body as a JSON object, or a 400/413/415 that explains what is wrong."""
    if request.mimetype != "application/json":
        raise UnsupportedMediaType(
            _l("Envoyez un corps JSON, avec l'en-tête « Content-Type: application/json ».")
        )
    if (request.content_length or 0) > JSON_MAX_BYTES:
        raise PayloadTooLarge(_l("Le corps de la requête est trop volumineux."))
    try:
        data = json.loads(request.get_data(cache=True))
    except (ValueError, RecursionError):
        raise ValidationError(INVALID_JSON) from None
    if not isinstance(data, dict):
        raise ValidationError(INVALID_JSON)
    return Body(data)


def json_or_form_body() -> Body:
    """A JSON object, or the fields of a form (multipart or url-encoded)."""
    if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        return Body(request.form, form=True)
    return json_body()


def checked_id(value: int) -> int:
    """A path id; larger than any stored id means no such thing."""
    if not 1 <= value <= ID_MAX:
        raise NotFound(_l("Cette ressource n'existe pas."))
    return value


def checked_space_ref(ref: str) -> str:
    """A space id or slug from the path, refused early when no space could match it."""
    if not _SPACE_REF.fullmatch(ref) or (ref.isdigit() and int(ref) > ID_MAX):
        raise NotFound(SPACE_NOT_FOUND)
    return ref


def query_int(name: str, *, default: int, minimum: int, maximum: int) -> int:
    """An integer parameter, ``default`` when absent; present but empty is a 400, as the
    OpenAPI document says (``page=`` is no number)."""
    if name not in request.args:
        return default
    raw = request.args[name].strip()
    if not _DIGITS.fullmatch(raw) or len(raw) > 9 or not minimum <= int(raw) <= maximum:
        raise ValidationError(
            _l(
                "Le paramètre « %(name)s » doit être un entier entre %(min)s et %(max)s.",
                name=name,
                min=minimum,
                max=maximum,
            ),
            field=name,
        )
    return int(raw)


def query_text(name: str) -> str | None:
    """A query-string parameter, None when absent or empty."""
    raw = request.args.get(name, "").strip()
    return _clean_text(name, raw)[:200] if raw else None


def query_choice(name: str, choices: Iterable[str]) -> str | None:
    """One of ``choices``, or None when absent; present but empty or unknown is a 400."""
    if name not in request.args:
        return None
    raw = request.args[name]
    allowed = tuple(choices)
    if raw not in allowed:
        raise ValidationError(
            _l(
                "Le paramètre « %(name)s » doit valoir : %(choices)s.",
                name=name,
                choices=", ".join(allowed),
            ),
            field=name,
        )
    return raw
