"""The results page, the suggestions JSON, the top-bar box and GET /api/v1/search."""

from __future__ import annotations

from flask import g

import search
from tests.search.conftest import pdf_bytes
from wiki import accounts
from wiki.db import db
from wiki.models import Space, utcnow


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_results_page_highlights_and_labels(personas, client_for, make_page, add_file):
    make_page("Freins à la coopération", "## Constats\n\nLes <b>coopératives</b> hésitent.")
    add_file("etude.pdf", pdf_bytes("cooperation et territoire"), title="Étude")
    assert search.flush()
    html = _html(client_for(personas.reader).get("/recherche?q=cooperation"))
    assert "2 résultats" in html
    assert "<mark>coopératives</mark>" in html and "&lt;b&gt;" in html and "<b>" not in html
    assert 'class="badge badge-kind badge-page">Page<' in html
    assert 'badge-resource">Ressource<' in html
    assert "/s/cooperer/p/freins-a-la-cooperation" in html
    assert "Coopérer sur le territoire" in html  # the space of each hit


def test_archived_badge_filters_and_pagination(personas, client_for, make_page):
    for n in range(12):
        make_page(f"Coopération {n:02d}", "texte")
    personas.space.archived_at = utcnow()
    db.session.commit()
    assert search.flush()
    client = client_for(personas.reader)
    first = _html(client.get("/recherche?q=cooperation"))
    assert "12 résultats" in first and "page 1 sur 2" in first and "archivé" in first
    assert "Suivants" in first
    second = _html(client.get("/recherche?q=cooperation&page=2"))
    assert second.count('class="search-hit"') == 2
    assert "Aucun résultat" in _html(client.get("/recherche?q=cooperation&kind=resource"))
    author = personas.facilitator.id
    assert "12 résultats" in _html(client.get(f"/recherche?q=cooperation&author={author}"))


def test_search_in_a_space_is_the_default_there(personas, client_for, make_page):
    other = Space(slug="autre", title="Autre espace", visibility="link")
    db.session.add(other)
    db.session.commit()
    make_page("Coopération", "ici")
    assert search.flush()
    client = client_for(personas.reader)
    home = _html(client.get("/s/cooperer/"))
    assert "data-search-box" in home and 'name="space" value="cooperer"' in home
    assert "Rechercher dans l’espace" in home
    scoped = _html(client.get("/recherche?q=cooperation&space=autre"))
    assert "Aucun résultat" in scoped and "chercher dans tous mes espaces" in scoped
    assert "1 résultat" in _html(client.get("/recherche?q=cooperation&space=cooperer"))
    g.pop("_login_user", None)  # requests share the fixture's app context, hence its g
    refused = _html(client_for(personas.outsider).get("/recherche?q=x&space=cooperer"))
    assert "recherche partout" in refused


def test_messages_for_empty_and_stop_word_queries(personas, client_for):
    client = client_for(personas.reader)
    assert "Tapez un ou plusieurs mots" in _html(client.get("/recherche"))
    assert "mots trop courants" in _html(client.get("/recherche?q=les+de"))
    assert "au moins un mot" in _html(client.get("/recherche?q=-fusion"))


def test_suggestions_json(personas, client_for, anonymous, make_page):
    make_page("Assemblée générale 2026", "texte")
    assert search.flush()
    data = client_for(personas.reader).get("/recherche/suggestions?q=assemblée+gé").json
    [suggestion] = data["suggestions"]
    assert suggestion["title"] == "Assemblée générale 2026"
    assert suggestion["url"] == "/s/cooperer/p/assemblee-generale-2026"
    g.pop("_login_user", None)
    assert anonymous.get("/recherche/suggestions?q=assemb").json == {"suggestions": []}


def test_api_search(app, personas, client_for, make_page):
    make_page("Coopération", "Les freins à la coopération.")
    assert search.flush()
    token = accounts.create_token(personas.reader)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    body = client.get("/api/v1/search?q=freins&space=cooperer&kind=page", headers=headers).json
    [hit] = body["hits"]
    assert body["total"] == 1
    assert {"kind", "id", "title", "space", "url", "excerpt"} <= hit.keys()
    assert hit["kind"] == "page" and hit["space"]["slug"] == "cooperer"
    assert hit["url"].endswith("/s/cooperer/p/cooperation")
    assert "<mark>freins</mark>" in hit["excerpt"]
    assert client.get("/api/v1/search?q=freins").status_code == 401
    assert client.get("/api/v1/search?q=x&kind=zz", headers=headers).status_code == 400
    outsider = {"Authorization": f"Bearer {accounts.create_token(personas.outsider)}"}
    assert client.get("/api/v1/search?q=x&space=cooperer", headers=outsider).status_code == 404
    assert client.get("/api/v1/search?q=freins", headers=outsider).json["hits"] == []
    doc = client.get("/api/v1/openapi.json").json
    assert "/api/v1/search" in doc["paths"] and "SearchHit" in doc["components"]["schemas"]


def test_importing_search_emits_no_warning(tmp_path):
    """Whoosh-Reloaded compiled afresh (no .pyc) under -W error: no warning on import."""
    import subprocess
    import sys

    env = {"PYTHONPYCACHEPREFIX": str(tmp_path), "PATH": "/usr/bin:/bin"}
    code = "import search, search.whoosh_backend, search.extract, pypdf"
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", code],
        env=env,
        cwd=".",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
