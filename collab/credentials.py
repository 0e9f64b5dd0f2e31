"""Who opens a live connection (``/collab``, ``/results``), and with what: an API token sent
in the Socket.IO ``auth`` payload, else the sign-in session's cookie. Both namespaces ask
here, so revoking the token or ending the session finds every connection it opened."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from wiki import tokens
from wiki.models import User
from wiki.session_login import current_session_id

from .hub import Credential


def identify(auth: Any) -> tuple[User | None, Credential]:
    token = auth.get("token") if isinstance(auth, dict) else None
    if isinstance(token, str) and token:
        api_token = tokens.find(token)
        if api_token is None:
            return None, Credential()
        return api_token.user, Credential(token_id=api_token.id)
    if current_user and current_user.is_authenticated:
        return current_user._get_current_object(), Credential(session_id=current_session_id())
    return None, Credential()
