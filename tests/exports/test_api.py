"""API: POST /spaces/{space}/exports → 202 and a job; GET /exports/{id} follows it."""

from __future__ import annotations

import hashlib

import pytest

from wiki import accounts, exports
from wiki.db import db
from wiki.models import Page

from .conftest import reload

API = "/api/v1"


@pytest.fixture
def call(app, personas):
    tokens = {
        name: accounts.create_token(getattr(personas, name))
        for name in ("facilitator", "participant", "reader", "outsider")
    }
    client = app.test_client()

    def _call(method: str, path: str, who: str | None = None, **kwargs):
        headers = dict(kwargs.pop("headers", {}))
        if who is not None:
            headers["Authorization"] = f"Bearer {tokens[who]}"
        return client.open(API + path, method=method, headers=headers, **kwargs)

    return _call


def test_post_queues_a_job_then_get_follows_it_to_its_file(app, personas, call, runner):
    response = call("POST", "/spaces/cooperer/exports", "facilitator", json={"format": "pdf"})
    assert response.status_code == 202
    job = response.get_json()
    assert response.headers["Location"] == f"{API}/exports/{job['id']}"
    assert (job["status"], job["progress"], job["download_url"], job["sha256"]) == (
        "queued",
        0,
        None,
        None,
    )
    runner.run_once()
    done = call("GET", f"/exports/{job['id']}", "facilitator").get_json()
    assert (done["status"], done["progress"]) == ("done", 100)
    stored = reload(db.session.get(exports.ExportJob, job["id"]))
    assert done["sha256"] == hashlib.sha256(exports.file_path(stored).read_bytes()).hexdigest()
    assert done["download_url"].endswith(f"/s/cooperer/exports/{job['id']}/cooperer-memoire.pdf")


def test_the_selection_is_checked_and_kept(app, personas, call):
    page = Page(space_id=personas.space.id, title="Une page", slug="une-page")
    db.session.add(page)
    db.session.commit()
    selection = [{"item_kind": "page", "ref_id": page.id}, {"item_kind": "resources"}]
    response = call(
        "POST",
        f"/spaces/{personas.space.id}/exports",
        "facilitator",
        json={"format": "markdown", "selection": selection},
    )
    assert response.status_code == 202
    job = db.session.get(exports.ExportJob, response.get_json()["id"])
    assert [item.item_kind for item in exports.memoire.loads(job.selection)] == [
        "page",
        "resources",
    ]
    bad = call(
        "POST",
        "/spaces/cooperer/exports",
        "facilitator",
        json={"format": "pdf", "selection": [{"item_kind": "page", "ref_id": 99999}]},
    )
    assert bad.status_code in (400, 404) and bad.get_json()["error"]["message"]


@pytest.mark.parametrize(
    ("body", "status"),
    [({"format": "docx"}, 400), ({}, 400), ({"format": "pdf", "selection": []}, 400)],
)
def test_bad_requests_are_400_in_words(app, personas, call, body, status):
    response = call("POST", "/spaces/cooperer/exports", "facilitator", json=body)
    assert response.status_code == status
    assert response.get_json()["error"]["message"]


def test_permissions(app, personas, call):
    body = {"json": {"format": "pdf"}}
    assert call("POST", "/spaces/cooperer/exports", None, **body).status_code == 401
    assert call("POST", "/spaces/cooperer/exports", "participant", **body).status_code == 403
    assert call("POST", "/spaces/cooperer/exports", "reader", **body).status_code == 403
    assert call("POST", "/spaces/cooperer/exports", "outsider", **body).status_code == 404
    assert call("POST", "/spaces/nulle-part/exports", "facilitator", **body).status_code == 404
    job = call("POST", "/spaces/cooperer/exports", "facilitator", **body).get_json()
    assert call("GET", f"/exports/{job['id']}", "reader").status_code == 403
    assert call("GET", f"/exports/{job['id']}", "outsider").status_code == 404
    assert call("GET", "/exports/inconnu", "facilitator").status_code == 404


def test_the_browser_session_reads_the_job(app, personas, client_for):
    job = exports.enqueue(personas.facilitator, personas.space, "pdf")
    response = client_for(personas.facilitator).get(f"{API}/exports/{job.id}")
    assert response.status_code == 200 and response.get_json()["status"] == "queued"


def test_openapi_documents_both_routes(app, call):
    paths = call("GET", "/openapi.json").get_json()["paths"]
    assert "202" in paths[f"{API}/spaces/{{space}}/exports"]["post"]["responses"]
    assert "200" in paths[f"{API}/exports/{{id}}"]["get"]["responses"]
