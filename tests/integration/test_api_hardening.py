"""Issue 8, API part: one JSON error edge, schema and server in agreement, files served
under a name their type decides, and titles that someone can see."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from html import unescape

import pytest
from sqlalchemy import func, select

from tests.integration.test_api_bad_input import API, assert_error, committed, counts
from tests.unit.test_uploads import png_bytes
from wiki import accounts, pages, spaces
from wiki.db import db
from wiki.errors import ValidationError
from wiki.models import Page, Resource, Space

INVISIBLE_TITLES = [
    "\u202e\u200b\u200b",  # right-to-left override and zero-width spaces
    "\u200d\u200c",  # zero-width joiner and non-joiner
    "\ufeff",  # byte order mark
    "\u2066\u2069\u061c",  # bidi isolates and the Arabic letter mark
    " \u00a0\u3000\t",  # spaces, no-break and ideographic
    "\u3164\u2800",  # Hangul filler, braille blank
    "\U000e0041\U000e007f",  # tag characters
]
INVISIBLE = "au moins une lettre, un chiffre ou un signe visible"


@pytest.fixture
def statuts(personas) -> Page:
    return pages.create_page(personas.facilitator, personas.space, "Statuts", "Version 1")


@pytest.fixture
def call(app, personas) -> Callable:
    """``call(method, path, **kwargs)``: one API request as the facilitator."""
    client = app.test_client()
    token = accounts.create_token(personas.facilitator)

    def _call(method: str, path: str, **kwargs):
        headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
        return client.open(API + path, method=method, headers=headers, **kwargs)

    return _call


# --- one error edge -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("TRACE", "/spaces", {"GET", "POST"}),
        ("PATCH", "/pages/1", {"GET", "PUT", "DELETE"}),
        ("DELETE", "/spaces/cooperer/resources", {"GET", "POST"}),
        ("POST", "/pages/1/revisions", {"GET"}),
    ],
)
def test_every_405_says_what_is_allowed_in_json(call, personas, method, path, allowed):
    response = call(method, path)
    assert_error(response, 405, "http_405")
    assert allowed <= set(response.headers["Allow"].split(", "))


def test_405_of_a_web_page_carries_allow_too(anonymous, personas):
    response = anonymous.open("/connexion", method="DELETE")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    assert response.mimetype == "text/html"


@pytest.mark.parametrize("path", ["/api", "/api/", "/api/v2/spaces", "/api/v1/nulle/part"])
def test_unknown_api_paths_are_json_404(anonymous, path):
    assert_error(anonymous.get(path), 404)


def test_overlong_address_is_json_414(call, personas):
    response = call("GET", "/search?q=" + "a" * 40_000)
    assert "trop longue" in assert_error(response, 414, "http_414")


def test_oversized_headers_are_json_431(call, personas):
    response = call("GET", "/spaces", headers={"X-Remplissage": "b" * 9000})
    assert assert_error(response, 431, "http_431")
    many = {f"X-En-Tete-{n}": "c" for n in range(120)}
    assert_error(call("GET", "/spaces", headers=many), 431, "http_431")


def test_a_full_but_ordinary_set_of_headers_passes(call, personas):
    cookies = "; ".join(f"c{n}={'d' * 100}" for n in range(60))  # 6 KB of cookies
    assert call("GET", "/spaces", headers={"Cookie": cookies}).status_code == 200


def test_body_over_the_server_limit_is_json_413(app, call, personas):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = call("POST", "/spaces", data="c" * 2000, content_type="application/json")
    assert_error(response, 413)


def test_unexpected_error_is_json_500(call, personas, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("panne")

    monkeypatch.setattr(spaces, "spaces_for", broken)
    message = assert_error(call("GET", "/spaces"), 500, "server_error")
    assert "panne" not in message


# --- what the schema promises, the server does -------------------------------------


@pytest.fixture
def document(anonymous) -> dict:
    return anonymous.get(f"{API}/openapi.json").json


def _param(document: dict, path: str, name: str) -> dict:
    operation = document["paths"][API + path]["get"]
    return next(p["schema"] for p in operation["parameters"] if p["name"] == name)


def test_revision_offset_has_the_same_bound_in_schema_and_server(call, statuts, document):
    bound = _param(document, "/pages/{id}/revisions", "offset")["maximum"]
    assert call("GET", f"/pages/{statuts.id}/revisions?offset={bound}").status_code == 200
    assert_error(call("GET", f"/pages/{statuts.id}/revisions?offset={bound + 1}"), 400)


@pytest.mark.parametrize(
    "query",
    [
        "/spaces/cooperer/resources?kind=",
        "/search?kind=",
        "/search?page=",
        "/search?limit=",
        "/pages/{page}/revisions?limit=",
    ],
)
def test_present_but_empty_enum_or_number_is_400(call, statuts, query):
    message = assert_error(call("GET", query.format(page=statuts.id)), 400, "invalid")
    assert "paramètre" in message


def test_update_with_only_base_revision_is_refused_as_the_schema_says(call, statuts, document):
    schema = document["components"]["schemas"]["PageUpdate"]
    assert {"required": ["markdown"]} in schema["anyOf"]
    assert {"required": ["title"]} in schema["anyOf"]
    assert_error(call("PUT", f"/pages/{statuts.id}", json={"base_revision": 1}), 400, "invalid")


def test_upload_with_both_file_and_url_is_refused(app, call, personas, document):
    assert document["components"]["schemas"]["FileUpload"]["not"] == {"required": ["url"]}
    before = counts()
    response = call(
        "POST",
        "/spaces/cooperer/resources",
        data={"file": (io.BytesIO(png_bytes()), "image.png"), "url": "https://example.org/"},
        content_type="multipart/form-data",
    )
    assert "pas les deux" in assert_error(response, 400, "invalid")
    assert counts() == before
    assert not [p for p in app.config["UPLOAD_DIR"].rglob("*") if p.is_file()]


def test_schema_lists_the_file_types_uploads_accept(document):
    body = document["paths"][f"{API}/spaces/{{space}}/resources"]["post"]["requestBody"]
    accepted = body["content"]["multipart/form-data"]["encoding"]["file"]["contentType"]
    assert {"image/png", "application/pdf", "text/csv"} <= set(accepted.split(", "))
    assert "application/zip" not in accepted and "text/html" not in accepted


# --- a polyglot file is served under the name of what it is -----------------------


def _upload(call, data: bytes, filename: str):
    return call(
        "POST",
        "/spaces/cooperer/resources",
        data={"file": (io.BytesIO(data), filename), "title": "Polyglotte"},
        content_type="multipart/form-data",
    )


def _served(client, resource_id: int):
    response = client.get(f"/s/cooperer/ressources/{resource_id}/fichier")
    response.close()
    return response


POLYGLOT = png_bytes() + b"<html><script>alert(document.cookie)</script></html>"


@pytest.mark.parametrize(
    ("filename", "served"),
    [("x.png.html", "x.png"), ("x.html", "x.png"), ("x.svg", "x.png"), ("x", "x.png")],
)
def test_polyglot_is_served_inline_under_its_detected_type(
    call, personas, client_for, filename, served
):
    created = _upload(call, POLYGLOT, filename)
    assert created.status_code == 201, created.json
    assert (created.json["mime_type"], created.json["filename"]) == ("image/png", served)
    response = _served(client_for(personas.reader), created.json["id"])
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.headers["Content-Disposition"] == f"inline; filename={served}"


def test_file_stored_under_its_old_name_is_served_under_its_type(call, personas, client_for):
    """Rows written before names followed types keep ``x.png.html``: not when served."""
    created = _upload(call, POLYGLOT, "x.png")
    resource = db.session.get(Resource, created.json["id"])
    resource.filename = "x.png.html"
    db.session.commit()
    response = _served(client_for(personas.reader), resource.id)
    assert response.headers["Content-Disposition"] == "inline; filename=x.png"


def test_text_named_like_html_downloads_as_text(call, personas, client_for):
    created = _upload(call, b"Compte rendu sans balise\n", "compte-rendu.html")
    assert created.json["filename"] == "compte-rendu.txt"
    response = _served(client_for(personas.reader), created.json["id"])
    assert response.headers["Content-Disposition"] == "attachment; filename=compte-rendu.txt"


# --- titles someone can see ------------------------------------------------------


@pytest.mark.parametrize("title", INVISIBLE_TITLES, ids=ascii)
def test_service_refuses_titles_with_nothing_visible(personas, title):
    with pytest.raises(ValidationError) as refused:
        spaces.clean_title(title)
    assert refused.value.field == "title"
    with pytest.raises(ValidationError):
        pages.create_page(personas.facilitator, personas.space, title, "")
    with pytest.raises(ValidationError):
        spaces.create_space(personas.facilitator, title)


@pytest.mark.parametrize("title", ["\u200bStatuts", "\u202eélan", "·", "2", "🌱"], ids=ascii)
def test_a_single_visible_character_is_enough(personas, title):
    assert pages.create_page(personas.facilitator, personas.space, title, "").title == title


@pytest.mark.parametrize("title", INVISIBLE_TITLES, ids=ascii)
def test_api_refuses_invisible_titles(call, statuts, title):
    before = counts()
    # Only spaces: the title is empty once trimmed, and the older message says so.
    expected = "obligatoire" if title.isspace() else INVISIBLE
    for method, path in (("POST", "/spaces"), ("POST", "/spaces/cooperer/pages")):
        assert expected in assert_error(call(method, path, json={"title": title}), 400)
    renamed = call("PUT", f"/pages/{statuts.id}", json={"title": title})
    assert expected in assert_error(renamed, 400, "invalid")
    assert counts() == before
    assert committed(select(Page.title).where(Page.id == statuts.id)) == "Statuts"


@pytest.mark.parametrize("title", INVISIBLE_TITLES[:3], ids=ascii)
def test_forms_refuse_invisible_titles(personas, client_for, title):
    client = client_for(personas.facilitator)
    for path, data in (
        ("/espaces/nouveau", {"title": title}),
        ("/s/cooperer/nouvelle-page", {"title": title, "markdown": ""}),
    ):
        response = client.post(path, data=data)
        assert response.status_code == 400
        assert INVISIBLE in unescape(response.get_data(as_text=True))
    assert db.session.scalar(select(func.count(Space.id))) == 1
    assert db.session.scalar(select(func.count(Page.id))) == 0


def test_openapi_title_pattern_is_the_servers_rule(document):
    """The document's ``pattern`` is the very set the service uses."""
    pattern = document["components"]["schemas"]["PageInput"]["properties"]["title"]["pattern"]
    for title in INVISIBLE_TITLES:
        assert re.search(pattern, title) is None
    assert re.search(pattern, "\u200bStatuts")


