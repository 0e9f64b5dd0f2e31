"""Page kinds over HTTP: the picker lands in the live editor, who may create, copy and mark
a model, the admin's templates, and the API (``kind``, ``legal_form``, bad input)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from wiki import accounts, kind_templates, kinds, page_kinds, pages
from wiki.db import db
from wiki.models import Page

SPACE = "/s/cooperer"


def count_pages() -> int:
    return db.session.scalar(select(func.count(Page.id)))


def bearer(app, user) -> dict[str, str]:
    return {"Authorization": f"Bearer {accounts.create_token(user)}"}


@pytest.fixture
def client(app):
    return app.test_client()


# --- the picker ----------------------------------------------------------------------------


def test_picker_offers_every_kind_and_the_spaces_models(personas, client_for):
    model = pages.create_page(personas.facilitator, personas.space, "Compte rendu type")
    page_kinds.set_model(personas.facilitator, model, True)
    html = client_for(personas.facilitator).get(f"{SPACE}/nouvelle-page").get_data(as_text=True)
    for label in ("Page libre", "Fiche statut", "Fiche projet", "Carte mentale"):
        assert label in html
    assert "Tableau Métaplan" in html and "Retour d'expérience" in html.replace("&#39;", "'")
    assert f'href="{SPACE}/nouveau-questionnaire"' in html  # its own builder
    assert f'value="model:{model.id}"' in html and "Compte rendu type" in html
    assert 'name="choice_fiche_statut"' in html and 'value="scic"' in html
    participant = client_for(personas.participant).get(f"{SPACE}/nouvelle-page")
    assert "nouveau-questionnaire" not in participant.get_data(as_text=True)


@pytest.mark.parametrize(
    ("form", "title", "kind"),
    [
        ({"kind": "page", "title": "Notes"}, "Notes", "page"),
        ({"kind": "fiche_statut", "choice_fiche_statut": "scic"}, "Fiche statut – SCIC", None),
        ({"kind": "fiche_projet", "title": "Fiche projet – Cantine"}, None, None),
        ({"kind": "mind_map", "title": "Nos idées"}, None, None),
        ({"kind": "metaplan", "title": "Nos freins"}, None, None),
        ({"kind": "experience", "title": "Un local partagé"}, None, None),
    ],
)
def test_creating_lands_in_the_live_editor(personas, client_for, form, title, kind):
    response = client_for(personas.participant).post(f"{SPACE}/nouvelle-page", data=form)
    assert response.status_code == 302
    page = db.session.scalar(select(Page).order_by(Page.id.desc()).limit(1))
    assert page.kind == (kind or form["kind"])
    assert page.title == (title or form["title"])
    # a kind with a view of its own (mind map, board) is written in it; others in the editor
    own_view = page.kind in ("mind_map", "metaplan")
    landing = f"{SPACE}/p/{page.slug}" + ("" if own_view else "/modifier")
    assert response.headers["Location"] == landing
    assert page.markdown == kind_templates.for_kind(kinds.get(page.kind)).markdown


def test_the_experience_button_opens_a_short_form(personas, client_for):
    home = client_for(personas.participant).get(f"{SPACE}/").get_data(as_text=True)
    assert f'href="{SPACE}/nouvelle-page?type=experience">Partager une expérience' in home
    html = client_for(personas.participant).get(f"{SPACE}/nouvelle-page?type=experience")
    text = html.get_data(as_text=True)
    assert 'type="hidden" name="kind" value="experience"' in text and "Ranger sous" not in text


def test_bad_picker_input_is_refused_in_words_and_nothing_is_created(personas, client_for):
    client = client_for(personas.participant)
    before = count_pages()
    for form in (
        {"kind": "fiche_statut"},
        {"kind": "fiche_statut", "choice_fiche_statut": "sarl"},
        {"kind": "poster", "title": "X"},
        {"kind": "page", "title": "   "},
    ):
        response = client.post(f"{SPACE}/nouvelle-page", data=form)
        assert response.status_code == 400, form
        assert 'class="flash flash-error"' in response.get_data(as_text=True)
    assert count_pages() == before


def test_who_may_create_copy_and_mark_a_model(personas, client_for):
    page = pages.create_page(personas.facilitator, personas.space, "Programme")
    reader, participant = client_for(personas.reader), client_for(personas.participant)
    facilitator = client_for(personas.facilitator)
    before = count_pages()
    assert reader.get(f"{SPACE}/nouvelle-page").status_code == 403
    assert reader.post(f"{SPACE}/nouvelle-page", data={"title": "X"}).status_code == 403
    assert reader.post(f"{SPACE}/p/programme/dupliquer").status_code == 403
    assert reader.post(f"{SPACE}/p/programme/modele", data={"is_model": "1"}).status_code == 403
    assert (
        participant.post(f"{SPACE}/p/programme/modele", data={"is_model": "1"}).status_code == 403
    )
    assert count_pages() == before and not page.is_model
    view = reader.get(f"{SPACE}/p/programme").get_data(as_text=True)
    assert "Dupliquer" not in view and "Modèle" not in view
    copy = participant.post(f"{SPACE}/p/programme/dupliquer")
    assert copy.headers["Location"] == f"{SPACE}/p/programme-copie/modifier"
    assert (
        facilitator.post(f"{SPACE}/p/programme/modele", data={"is_model": "1"}).status_code == 302
    )
    db.session.refresh(page)
    assert page.is_model
    assert 'aria-pressed="true"' in facilitator.get(f"{SPACE}/p/programme").get_data(as_text=True)


# --- the admin's templates -----------------------------------------------------------------


def test_admin_overrides_a_template_and_resets_it(personas, client_for):
    admin, facilitator = client_for(personas.admin), client_for(personas.facilitator)
    assert facilitator.get("/admin/modeles").status_code == 403
    assert facilitator.post("/admin/modeles/fiche_statut", data={"text": "x"}).status_code == 403
    listing = admin.get("/admin/modeles").get_data(as_text=True)
    assert "Fiche statut" in listing and "texte d’origine" in listing
    edit = admin.get("/admin/modeles/fiche_statut").get_data(as_text=True)
    assert "? De quelle forme juridique" in edit
    text = "## Notre histoire\n? Comment est née cette structure ?\n\n## Ressources\n"
    assert admin.post("/admin/modeles/fiche_statut", data={"text": text}).status_code == 302
    sheet = page_kinds.create(
        personas.participant, personas.space, "fiche_statut", "", choice="cae"
    )
    assert sheet.markdown == "## Notre histoire\n\n## Ressources\n"
    assert (
        kind_templates.hints("fiche_statut")[0]["question"] == "Comment est née cette structure ?"
    )
    assert admin.post("/admin/modeles/fiche_statut/retablir").status_code == 302
    assert kind_templates.hints("fiche_statut")[0]["heading"].startswith("Forme juridique")
    assert admin.get("/admin/modeles/page").status_code == 404  # no template to edit


# --- API ---------------------------------------------------------------------------------


def test_api_creates_each_kind_and_returns_it(app, personas, client):
    headers = bearer(app, personas.participant)
    url = "/api/v1/spaces/cooperer/pages"
    made = client.post(
        url, json={"title": "Fiche", "kind": "fiche_statut", "legal_form": "scop"}, headers=headers
    )
    assert made.status_code == 201
    body = made.get_json()
    assert body["kind"] == "fiche_statut" and "## Finalité et objet" in body["markdown"]
    assert "<h2" in body["html"]
    plain = client.post(url, json={"title": "Libre", "markdown": "Bonjour"}, headers=headers)
    assert plain.get_json()["kind"] == "page" and plain.get_json()["markdown"] == "Bonjour"
    for kind in ("fiche_projet", "mind_map", "metaplan", "experience"):
        response = client.post(url, json={"title": kind, "kind": kind}, headers=headers)
        assert response.status_code == 201 and response.get_json()["kind"] == kind
    got = client.get(f"/api/v1/pages/{body['id']}", headers=headers).get_json()
    assert got["kind"] == "fiche_statut"


@pytest.mark.parametrize(
    "payload",
    [
        {"title": "X", "kind": "poster"},
        {"title": "X", "kind": "questionnaire"},
        {"title": "X", "kind": "fiche_statut"},
        {"title": "X", "kind": "fiche_statut", "legal_form": "sarl"},
        {"title": "X", "kind": "page", "legal_form": "scop"},
        {"title": "X", "legal_form": "scop"},
        {"title": "X", "kind": 3},
        {"title": "X", "kind": "fiche_statut", "legal_form": None},
    ],
)
def test_api_bad_kinds_are_400_and_create_nothing(app, personas, client, payload):
    headers = bearer(app, personas.participant)
    before = count_pages()
    response = client.post("/api/v1/spaces/cooperer/pages", json=payload, headers=headers)
    assert response.status_code == 400
    assert response.get_json()["error"]["message"]
    assert count_pages() == before


def test_a_reader_cannot_create_through_the_api(app, personas, client):
    headers = bearer(app, personas.reader)
    response = client.post(
        "/api/v1/spaces/cooperer/pages",
        json={"title": "X", "kind": "fiche_projet"},
        headers=headers,
    )
    assert response.status_code == 403 and count_pages() == 0


def test_openapi_states_the_kinds_and_the_comparison(client):
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    assert schemas["PageInput"]["properties"]["kind"]["enum"] == [
        "page",
        "fiche_statut",
        "fiche_projet",
        "mind_map",
        "metaplan",
        "experience",
    ]
    assert "scic" in schemas["PageInput"]["properties"]["legal_form"]["enum"]
    comparison = document["paths"]["/api/v1/spaces/{space}/comparisons/{kind}"]["get"]
    kind = next(p for p in comparison["parameters"] if p["name"] == "kind")
    assert kind["schema"]["enum"] == ["fiche_statut", "fiche_projet"]


def test_an_archived_space_takes_no_new_page_copy_or_model(personas, client_for):
    from wiki.models import utcnow

    pages.create_page(personas.facilitator, personas.space, "Programme")
    personas.space.archived_at = utcnow()
    db.session.commit()
    facilitator = client_for(personas.facilitator)
    before = count_pages()
    for path, data in (
        ("/nouvelle-page", {"kind": "fiche_projet", "title": "X"}),
        ("/p/programme/dupliquer", {}),
        ("/p/programme/modele", {"is_model": "1"}),
    ):
        assert facilitator.post(SPACE + path, data=data).status_code == 423, path
    assert count_pages() == before
    html = facilitator.get(f"{SPACE}/p/programme").get_data(as_text=True)
    assert "Dupliquer" not in html
