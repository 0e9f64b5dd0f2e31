"""The archive API: POST/DELETE /spaces/{space}/archive, POST /spaces/{space}/duplicate,
the 423 error shape, who may do what."""

from __future__ import annotations

import pytest

from wiki import accounts, pages
from wiki.db import db
from wiki.models import Page, Space

API = "/api/v1"
PERSONAS = ("admin", "facilitator", "participant", "reader", "outsider")


@pytest.fixture
def call(app, personas):
    tokens = {name: accounts.create_token(getattr(personas, name)) for name in PERSONAS}
    client = app.test_client()

    def _call(method: str, path: str, who: str, **kwargs):
        headers = {"Authorization": f"Bearer {tokens[who]}"}
        return client.open(API + path, method=method, headers=headers, **kwargs)

    return _call


def test_archive_then_writes_are_423_with_the_error_shape(call, personas):
    page = pages.create_page(personas.facilitator, personas.space, "Statuts", "Version 1")
    response = call("POST", "/spaces/cooperer/archive", "facilitator")
    assert response.status_code == 201, response.json
    body = response.json
    assert body["space"]["archived"] is True and body["space"]["archived_at"]
    assert body["archive"]["archived_by"]["id"] == personas.facilitator.id
    assert sorted(e["format"] for e in body["archive"]["exports"]) == ["html", "markdown", "pdf"]
    assert all(e["id"] and e["status"] == "queued" for e in body["archive"]["exports"])
    refused = call("PUT", f"/pages/{page.id}", "facilitator", json={"markdown": "Changé"})
    assert refused.status_code == 423
    assert set(refused.json) == {"error"} and set(refused.json["error"]) == {"code", "message"}
    assert refused.json["error"]["code"] == "archived"
    assert "archivé" in refused.json["error"]["message"]
    db.session.expire_all()
    assert db.session.get(Page, page.id).markdown == "Version 1"
    again = call("POST", "/spaces/cooperer/archive", "facilitator")
    assert again.status_code == 423 and again.json["error"]["code"] == "archived"


@pytest.mark.parametrize(
    ("who", "status"), [("participant", 403), ("reader", 403), ("outsider", 404)]
)
def test_only_facilitators_archive(call, personas, who, status):
    assert call("POST", "/spaces/cooperer/archive", who).status_code == status
    db.session.expire_all()
    assert not db.session.get(Space, personas.space.id).is_archived


def test_reopen_is_for_admins_with_a_reason(call, personas):
    call("POST", "/spaces/cooperer/archive", "facilitator")
    reason = {"reason": "Une séance de plus"}
    assert call("DELETE", "/spaces/cooperer/archive", "facilitator", json=reason).status_code == 403
    missing = call("DELETE", "/spaces/cooperer/archive", "admin", json={})
    assert missing.status_code == 400 and missing.json["error"]["code"] == "invalid"
    assert call("DELETE", "/spaces/cooperer/archive", "admin").status_code == 400
    response = call("DELETE", "/spaces/cooperer/archive", "admin", json=reason)
    assert response.status_code == 200, response.json
    assert response.json["space"]["archived"] is False
    assert response.json["archive"]["reopened_at"]
    assert call("DELETE", "/spaces/cooperer/archive", "admin", json=reason).status_code == 409


def test_duplicate(call, personas):
    pages.create_page(personas.facilitator, personas.space, "Statuts", "Version 1")
    call("POST", "/spaces/cooperer/archive", "facilitator")
    body = {"title": "Suite", "members": True}
    assert call("POST", "/spaces/cooperer/duplicate", "participant", json=body).status_code == 403
    response = call("POST", "/spaces/cooperer/duplicate", "facilitator", json=body)
    assert response.status_code == 201, response.json
    assert response.json["title"] == "Suite" and response.json["archived"] is False
    assert response.json["role"] == "facilitator"
    assert response.headers["Location"].endswith(f"/api/v1/spaces/{response.json['slug']}")
    bad = call(
        "POST", "/spaces/cooperer/duplicate", "facilitator", json={"title": "X", "members": 1}
    )
    assert bad.status_code == 400
    assert call("POST", "/spaces/cooperer/duplicate", "facilitator", json={}).status_code == 400


def test_the_routes_are_in_the_openapi_document(call):
    paths = call("GET", "/openapi.json", "reader").json["paths"]
    assert set(paths[API + "/spaces/{space}/archive"]) == {"post", "delete"}
    assert "423" in paths[API + "/spaces/{space}/archive"]["post"]["responses"]
    assert set(paths[API + "/spaces/{space}/duplicate"]) == {"post"}
    assert "423" in paths[API + "/pages/{id}"]["put"]["responses"]
