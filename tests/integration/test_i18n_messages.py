"""Refusals speak the reader's language: services raise lazy translations that the edge
(HTML views, JSON API, search) turns into text in the request's locale; French by default."""

from __future__ import annotations

import io

import pytest
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from tests.unit.test_uploads import REFUSED
from wiki import accounts, pages
from wiki.errors import Conflict, ValidationError

UNDER_ITSELF_FR = "Une page ne peut pas être rangée sous elle-même"
UNDER_ITSELF_EN = "A page cannot be placed under itself or under one of its subpages."


@pytest.fixture
def family(personas):
    parent = pages.create_page(personas.facilitator, personas.space, "Parent")
    child = pages.create_page(personas.facilitator, personas.space, "Enfant", parent_id=parent.id)
    return parent, child


def english(client):
    client.post("/langue", data={"locale": "en"})
    return client


def speaks_english(user) -> None:
    accounts.update_profile(user, name=user.name, color=user.color, locale="en")


# --- the error object ------------------------------------------------------------------


def test_message_is_translated_when_read_not_when_raised(app):
    error = Conflict(
        _l(
            "La page a été modifiée entre-temps (version %(current)s, vous partiez de "
            "la version %(base)s). Rechargez-la avant d'enregistrer.",
            current=3,
            base=2,
        )
    )
    with force_locale("en"):
        assert error.message == (
            "The page was changed in the meantime (version 3; you started from version 2). "
            "Reload it before saving."
        )
    assert error.message.startswith("La page a été modifiée entre-temps (version 3,")
    assert isinstance(error.message, str) and str(error) == error.message


def test_plain_strings_still_work(app):
    assert ValidationError("Texte libre.").message == "Texte libre."


# --- HTML views ------------------------------------------------------------------------


def test_refused_move_in_english(family, personas, client_for):
    parent, child = family
    client = english(client_for(personas.facilitator))
    response = client.post("/s/cooperer/p/parent/deplacer", data={"parent_id": str(child.id)})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert UNDER_ITSELF_EN in html and UNDER_ITSELF_FR not in html
    assert parent.parent_id is None


def test_refused_move_in_french_by_default(family, personas, client_for):
    _parent, child = family
    client = client_for(personas.facilitator)
    response = client.post("/s/cooperer/p/parent/deplacer", data={"parent_id": str(child.id)})
    html = response.get_data(as_text=True)
    assert UNDER_ITSELF_FR in html and UNDER_ITSELF_EN not in html


def test_stale_edit_in_english(personas, client_for):
    page = pages.create_page(personas.facilitator, personas.space, "Fiche", "v1")
    pages.update_page(personas.facilitator, page, markdown="v2")
    client = english(client_for(personas.participant))
    response = client.post(
        f"/s/cooperer/p/{page.slug}/modifier",
        data={"title": "Fiche", "markdown": "mine", "base_revision": "1"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "The page was changed in the meantime (version 2; you started from version 1)" in html
    assert "entre-temps" not in html


def test_profile_locale_applies_to_service_messages(personas, client_for):
    speaks_english(personas.participant)
    page = pages.create_page(personas.facilitator, personas.space, "Fiche", "v1")
    response = client_for(personas.participant).post(
        f"/s/cooperer/p/{page.slug}/modifier", data={"title": "", "markdown": "x"}
    )
    assert "The title is required." in response.get_data(as_text=True)


def test_refused_upload_in_english(app, personas, client_for):
    client = english(client_for(personas.participant))
    form = {"type": "fichier", "file": (io.BytesIO(REFUSED["page.html"]), "page.html")}
    response = client.post(
        "/s/cooperer/ressources/ajouter", data=form, content_type="multipart/form-data"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This type of file is not accepted. Accepted formats: PDF" in html
    assert "Ce type de fichier" not in html


def test_refused_upload_in_french_by_default(app, personas, client_for):
    form = {"type": "fichier", "file": (io.BytesIO(b""), "vide.txt")}
    response = client_for(personas.participant).post(
        "/s/cooperer/ressources/ajouter", data=form, content_type="multipart/form-data"
    )
    assert "Le fichier est vide." in response.get_data(as_text=True)


# --- JSON API --------------------------------------------------------------------------


@pytest.fixture
def api(app):
    client = app.test_client()

    def call(method: str, path: str, user=None, **kwargs):
        headers = {"Authorization": f"Bearer {accounts.create_token(user)}"} if user else {}
        return client.open("/api/v1" + path, method=method, headers=headers, **kwargs)

    return call


def test_api_error_in_the_token_owners_language(api, personas):
    speaks_english(personas.participant)
    page = pages.create_page(personas.facilitator, personas.space, "Fiche", "v1")
    pages.update_page(personas.facilitator, page, markdown="v2")
    response = api(
        "PUT", f"/pages/{page.id}", personas.participant, json={"markdown": "x", "base_revision": 1}
    )
    assert response.status_code == 409
    assert response.json["error"] == {
        "code": "conflict",
        "message": "The page was changed in the meantime (version 2; you started from version 1). "
        "Reload it before saving.",
    }
    missing = api("GET", "/spaces/nulle-part", personas.participant)
    assert missing.status_code == 404
    assert missing.json["error"]["message"] == (
        "This space does not exist or you do not have access to it."
    )
    field = api("POST", "/spaces", personas.participant, json={"title": 5})
    assert field.json["error"]["message"] == "The field “title” must be a string."


def test_api_error_in_french_by_default(api, personas):
    page = pages.create_page(personas.facilitator, personas.space, "Fiche", "v1")
    response = api(
        "PUT", f"/pages/{page.id}", personas.participant, json={"markdown": "x", "base_revision": 0}
    )
    assert response.json["error"]["message"].startswith("La page a été modifiée entre-temps")
    assert api("GET", "/spaces").json["error"]["message"].startswith("Authentification requise")


def test_search_api_notes_in_english(api, personas):
    speaks_english(personas.participant)
    response = api("GET", "/search?q=co*+le", personas.participant)
    assert response.status_code == 200
    assert response.json["notes"] == ["“co*”: at least 3 letters are needed before *."]
    empty = api("GET", "/search?q=-fusion", personas.participant)
    assert empty.json["message"].startswith("Enter at least one word to search for")


def test_search_suggestions_kind_label_in_english(app, personas, client_for):
    pages.create_page(personas.facilitator, personas.space, "Coopérative")
    client = english(client_for(personas.participant))
    response = client.get("/recherche/suggestions?q=coop")
    assert [s["kind_label"] for s in response.json["suggestions"]] == ["Page"]
    resource_badge = client.get("/recherche?q=coop&kind=resource").get_data(as_text=True)
    assert "Resource" in resource_badge
