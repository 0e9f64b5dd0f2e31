"""Who is calling: a Bearer token, or the browser session for reads only."""

from __future__ import annotations

from flask import g, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ... import tokens
from ...errors import AuthenticationRequired
from ...models import User

PUBLIC_ENDPOINTS = frozenset({"api.openapi"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _bearer_token() -> str | None:
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationRequired(
            _l("En-tête d'authentification invalide : envoyez « Authorization: Bearer <jeton> ».")
        )
    return token.strip()


def _resolve_user() -> User:
    token = _bearer_token()
    if token is not None:
        api_token = tokens.find(token)
        if api_token is None:
            raise AuthenticationRequired(_l("Ce jeton d'API n'est pas valide ou a été révoqué."))
        g.api_token_id = api_token.id  # which token called (GET /tokens marks it)
        return api_token.user
    if current_user.is_authenticated:
        if request.method in SAFE_METHODS:
            return current_user._get_current_object()
        raise AuthenticationRequired(
            _l(
                "Les modifications par l'API demandent un jeton : "
                "« Authorization: Bearer <jeton> »."
            )
        )
    raise AuthenticationRequired(
        _l("Authentification requise : envoyez « Authorization: Bearer <jeton> ».")
    )


def authenticate() -> None:
    """``before_request`` of the API: every endpoint but the OpenAPI document needs a caller.

    ``OPTIONS`` (which methods a URL accepts) reveals nothing and is answered to anyone.
    """
    if request.endpoint in PUBLIC_ENDPOINTS or request.method == "OPTIONS":
        return
    g.api_user = _resolve_user()


def api_user() -> User:
    """The caller of the current API request (set by :func:`authenticate`)."""
    return g.api_user
