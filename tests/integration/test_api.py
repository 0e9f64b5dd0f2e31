"""The JSON API under /api/v1: every endpoint, the role × action matrix, OpenAPI."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import make_user
from wiki import accounts, page_trash, pages, spaces
from wiki.db import db
from wiki.models import Membership, Page, Resource, Revision, Space, utcnow

API = "/api/v1"
PERSONAS = ("admin", "facilitator", "participant", "reader", "outsider")


@pytest.fixture
def tokens(personas) -> dict[str, str]:
    return {name: accounts.create_token(getattr(personas, name)) for name in PERSONAS}


@pytest.fixture
def call(app, tokens) -> Callable:
    """``call(method, path, who, **kwargs)``: one API request, as a persona or anonymous."""
    client = app.test_client()

    def _call(method: str, path: str, who: str | None = None, **kwargs):
        headers = dict(kwargs.pop("headers", {}))
        if who is not None:
            headers["Authorization"] = f"Bearer {tokens[who]}"
        return client.open(API + path, method=method, headers=headers, **kwargs)

    return _call


@pytest.fixture
def statuts(personas) -> Page:
    return pages.create_page(personas.facilitator, personas.space, "Statuts", "Version 1")


def committed(statement):
    """Read what is really in the database, outside the request's session."""
    with Session(db.engine) as session:
        return session.scalar(statement)


def upload_dir(app) -> Path:
    return Path(app.config["UPLOAD_DIR"])


def stored_files(app) -> list[Path]:
    return [p for p in upload_dir(app).rglob("*") if p.is_file()]


def parse_iso(value: str) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(value)
    assert parsed.tzinfo is not None
    return parsed


# --- authentication ---------------------------------------------------------------------


def test_no_token_is_401_with_bearer_challenge(call, personas):
    response = call("GET", "/spaces")
    assert response.status_code == 401
    assert response.json["error"]["code"] == "authentication_required"
    assert "Bearer" in response.headers["WWW-Authenticate"]