@pytest.mark.parametrize(
    "tags",
    [["statuts"] * 11, ",".join(["a"] * 11), "  " + "x" * 39, [" " * 41]],
    ids=["11-items", "11-parts", "41-raw", "41-spaces"],
)
def test_tag_limits_count_what_was_sent(call, personas, document, tags):
    """As the document states them (``maxItems``, ``maxLength``, ``pattern``)."""
    schema = document["components"]["schemas"]["LinkInput"]["properties"]["tags"]
    assert schema["oneOf"][1]["maxItems"] == 10
    before = counts()
    body = {"url": "https://example.org/", "tags": tags}
    assert_error(call("POST", "/spaces/cooperer/resources", json=body), 400, "invalid")
    assert counts() == before


@pytest.mark.parametrize(
    "body",
    [
        {"title": "A", "starts_on": "2025-W01-1"},  # fromisoformat reads it; format: date does not
        {"title": "A" + " " * 200},  # over 200 as sent, even if shorter once trimmed
        {"title": "A", "description": "d" + " " * 5000},
    ],
    ids=["week-date", "padded-title", "padded-description"],
)
def test_limits_are_those_of_the_document(call, personas, body):
    before = counts()
    assert_error(call("POST", "/spaces", json=body), 400, "invalid")
    assert counts() == before


