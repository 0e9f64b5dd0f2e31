"""The API refuses bad input with a clear 4xx, writes nothing, and never answers 500."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from wiki import accounts, pages
from wiki.db import db
from wiki.models import Membership, Page, Resource, Revision, Space

API = "/api/v1"
INVALID_JSON = "Le corps de la requête doit être un objet JSON valide."


@pytest.fixture
def token(personas) -> str:
    return accounts.create_token(personas.facilitator)


@pytest.fixture
def statuts(personas) -> Page:
    return pages.create_page(personas.facilitator, personas.space, "Statuts", "Version 1")


@pytest.fixture
def call(app, token) -> Callable:
    """``call(method, path, **kwargs)`` as the facilitator, with the token."""
    client = app.test_client()

    def _call(method: str, path: str, **kwargs):
        headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
        return client.open(API + path, method=method, headers=headers, **kwargs)

    return _call


def committed(statement):
    with Session(db.engine) as session:
        return session.scalar(statement)


def counts() -> tuple[int, ...]:
    """Rows in every table a refused request could have touched."""
    return tuple(
        committed(select(func.count(column)))
        for column in (Space.id, Membership.id, Page.id, Revision.id, Resource.id)
    )


def assert_error(response, status: int, code: str | None = None) -> str:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert set(error) == {"code", "message"}
    assert error["message"]
    if code is not None:
        assert error["code"] == code
    return error["message"]


# Every endpoint that reads a JSON body, with a valid body for it.
JSON_WRITES = [
    ("POST", "/spaces", {"title": "Nouvel espace"}),
    ("POST", "/spaces/cooperer/pages", {"title": "Nouvelle page"}),
    ("PUT", "/pages/{page}", {"markdown": "Nouveau texte"}),
    ("POST", "/spaces/cooperer/members", {"email": "dehors@cercle.test", "role": "reader"}),
    ("POST", "/spaces/cooperer/resources", {"url": "https://example.org/"}),
]
WRITE_IDS = [f"{method} {path}" for method, path, _ in JSON_WRITES]


@pytest.mark.parametrize(("method", "path", "_valid"), JSON_WRITES, ids=WRITE_IDS)
@pytest.mark.parametrize(
    "raw",
    [
        b'{"title": ',
        b"{'title': 'x'}",
        b"",
        b"[]",
        b'[{"title": "x"}]',
        b'"texte"',
        b"null",
        b"42",
        b"\xff\xfe{}",
        b"[" * 100_000 + b"]" * 100_000,
    ],
    ids=[
        "truncated",
        "single-quotes",
        "empty",
        "array",
        "array-of-object",
        "string",
        "null",
        "number",
        "not-utf8",
        "deeply-nested",
    ],
)
def test_body_that_is_not_a_json_object(call, statuts, method, path, _valid, raw):
    before = counts()
    response = call(method, path.format(page=statuts.id), data=raw, content_type="application/json")
    assert assert_error(response, 400, "invalid") == INVALID_JSON
    assert counts() == before


@pytest.mark.parametrize(("method", "path", "valid"), JSON_WRITES[:4], ids=WRITE_IDS[:4])
@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", None],
    ids=["text", "form", "none"],
)
def test_json_endpoints_want_json(call, statuts, method, path, valid, content_type):
    before = counts()
    kwargs = {"content_type": content_type} if content_type else {}
    response = call(method, path.format(page=statuts.id), data=json.dumps(valid), **kwargs)
    assert_error(response, 415, "unsupported_media_type")
    assert counts() == before


@pytest.mark.parametrize(("method", "path", "valid"), JSON_WRITES, ids=WRITE_IDS)
def test_valid_bodies_of_this_suite_are_accepted(call, statuts, method, path, valid):
    """The control case: the bad bodies below differ from these by one field only."""
    response = call(method, path.format(page=statuts.id), json=valid)
    assert response.status_code in (200, 201), response.json


PAGE_BODIES = [
    ({"title": 123}, "title"),
    ({"title": None}, "title"),
    ({"title": ["Statuts"]}, "title"),
    ({"title": {"fr": "Statuts"}}, "title"),
    ({"title": True}, "title"),
    ({"title": "A", "markdown": None}, "markdown"),
    ({"title": "A", "markdown": 42}, "markdown"),
    ({"title": "A", "parent_id": "1"}, "parent_id"),
    ({"title": "A", "parent_id": True}, "parent_id"),
    ({"title": "A", "parent_id": 1.5}, "parent_id"),
    ({"title": "A", "parent_id": 0}, "parent_id"),
    ({"title": "A", "parent_id": -3}, "parent_id"),
    ({"title": "A", "parent_id": 10**30}, "parent_id"),
    ({"title": "A", "message": 5}, "message"),
    ({}, "title"),
    ({"markdown": "sans titre"}, "title"),
    ({"title": ""}, None),
    ({"title": "   \n\t "}, None),
    ({"title": "x" * 201}, None),
    ({"title": "\ud800"}, "title"),
    ({"title": "A", "markdown": "texte\ud83d"}, "markdown"),
    ({"title": "A", "message": "m" * 301}, None),
]


@pytest.mark.parametrize(("body", "field"), PAGE_BODIES, ids=[repr(b)[:40] for b, _ in PAGE_BODIES])
def test_create_page_refuses_bad_fields(call, personas, body, field):
    before = counts()
    message = assert_error(call("POST", "/spaces/cooperer/pages", json=body), 400, "invalid")
    if field is not None:
        assert f"« {field} »" in message
    assert counts() == before


def test_title_limit_is_200_characters(call, personas):
    assert call("POST", "/spaces/cooperer/pages", json={"title": "x" * 200}).status_code == 201
    message = assert_error(call("POST", "/spaces/cooperer/pages", json={"title": "y" * 201}), 400)
    assert "200" in message


def test_parent_in_another_space_is_refused(call, personas):
    other = call("POST", "/spaces", json={"title": "Autre"}).json
    foreign = call("POST", f"/spaces/{other['id']}/pages", json={"title": "Ailleurs"}).json
    before = counts()
    body = {"title": "A", "parent_id": foreign["id"]}
    response = call("POST", "/spaces/cooperer/pages", json=body)
    assert "parente" in assert_error(response, 404, "not_found")
    assert counts() == before


def test_unknown_parent_is_404(call, personas):
    """A well-formed id that names no page: the reference is missing, the input is not
    malformed (JSON:API's answer, and what the OpenAPI document promises)."""
    before = counts()
    response = call("POST", "/spaces/cooperer/pages", json={"title": "A", "parent_id": 999_999})
    assert "parente" in assert_error(response, 404, "not_found")
    assert counts() == before


def test_control_characters_are_cleaned_not_refused(call, personas):
    """NUL and other controls are valid JSON strings: the services clean them."""
    body = {"title": "Titre\x00nul", "markdown": "a\x00b", "message": "m\x01"}
    page = call("POST", "/spaces/cooperer/pages", json=body)
    assert page.status_code == 201, page.json
    assert (page.json["title"], page.json["markdown"]) == ("Titre nul", "ab")
    space = call("POST", "/spaces", json={"title": "Contrôles", "description": "d\x00\x01e"})
    assert space.status_code == 201, space.json
    assert "\x00" not in space.json["description"]


def test_integral_json_numbers_are_integers(call, personas, statuts):
    """JSON has one number type: 1.0 is the integer 1 (JSON Schema's ``integer`` too)."""
    number = 1.0
    body = {"title": "Sous-page", "parent_id": number * statuts.id}
    child = call("POST", "/spaces/cooperer/pages", json=body)
    assert child.status_code == 201, child.json
    assert child.json["parent_id"] == statuts.id
    update = call("PUT", f"/pages/{statuts.id}", json={"markdown": "V2", "base_revision": number})
    assert update.status_code == 200, update.json


UPDATE_BODIES = [
    {},
    {"message": "rien d'autre"},
    {"markdown": None},
    {"title": None},
    {"markdown": ["a"]},
    {"title": 123},
    {"title": ""},
    {"title": "z" * 201},
    {"markdown": "ok", "base_revision": "1"},
    {"markdown": "ok", "base_revision": -1},
    {"markdown": "ok", "message": None},
]


@pytest.mark.parametrize("body", UPDATE_BODIES, ids=[repr(b)[:40] for b in UPDATE_BODIES])
def test_update_page_refuses_bad_fields(call, statuts, body):
    assert_error(call("PUT", f"/pages/{statuts.id}", json=body), 400, "invalid")
    stored = committed(select(Page).where(Page.id == statuts.id))
    assert (stored.title, stored.markdown, stored.revision_number) == ("Statuts", "Version 1", 1)


def test_stale_base_revision_is_409_and_page_unchanged(call, personas, statuts):
    pages.update_page(personas.participant, statuts, markdown="Version 2 (par Sami)")
    response = call(
        "PUT",
        f"/pages/{statuts.id}",
        json={"markdown": "Écrasement", "title": "Autre titre", "base_revision": 1},
    )
    assert "version 2" in assert_error(response, 409, "conflict")
    stored = committed(select(Page).where(Page.id == statuts.id))
    assert (stored.title, stored.markdown, stored.revision_number) == (
        "Statuts",
        "Version 2 (par Sami)",
        2,
    )
    assert committed(select(func.count(Revision.id)).where(Revision.page_id == statuts.id)) == 2
    body = {"markdown": "Version 3", "base_revision": 2}
    current = call("PUT", f"/pages/{statuts.id}", json=body)
    assert current.status_code == 200
    assert current.json["revision"] == 3


def test_text_over_the_limit_is_413(call, statuts):
    response = call("PUT", f"/pages/{statuts.id}", json={"markdown": "a" * 500_001})
    assert_error(response, 413, "too_large")
    assert committed(select(Page.markdown).where(Page.id == statuts.id)) == "Version 1"


def test_huge_json_body_is_413(call, personas):
    before = counts()
    body = json.dumps({"title": "Énorme", "markdown": "b" * (5 * 1024 * 1024)})
    response = call("POST", "/spaces/cooperer/pages", data=body, content_type="application/json")
    assert_error(response, 413)
    assert counts() == before


def test_body_over_the_server_limit_is_413(app, call, personas):
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    response = call(
        "POST",
        "/spaces/cooperer/resources",
        data={"file": (io.BytesIO(b"c" * 20_000), "gros.txt"), "title": "Gros"},
        content_type="multipart/form-data",
    )
    assert_error(response, 413)
    assert counts()[-1] == 0


@pytest.mark.parametrize(
    "path",
    [
        "/pages/999999",
        "/pages/abc",
        "/pages/-1",
        "/pages/0",
        "/pages/99999999999999999999",
        "/pages/2147483648",
        "/pages/1.5",
        "/pages/999999/revisions",
        "/spaces/inconnu",
        "/spaces/999999",
        "/spaces/99999999999999999999",
        "/spaces/%00",
        "/spaces/coop%C3%A9rer",
        "/spaces/%C2%B2",
        "/spaces/inconnu/pages",
        "/spaces/inconnu/resources",
        "/nulle-part",
    ],
)
def test_unknown_ids_are_404(call, statuts, path):
    assert_error(call("GET", path), 404)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PUT", "/pages/999999"),
        ("DELETE", "/pages/999999"),
        ("DELETE", "/pages/abc"),
        ("POST", "/pages/999999/revisions/1/restore"),
        ("POST", "/pages/{page}/revisions/99/restore"),
        ("POST", "/pages/{page}/revisions/0/restore"),
        ("POST", "/pages/{page}/revisions/99999999999/restore"),
        ("POST", "/spaces/inconnu/pages"),
        ("POST", "/spaces/inconnu/members"),
    ],
)
def test_writes_to_unknown_things_are_404(call, statuts, method, path):
    before = counts()
    response = call(method, path.format(page=statuts.id), json={"title": "x", "markdown": "y"})
    assert_error(response, 404)
    assert counts() == before


