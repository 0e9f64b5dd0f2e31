"""The Content-Security-Policy: scripts, styles and connections to this site only."""

from __future__ import annotations

import pytest


def directives(response) -> dict[str, list[str]]:
    csp = response.headers.get("Content-Security-Policy", "")
    return {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}


@pytest.mark.parametrize("url", ["/connexion", "/", "/page-introuvable"])
def test_connections_go_to_this_site_only(anonymous, url):
    """No bare ``ws:``/``wss:`` (any host): the live editor's WebSocket is same-origin,
    which ``'self'`` covers in current browsers (tests/browser/test_live_editing.py)."""
    policy = directives(anonymous.get(url))
    assert policy["connect-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