def test_an_empty_date_is_no_date_as_documented(call, personas, document):
    schema = document["components"]["schemas"]["SpaceInput"]["properties"]["starts_on"]
    assert {"enum": ["", None]} in schema["anyOf"]
    created = call("POST", "/spaces", json={"title": "Sans dates", "starts_on": "", "ends_on": ""})
    assert created.status_code == 201, created.json
    assert (created.json["starts_on"], created.json["ends_on"]) == (None, None)


def test_a_repeated_form_field_counts_as_a_list_of_tags(call, personas):
    before = counts()
    form = {"url": "https://example.org/", "tags": [f"t{n}" for n in range(11)]}
    assert_error(call("POST", "/spaces/cooperer/resources", data=form), 400, "invalid")
    assert counts() == before
    form["tags"] = ["statuts", "scop"]
    created = call("POST", "/spaces/cooperer/resources", data=form)
    assert sorted(created.json["tags"]) == ["scop", "statuts"]


@pytest.mark.parametrize("url", ["HTTP://", "http://:80", "http://a b", "ftp://x.org"])
def test_addresses_the_document_refuses_are_refused(call, personas, document, url):
    pattern = document["components"]["schemas"]["LinkInput"]["properties"]["url"]["pattern"]
    assert re.search(pattern, url) is None
    body = {"url": url}
    assert_error(call("POST", "/spaces/cooperer/resources", json=body), 400, "invalid")
