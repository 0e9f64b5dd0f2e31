"""Curation (issue 11): the page tree reorganised, pages kept out of the mémoire, the
builder's selection and cover — services, HTML routes and API, on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from wiki import accounts, memoire, memoire_curation, pages
from wiki.db import db
from wiki.errors import ArchivedSpace, NotFound, PermissionDenied, ValidationError
from wiki.memoire import ItemRef
from wiki.models import Page, utcnow
from wiki.models_memoire import MemoireItem

API = "/api/v1"


@pytest.fixture
def app_config(app_config: dict) -> dict:
    return {**app_config, "SEARCH_BACKEND": "memory"}


@pytest.fixture
def tree(personas) -> dict[str, Page]:
    f, s = personas.facilitator, personas.space
    made = {title: pages.create_page(f, s, title, f"# {title}") for title in ("A", "B", "C")}
    made["A1"] = pages.create_page(f, s, "A1", "x", parent_id=made["A"].id)
    return made


def _order(space) -> list[tuple[str, str | None]]:
    rows = db.session.scalars(
        select(Page)
        .where(Page.space_id == space.id, Page.parent_id.is_(None))
        .order_by(Page.position, Page.title)
    )
    return [(p.title, p.parent.title if p.parent else None) for p in rows]


def archive(space) -> None:
    space.archived_at = utcnow()
    db.session.commit()


# --- the tree ----------------------------------------------------------------------------


def test_move_nests_and_reorders_and_old_links_still_work(personas, tree, client_for):
    space = personas.space
    old_url = f"/s/{space.slug}/p/{tree['C'].slug}"
    memoire_curation.move(personas.participant, space, tree["C"].id, tree["A"].id, 0)
    db.session.refresh(tree["C"])
    assert tree["C"].parent_id == tree["A"].id
    children = db.session.scalars(
        select(Page.title).where(Page.parent_id == tree["A"].id).order_by(Page.position)
    ).all()
    assert children == ["C", "A1"]
    assert client_for(personas.reader).get(old_url).status_code == 200


def test_move_refusals_in_words(personas, tree):
    space = personas.space
    with pytest.raises(ValidationError, match="sous elle-même"):
        memoire_curation.move(personas.facilitator, space, tree["A"].id, tree["A1"].id, 0)
    with pytest.raises(NotFound):
        memoire_curation.move(personas.facilitator, space, 999_999, None, 0)
    with pytest.raises(ValidationError):
        memoire_curation.move(personas.facilitator, space, tree["A"].id, None, -1)
    with pytest.raises(PermissionDenied):
        memoire_curation.move(personas.reader, space, tree["A"].id, None, 1)
    archive(space)
    with pytest.raises(ArchivedSpace):
        memoire_curation.move(personas.facilitator, space, tree["A"].id, None, 1)


def test_move_endpoint_answers_json(personas, tree, client_for):
    client = client_for(personas.participant)
    url = f"/s/{personas.space.slug}/reorganiser/deplacer"
    answer = client.post(url, json={"page_id": tree["B"].id, "parent_id": None, "position": 0})
    assert answer.status_code == 200 and answer.json["ok"]
    assert _order(personas.space)[0] == ("B", None)
    bad = client.post(
        url, json={"page_id": tree["A"].id, "parent_id": tree["A1"].id, "position": 0}
    )
    assert bad.status_code == 400
    assert "sous elle-même" in bad.json["error"]["message"]
    assert client.post(url, data="x").status_code == 400
    refused = client_for(personas.reader).post(
        url, json={"page_id": tree["B"].id, "parent_id": None, "position": 1}
    )
    assert refused.status_code == 403 and refused.json["error"]["message"]


def test_tree_page_for_writers_only(personas, tree, client_for):
    url = f"/s/{personas.space.slug}/reorganiser"
    page = client_for(personas.facilitator).get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Réorganiser les pages" in html and "Garder hors du mémoire" in html
    assert re.search(r"/static/dist/tree\.[0-9a-f]{12}\.js", html)
    participant = client_for(personas.participant).get(url).get_data(as_text=True)
    assert "Garder hors du mémoire" not in participant  # facilitators' choice
    assert client_for(personas.reader).get(url).status_code == 403
    home = client_for(personas.participant).get(f"/s/{personas.space.slug}/")
    assert url in home.get_data(as_text=True)


def test_hidden_page_stays_in_space_out_of_memoire(personas, tree, client_for):
    space = personas.space
    memoire_curation.set_hidden(personas.facilitator, space, tree["B"].id, True)
    assert ItemRef("page", tree["B"].id) not in memoire.whole_space(space)
    assert client_for(personas.reader).get(f"/s/{space.slug}/p/{tree['B'].slug}").status_code == 200
    view = client_for(personas.facilitator).get(f"/s/{space.slug}/p/{tree['B'].slug}")
    assert "hors mémoire" in view.get_data(as_text=True)
    home = client_for(personas.reader).get(f"/s/{space.slug}/").get_data(as_text=True)
    assert home.count("hors mémoire") == 1  # the tree marks that page only
    with pytest.raises(PermissionDenied):
        memoire_curation.set_hidden(personas.participant, space, tree["B"].id, False)
    answer = client_for(personas.facilitator).post(
        f"/s/{space.slug}/reorganiser/hors-memoire",
        data={"page_id": tree["B"].id, "hidden": "0", "next": "page"},
    )
    assert answer.status_code == 302
    db.session.refresh(tree["B"])
    assert not tree["B"].hidden_from_memoire
    archive(space)
    with pytest.raises(ArchivedSpace):
        memoire_curation.set_hidden(personas.facilitator, space, tree["B"].id, True)


def test_hide_json_endpoint(personas, tree, client_for):
    url = f"/s/{personas.space.slug}/reorganiser/hors-memoire.json"
    answer = client_for(personas.facilitator).post(
        url, json={"page_id": tree["C"].id, "hidden": True}
    )
    assert answer.status_code == 200 and answer.json["hidden"] is True
    refused = client_for(personas.participant).post(
        url, json={"page_id": tree["C"].id, "hidden": False}
    )
    assert refused.status_code == 403


# --- the builder -------------------------------------------------------------------------


def test_save_reset_selection(personas, tree):
    space, f = personas.space, personas.facilitator
    items = memoire.save_selection(
        f, space, [{"item_kind": "resources"}, {"item_kind": "page", "ref_id": tree["C"].id}]
    )
    assert memoire.effective_selection(space) == items
    chosen, available = memoire_curation.builder_lists(space)
    assert [e.label for e in chosen] == ["Liste des ressources", "C"]
    assert {"A", "A1", "B"} <= {e.label for e in available}
    memoire.reset_selection(f, space)
    assert memoire.saved_selection(space) is None
    assert db.session.scalars(select(MemoireItem)).all() == []


def test_selection_permissions_and_archive(personas, tree):
    space = personas.space
    with pytest.raises(PermissionDenied):
        memoire.save_selection(personas.participant, space, [{"item_kind": "resources"}])
    with pytest.raises(ValidationError):
        memoire.save_selection(personas.facilitator, space, [])
    archive(space)
    with pytest.raises(ArchivedSpace):
        memoire.save_selection(personas.facilitator, space, [{"item_kind": "resources"}])
    with pytest.raises(ArchivedSpace):
        memoire.save_cover(personas.facilitator, space, {"title": "x"})


def test_cover_defaults_and_limits(personas, tree):
    space, f = personas.space, personas.facilitator
    cover = memoire.cover(space)
    assert cover.title == space.title and cover.licence == "CC BY-SA 4.0"
    assert cover.facilitators == "Camille Animatrice"
    assert ("Sami Participant", "") in cover.participants
    memoire.save_cover(f, space, {"title": "  Mémoire\x00 de l'atelier ", "funder": "Région"})
    cover = memoire.cover(space)
    assert cover.title == "Mémoire de l'atelier" and cover.funder == "Région"
    with pytest.raises(ValidationError, match="200"):
        memoire.save_cover(f, space, {"title": "x" * 201})
    with pytest.raises(PermissionDenied):
        memoire.save_cover(personas.participant, space, {"title": "x"})


def test_builder_page(personas, tree, client_for):
    url = f"/s/{personas.space.slug}/memoire"
    html = client_for(personas.facilitator).get(url).get_data(as_text=True)
    for words in (
        "Contenu du mémoire",
        "Enregistrer la sélection",
        "Aperçu avant impression",
        "Couverture et introduction",
        "Comment chacun·e est cité·e",
        "CC BY-SA 4.0",
    ):
        assert words in html
    read_only = client_for(personas.participant).get(url).get_data(as_text=True)
    assert "Enregistrer la sélection" not in read_only and "Contenu du mémoire" in read_only
    assert "Comment chacun·e est cité·e" not in read_only


def test_builder_forms(personas, tree, client_for):
    space = personas.space
    client = client_for(personas.facilitator)
    base = f"/s/{space.slug}/memoire"
    selection = f'[{{"item_kind": "page", "ref_id": {tree["B"].id}}}, {{"item_kind": "resources"}}]'
    assert client.post(base + "/selection", data={"selection": selection}).status_code == 302
    assert memoire.saved_selection(space) == [ItemRef("page", tree["B"].id), ItemRef("resources")]
    bad = client.post(base + "/selection", data={"selection": "[]"})
    assert bad.status_code == 400 and "au moins un élément" in bad.get_data(as_text=True)
    assert client.post(base + "/selection", data={"selection": "{"}).status_code == 400
    saved = client.post(base + "/couverture", data={"title": "Notre mémoire", "licence": ""})
    assert saved.status_code == 302 and memoire.cover(space).title == "Notre mémoire"
    too_long = client.post(base + "/couverture", data={"funder": "x" * 301})
    assert too_long.status_code == 400 and "300" in too_long.get_data(as_text=True)
    assert client.post(base + "/selection/tout").status_code == 302
    assert memoire.saved_selection(space) is None
    refused = client_for(personas.participant).post(
        base + "/selection", data={"selection": selection}
    )
    assert refused.status_code == 403


# --- the API -----------------------------------------------------------------------------


@pytest.fixture
def call(app, personas):
    client = app.test_client()
    tokens = {
        name: accounts.create_token(getattr(personas, name))
        for name in ("facilitator", "participant", "reader", "outsider")
    }

    def _call(method: str, path: str, who: str, **kwargs):
        headers = {"Authorization": f"Bearer {tokens[who]}"}
        return client.open(API + path, method=method, headers=headers, **kwargs)

    return _call


def test_api_get_put_memoire(personas, tree, call):
    path = f"/spaces/{personas.space.slug}/memoire"
    got = call("GET", path, "reader")
    assert got.status_code == 200 and got.json["saved"] is False
    assert got.json["cover"]["licence"] == "CC BY-SA 4.0"
    body = {
        "cover": {"funder": "Fondation"},
        "selection": [{"item_kind": "page", "ref_id": tree["A"].id}],
    }
    put = call("PUT", path, "facilitator", json=body)
    assert put.status_code == 200, put.json
    assert put.json["saved"] is True and put.json["cover"]["funder"] == "Fondation"
    assert [item["label"] for item in put.json["selection"]] == ["A"]
    assert call("PUT", path, "participant", json=body).status_code == 403
    assert call("PUT", path, "facilitator", json={}).status_code == 400
    unknown = call(
        "PUT", path, "facilitator", json={"selection": [{"item_kind": "page", "ref_id": 99999}]}
    )
    assert unknown.status_code == 404
    assert (
        call(
            "PUT", path, "facilitator", json={"cover": None, "selection": body["selection"]}
        ).status_code
        == 400
    )
    assert call("GET", path, "outsider").status_code == 404
    archive(personas.space)
    assert call("PUT", path, "facilitator", json=body).status_code in (409, 423)


def test_openapi_documents_memoire(app, call):
    doc = call("GET", "/openapi.json", "reader").json
    assert {"get", "put"} <= set(doc["paths"][API + "/spaces/{space}/memoire"])
    assert "put" in doc["paths"][API + "/spaces/{space}/memoire/credit"]