def test_wrong_method_is_405_json(call, statuts):
    assert_error(call("PATCH", f"/pages/{statuts.id}", json={"markdown": "x"}), 405)


@pytest.mark.parametrize(
    "body",
    [
        {"email": "dehors@cercle.test", "role": "admin"},
        {"email": "dehors@cercle.test", "role": "Facilitator"},
        {"email": "dehors@cercle.test", "role": None},
        {"email": "dehors@cercle.test"},
        {"email": "pas-une-adresse", "role": "reader"},
        {"email": "dehors@cercle", "role": "reader"},
        {"email": "de hors@cercle.test", "role": "reader"},
        {"email": "dehors\x00@cercle.test", "role": "reader"},
        {"email": "", "role": "reader"},
        {"email": 7, "role": "reader"},
        {"role": "reader"},
    ],
    ids=lambda body: repr(body)[:50],
)
def test_add_member_refuses_bad_fields(call, personas, body):
    before = counts()
    assert_error(call("POST", "/spaces/cooperer/members", json=body), 400, "invalid")
    assert counts() == before


@pytest.mark.parametrize(
    "body",
    [
        {"title": 123},
        {"title": ""},
        {"title": "t" * 201},
        {"title": "A", "starts_on": "2025-13-01"},
        {"title": "A", "starts_on": "demain"},
        {"title": "A", "starts_on": 20250101},
        {"title": "A", "starts_on": "2025-06-01", "ends_on": "2025-01-01"},
        {"title": "A", "visibility": "public"},
        {"title": "A", "visibility": None},
        {"title": "A", "description": "d" * 5001},
        {"title": "A", "description": 3},
    ],
    ids=lambda body: repr(body)[:50],
)
def test_create_space_refuses_bad_fields(call, personas, body):
    before = counts()
    assert_error(call("POST", "/spaces", json=body), 400, "invalid")
    assert counts() == before


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"title": "Sans fichier ni lien"},
        {"url": "javascript:alert(1)"},
        {"url": "ftp://example.org/f"},
        {"url": ""},
        {"url": 12},
        {"url": None},
        {"url": "https://example.org/", "tags": [1, 2]},
        {"url": "https://example.org/", "title": 9},
        {"url": "https://example.org/", "tags": "x" * 41},
    ],
    ids=lambda body: repr(body)[:50],
)
def test_add_link_refuses_bad_fields(call, personas, body):
    before = counts()
    assert_error(call("POST", "/spaces/cooperer/resources", json=body), 400, "invalid")
    assert counts() == before


