"""The seam: signals, indexer, permissions and views work the same on the in-memory fake."""

from __future__ import annotations

import pytest

import search
from search.fake import MemoryBackend
from tests.search.conftest import found
from wiki import page_trash


@pytest.fixture
def app_config(app_config):
    return {**app_config, "SEARCH_BACKEND": "memory"}


def test_fake_backend_behind_the_same_service(app, personas, client_for, make_page):
    assert isinstance(search.indexer().backend, MemoryBackend)
    page = make_page("Coopération", "Les freins")
    assert found(personas.reader, "freins") == ["Coopération"]
    assert found(personas.outsider, "freins") == []
    page_trash.delete_page(personas.facilitator, page)
    assert found(personas.reader, "freins") == []
    assert (app.config["DATA_DIR"] / "index").exists() is False
    html = client_for(personas.reader).get("/recherche?q=freins").get_data(as_text=True)
    assert "Aucun résultat" in html