@pytest.mark.parametrize(
    "header", ["Bearer cercle_faux", "Basic dXNlcjpwYXNz", "Bearer ", "cercle_sans_schema"]
)
def test_invalid_authorization_header_is_401(call, personas, header):
    response = call("GET", "/spaces", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json["error"]["message"]


def test_token_identifies_its_owner(call, personas):
    response = call("GET", "/spaces/cooperer", "reader")
    assert response.status_code == 200
    assert response.json["role"] == "reader"


def test_browser_session_reads_but_does_not_write(app, personas, client_for):
    browser = client_for(personas.participant)
    assert browser.get(f"{API}/spaces/cooperer").json["role"] == "participant"
    response = browser.post(f"{API}/spaces/cooperer/pages", json={"title": "Par session"})
    assert response.status_code == 401
    assert committed(select(func.count(Page.id))) == 0


def test_browser_session_of_outsider_does_not_see_members_space(personas, client_for):
    response = client_for(personas.outsider).get(f"{API}/spaces/cooperer")
    assert response.status_code == 404


def test_api_is_exempt_from_csrf(app, call, personas):
    app.config["WTF_CSRF_ENABLED"] = True
    response = call("POST", "/spaces/cooperer/pages", "participant", json={"title": "Sans CSRF"})
    assert response.status_code == 201, response.json
    # the HTML forms are still protected
    html = app.test_client().post("/connexion", data={"email": "x@y.fr", "password": "z"})
    assert html.status_code == 400


# --- spaces -----------------------------------------------------------------------------


def test_list_spaces_shows_the_callers_spaces_with_role(call, personas):
    spaces.create_space(personas.admin, "Autre accompagnement")
    mine = call("GET", "/spaces", "reader")
    assert mine.status_code == 200
    assert [(s["slug"], s["role"]) for s in mine.json] == [("cooperer", "reader")]
    assert call("GET", "/spaces", "outsider").json == []
    assert {s["slug"] for s in call("GET", "/spaces", "admin").json} == {
        "cooperer",
        "autre-accompagnement",
    }


def test_create_space(call, personas):
    body = {
        "title": "Coopérative des Monts",
        "description": "Accompagnement 2025",
        "starts_on": "2025-01-15",
        "ends_on": "2025-06-30",
        "visibility": "link",
    }
    response = call("POST", "/spaces", "facilitator", json=body)
    assert response.status_code == 201, response.json
    space = response.json
    assert space["slug"] == "cooperative-des-monts"
    assert (space["title"], space["description"]) == (body["title"], body["description"])
    assert (space["starts_on"], space["ends_on"]) == ("2025-01-15", "2025-06-30")
    assert (space["visibility"], space["archived"], space["role"]) == ("link", False, "facilitator")
    assert response.headers["Location"].endswith(f"{API}/spaces/cooperative-des-monts")
    stored = committed(select(Space).where(Space.id == space["id"]))
    assert stored.starts_on == dt.date(2025, 1, 15)


def test_create_space_needs_the_right_to(call, personas):
    response = call("POST", "/spaces", "participant", json={"title": "Pas le droit"})
    assert response.status_code == 403
    assert committed(select(func.count(Space.id))) == 1


def test_get_space_by_id_and_slug(call, personas):
    by_slug = call("GET", "/spaces/cooperer", "participant")
    by_id = call("GET", f"/spaces/{personas.space.id}", "participant")
    assert by_slug.status_code == by_id.status_code == 200
    assert by_slug.json == by_id.json
    space = by_slug.json
    assert space["id"] == personas.space.id
    assert space["title"] == "Coopérer sur le territoire"
    assert space["description"] == "Démo"
    assert (space["starts_on"], space["ends_on"]) == (None, None)
    assert (space["visibility"], space["archived"], space["role"]) == (
        "members",
        False,
        "participant",
    )


def test_add_member(call, personas):
    response = call(
        "POST",
        "/spaces/cooperer/members",
        "facilitator",
        json={"email": "DEHORS@cercle.test", "role": "reader"},
    )
    assert response.status_code == 201, response.json
    assert response.json["user"]["id"] == personas.outsider.id
    assert response.json["role"] == "reader"
    assert call("GET", "/spaces/cooperer", "outsider").json["role"] == "reader"


def test_add_member_without_account_is_404(call, personas):
    response = call(
        "POST",
        "/spaces/cooperer/members",
        "facilitator",
        json={"email": "personne@cercle.test", "role": "reader"},
    )
    assert response.status_code == 404
    assert "Aucun compte" in response.json["error"]["message"]
    assert committed(select(func.count(Membership.id))) == 3


# --- pages ------------------------------------------------------------------------------


def test_create_and_list_pages(call, personas):
    parent = call(
        "POST",
        "/spaces/cooperer/pages",
        "participant",
        json={"title": "Gouvernance", "markdown": "# Gouvernance"},
    )
    assert parent.status_code == 201, parent.json
    assert parent.headers["Location"].endswith(f"{API}/pages/{parent.json['id']}")
    child = call(
        "POST",
        f"/spaces/{personas.space.id}/pages",
        "participant",
        json={"title": "Collège des salariés", "parent_id": parent.json["id"], "message": "Ajout"},
    )
    assert child.status_code == 201, child.json
    assert child.json["parent_id"] == parent.json["id"]
    assert child.json["markdown"] == ""
    listing = call("GET", "/spaces/cooperer/pages", "reader")
    assert listing.status_code == 200
    rows = {row["slug"]: row for row in listing.json}
    assert set(rows) == {"gouvernance", "college-des-salaries"}
    assert rows["college-des-salaries"]["parent_id"] == parent.json["id"]
    assert rows["gouvernance"]["parent_id"] is None
    assert rows["gouvernance"]["revision"] == 1
    assert rows["gouvernance"]["id"] == parent.json["id"]
    assert rows["gouvernance"]["title"] == "Gouvernance"


def test_get_page(call, personas):
    created = pages.create_page(
        personas.facilitator,
        personas.space,
        "Charte",
        "# Nos valeurs\n\n<script>alert(1)</script> [[Statuts]]",
    )
    response = call("GET", f"/pages/{created.id}", "reader")
    assert response.status_code == 200
    body = response.json
    assert (body["id"], body["title"], body["slug"]) == (created.id, "Charte", "charte")
    assert body["markdown"].startswith("# Nos valeurs")
    assert '<h1 id="nos-valeurs">Nos valeurs</h1>' in body["html"]
    assert "<script>" not in body["html"]
    assert body["revision"] == 1
    assert body["space"] == {"id": personas.space.id, "slug": "cooperer"}
    assert body["parent_id"] is None
    assert body["url"] == "http://cercle.test/s/cooperer/p/charte"
    parse_iso(body["updated_at"])


def test_update_page_text_and_title(call, statuts):
    response = call(
        "PUT",
        f"/pages/{statuts.id}",
        "participant",
        json={"markdown": "Version 2", "base_revision": 1, "message": "Relu"},
    )
    assert response.status_code == 200, response.json
    assert (response.json["markdown"], response.json["revision"]) == ("Version 2", 2)
    renamed = call("PUT", f"/pages/{statuts.id}", "participant", json={"title": "Statuts SCOP"})
    assert renamed.status_code == 200
    assert (renamed.json["title"], renamed.json["slug"]) == ("Statuts SCOP", "statuts-scop")
    assert renamed.json["markdown"] == "Version 2"
    assert renamed.json["revision"] == 3
    stored = committed(select(Page).where(Page.id == statuts.id))
    assert (stored.title, stored.markdown) == ("Statuts SCOP", "Version 2")
    assert stored.revision_number == 3
    message = committed(
        select(Revision.message).where(Revision.page_id == statuts.id, Revision.number == 2)
    )
    assert message == "Relu"


def test_update_page_without_change_keeps_revision(call, statuts):
    response = call("PUT", f"/pages/{statuts.id}", "participant", json={"markdown": "Version 1"})
    assert response.status_code == 200
    assert response.json["revision"] == 1


def test_delete_page_goes_to_trash(call, personas, statuts):
    response = call("DELETE", f"/pages/{statuts.id}", "participant")
    assert response.status_code == 204
    assert response.data == b""
    assert call("GET", f"/pages/{statuts.id}", "participant").status_code == 404
    assert call("GET", "/spaces/cooperer/pages", "participant").json == []
    assert [p.id for p in page_trash.trash(personas.facilitator, personas.space)] == [statuts.id]


def test_revisions(call, personas, statuts):
    pages.update_page(personas.participant, statuts, markdown="Version 2", message="Deuxième")
    pages.update_page(personas.facilitator, statuts, markdown="Version 3")
    response = call("GET", f"/pages/{statuts.id}/revisions", "reader")
    assert response.status_code == 200
    assert [r["number"] for r in response.json] == [3, 2, 1]
    second = response.json[1]
    assert second["author"] == {"id": personas.participant.id, "name": "Sami Participant"}
    assert second["message"] == "Deuxième"
    assert second["title"] == "Statuts"
    created = parse_iso(second["created_at"])
    assert abs(created.replace(tzinfo=None) - utcnow()) < dt.timedelta(minutes=5)
    limited = call("GET", f"/pages/{statuts.id}/revisions?limit=1&offset=1", "reader")
    assert [r["number"] for r in limited.json] == [2]


def test_restore_revision(call, personas, statuts):
    pages.update_page(personas.participant, statuts, markdown="Version 2", title="Statuts v2")
    response = call("POST", f"/pages/{statuts.id}/revisions/1/restore", "participant")
    assert response.status_code == 201, response.json
    assert (response.json["markdown"], response.json["title"]) == ("Version 1", "Statuts")
    assert response.json["revision"] == 3
    again = call("POST", f"/pages/{statuts.id}/revisions/3/restore", "participant")
    assert again.status_code == 200
    assert again.json["revision"] == 3
    history = call("GET", f"/pages/{statuts.id}/revisions", "participant").json
    assert history[0]["message"] == "Retour à la version 1"


# --- resources --------------------------------------------------------------------------


def test_upload_file_resource(app, call, personas, client_for):
    response = call(
        "POST",
        "/spaces/cooperer/resources",
        "participant",
        data={
            "file": (io.BytesIO(b"Compte rendu de la 1re rencontre\n"), "compte-rendu.txt"),
            "title": "Compte rendu",
            "description": "Rencontre de janvier",
            "tags": "Réunion, janvier",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.json
    body = response.json
    assert (body["kind"], body["title"], body["filename"]) == (
        "file",
        "Compte rendu",
        "compte-rendu.txt",
    )
    assert body["description"] == "Rencontre de janvier"
    assert sorted(body["tags"]) == ["janvier", "réunion"]
    assert body["size"] == len(b"Compte rendu de la 1re rencontre\n")
    assert body["author"]["id"] == personas.participant.id
    [stored] = stored_files(app)
    assert stored.read_bytes() == b"Compte rendu de la 1re rencontre\n"
    download = client_for(personas.reader).get(body["download_url"])
    content = download.get_data()
    download.close()
    assert download.status_code == 200
    assert content == b"Compte rendu de la 1re rencontre\n"


@pytest.mark.parametrize("as_form", [False, True], ids=["json", "form"])
def test_add_link_resource(call, personas, as_form):
    fields = {"url": "https://www.les-scop.coop/", "title": "Les SCOP", "tags": "réseau"}
    sent = {"data": fields} if as_form else {"json": {**fields, "tags": ["réseau", "scop"]}}
    response = call("POST", "/spaces/cooperer/resources", "participant", **sent)
    assert response.status_code == 201, response.json
    assert (response.json["kind"], response.json["url"]) == ("link", "https://www.les-scop.coop/")
    assert response.json["title"] == "Les SCOP"
    assert response.json["download_url"] is None
    assert "réseau" in response.json["tags"]


def test_list_resources_with_filters(call, personas):
    for title, tags in (("Site A", "juridique"), ("Site B", "finances")):
        created = call(
            "POST",
            "/spaces/cooperer/resources",
            "facilitator",
            json={"url": f"https://example.org/{title[-1]}", "title": title, "tags": tags},
        )
        assert created.status_code == 201
    listing = call("GET", "/spaces/cooperer/resources", "reader")
    assert listing.status_code == 200
    assert [r["title"] for r in listing.json] == ["Site B", "Site A"]
    tagged = call("GET", "/spaces/cooperer/resources?tag=juridique", "reader")
    assert [r["title"] for r in tagged.json] == ["Site A"]
    assert call("GET", "/spaces/cooperer/resources?kind=file", "reader").json == []
    assert call("GET", "/spaces/cooperer/resources", "outsider").status_code == 404


# --- who may do what --------------------------------------------------------------------

NEWCOMER = "nouvelle@cercle.test"


def _read_space(call, who, statuts):
    return call("GET", "/spaces/cooperer", who)


def _create_page(call, who, statuts):
    return call("POST", "/spaces/cooperer/pages", who, json={"title": "Nouvelle", "markdown": "x"})


def _edit_page(call, who, statuts):
    return call("PUT", f"/pages/{statuts.id}", who, json={"markdown": "Modifié"})


def _delete_page(call, who, statuts):
    return call("DELETE", f"/pages/{statuts.id}", who)


def _add_member(call, who, statuts):
    return call(
        "POST", "/spaces/cooperer/members", who, json={"email": NEWCOMER, "role": "participant"}
    )


def _upload(call, who, statuts):
    return call(
        "POST",
        "/spaces/cooperer/resources",
        who,
        data={"file": (io.BytesIO(b"bonjour\n"), "note.txt"), "title": "Note"},
        content_type="multipart/form-data",
    )


def _effect(action: str, page_id: int):
    """A figure that changes when ``action`` succeeded."""
    return {
        "read_space": lambda: None,
        "create_page": lambda: committed(select(func.count(Page.id))),
        "edit_page": lambda: committed(select(Page.markdown).where(Page.id == page_id)),
        "delete_page": lambda: committed(select(Page.deleted_at).where(Page.id == page_id)),
        "add_member": lambda: committed(select(func.count(Membership.id))),
        "upload_resource": lambda: committed(select(func.count(Resource.id))),
    }[action]()


ACTIONS = {
    "read_space": _read_space,
    "create_page": _create_page,
    "edit_page": _edit_page,
    "delete_page": _delete_page,
    "add_member": _add_member,
    "upload_resource": _upload,
}
OK = {
    "read_space": 200,
    "create_page": 201,
    "edit_page": 200,
    "delete_page": 204,
    "add_member": 201,
    "upload_resource": 201,
}
EXPECTED = {
    "admin": OK,
    "facilitator": OK,
    "participant": {**OK, "add_member": 403},
    "reader": {action: 200 if action == "read_space" else 403 for action in OK},
    "outsider": dict.fromkeys(OK, 404),
    None: dict.fromkeys(OK, 401),
}
MATRIX = [(who, action) for who in EXPECTED for action in ACTIONS]


@pytest.mark.parametrize(("who", "action"), MATRIX, ids=[f"{w}-{a}" for w, a in MATRIX])
def test_role_action_matrix(app, call, personas, statuts, who, action):
    make_user(NEWCOMER, "Nour Nouvelle")
    before = _effect(action, statuts.id)
    response = ACTIONS[action](call, who, statuts)
    expected = EXPECTED[who][action]
    assert response.status_code == expected, response.get_data(as_text=True)
    after = _effect(action, statuts.id)
    if expected >= 400:
        assert response.json["error"]["code"]
        assert after == before
        assert stored_files(app) == []
    elif action != "read_space":
        assert after != before


def test_link_space_is_readable_not_writable_by_outsiders(call, personas, statuts):
    personas.space.visibility = "link"
    db.session.commit()
    space = call("GET", "/spaces/cooperer", "outsider")
    assert space.status_code == 200
    assert space.json["role"] is None
    assert call("GET", f"/pages/{statuts.id}", "outsider").json["markdown"] == "Version 1"
    assert _create_page(call, "outsider", statuts).status_code == 403
    assert _edit_page(call, "outsider", statuts).status_code == 403
    assert call("GET", "/spaces/cooperer", None).status_code == 401


def test_archived_space_refuses_writes(call, personas, statuts):
    personas.space.archived_at = utcnow()
    db.session.commit()
    assert call("GET", "/spaces/cooperer", "facilitator").json["archived"] is True
    response = _edit_page(call, "facilitator", statuts)
    assert response.status_code == 423
    assert response.json["error"]["code"] == "archived"
    assert _create_page(call, "facilitator", statuts).status_code == 423
    assert committed(select(Page.markdown).where(Page.id == statuts.id)) == "Version 1"


# --- the OpenAPI document ---------------------------------------------------------------


def _api_routes(app) -> set[tuple[str, str]]:
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(API + "/"):
            path = re.sub(r"<(?:[^:<>]+:)?([^:<>]+)>", r"{\1}", rule.rule)
            routes |= {(path, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    return routes


def _refs(node) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []


def test_openapi_document(app, anonymous):
    response = anonymous.get(f"{API}/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    doc = response.get_json()
    assert re.fullmatch(r"3\.\d+\.\d+", doc["openapi"])
    assert doc["info"]["title"] and doc["info"]["version"]
    documented = {
        (path, method)
        for path, item in doc["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    }
    assert documented == _api_routes(app)
    assert len(documented) >= 14
    assert doc["components"]["securitySchemes"]["bearerAuth"] == {
        **doc["components"]["securitySchemes"]["bearerAuth"],
        "type": "http",
        "scheme": "bearer",
    }
    error = doc["components"]["schemas"]["Error"]["properties"]["error"]
    assert set(error["required"]) == {"code", "message"}
    for ref in _refs(doc):
        section, name = ref.removeprefix("#/components/").split("/")
        assert name in doc["components"][section], ref
    for path, item in doc["paths"].items():
        for operation in item.values():
            params = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert params == set(re.findall(r"{(\w+)}", path)), path
            assert operation["responses"], path