def test_resource_upload_wants_json_or_form(call, personas):
    response = call("POST", "/spaces/cooperer/resources", data=b"bytes", content_type="image/png")
    assert_error(response, 415)


def test_refused_file_leaves_nothing_behind(app, call, personas):
    before = counts()
    response = call(
        "POST",
        "/spaces/cooperer/resources",
        data={"file": (io.BytesIO(b"MZ\x90\x00\x03" + b"\x00" * 200), "outil.exe"), "title": "Exe"},
        content_type="multipart/form-data",
    )
    assert_error(response, 400)
    assert counts() == before
    assert [p for p in Path(app.config["UPLOAD_DIR"]).rglob("*") if p.is_file()] == []


@pytest.mark.parametrize(
    "query", ["limit=0", "limit=501", "limit=abc", "limit=-1", "offset=x", "limit=%C2%B2"]
)
def test_bad_revision_paging_is_400(call, statuts, query):
    assert_error(call("GET", f"/pages/{statuts.id}/revisions?{query}"), 400, "invalid")


def test_unknown_resource_kind_is_400(call, personas):
    assert_error(call("GET", "/spaces/cooperer/resources?kind=video"), 400, "invalid")


def test_nul_in_resource_filter_is_not_a_server_error(call, personas):
    response = call("GET", "/spaces/cooperer/resources?tag=a%00b")
    assert (response.status_code, response.json) == (200, [])


def test_options_lists_methods_without_a_token(app, personas):
    response = app.test_client().options(f"{API}/pages/1")
    assert response.status_code == 200
    assert {"GET", "PUT", "DELETE"} <= set(response.headers["Allow"].split(", "))


def test_a_lost_race_is_409_and_the_session_stays_usable(call, statuts, monkeypatch):
    def racing_update(*_args, **_kwargs):
        raise IntegrityError("INSERT INTO revisions …", {}, Exception("UNIQUE constraint failed"))

    monkeypatch.setattr(pages, "update_page", racing_update)
    response = call("PUT", f"/pages/{statuts.id}", json={"markdown": "Course perdue"})
    assert assert_error(response, 409, "conflict").startswith("Quelqu'un a modifié")
    monkeypatch.undo()
    again = call("PUT", f"/pages/{statuts.id}", json={"markdown": "Deuxième essai"})
    assert again.status_code == 200
    assert committed(select(Page.markdown).where(Page.id == statuts.id)) == "Deuxième essai"
