"""The "tableau comparatif": one code path for fiches statuts and fiches projet, built from
the sheets' live text, sections found by their heading; the HTML view and the API."""

from __future__ import annotations

import re

import pytest
from flask import current_app

from wiki import accounts, comparison, kinds, live, page_kinds, pages
from wiki.errors import ValidationError

SPACE = "/s/cooperer"


def sheet(personas, kind: str, title: str, notes: dict[str, str], choice: str | None = None):
    page = page_kinds.create(personas.participant, personas.space, kind, title, choice=choice)
    text = page.markdown
    for heading, note in notes.items():
        text = text.replace(f"## {heading}\n", f"## {heading}\n\n{note}\n", 1)
    pages.update_page(personas.participant, page, markdown=text)
    return page


def test_fiches_statuts_side_by_side(personas):
    scic = sheet(
        personas, "fiche_statut", "SCIC", {"Finalité et objet": "Intérêt **collectif**."}, "scic"
    )
    asso = sheet(
        personas, "fiche_statut", "Association", {"Ressources": "Le guide."}, "association"
    )
    table = comparison.table(personas.reader, personas.space, "fiche_statut")
    assert [p.title for p in table.columns] == ["Association", "SCIC"]
    assert len(table.rows) == 10 and table.rows[1].section == "Finalité et objet"
    asso_cell, scic_cell = table.rows[1].cells
    assert (asso_cell.page_id, scic_cell.page_id) == (asso.id, scic.id)
    assert asso_cell.empty and scic_cell.markdown == "Intérêt **collectif**."
    assert "<strong>collectif</strong>" in str(scic_cell.html)
    assert scic_cell.anchor == "finalite-et-objet"
    assert table.rows[-1].cells[0].markdown == "Le guide."


@pytest.mark.parametrize("kind", ["fiche_statut", "fiche_projet"])
def test_sections_are_found_by_heading_whatever_the_case_or_order(personas, kind):
    page = page_kinds.create(
        personas.participant,
        personas.space,
        kind,
        "Fiche",
        choice="scop" if kind == "fiche_statut" else None,
    )
    titles = comparison.section_titles(kinds.get(kind))
    last, first = titles[-1], titles[0]
    text = (
        f"Intro.\n\n### {last.upper()} ###\nFin.\n\n```\n## {first}\nnot a heading\n```\n"
        f"## {first}\nDébut.\n### Détail\nsous-partie\n"
    )
    pages.update_page(personas.participant, page, markdown=text)
    table = comparison.table(personas.participant, personas.space, kind)
    cells = {row.section: row.cells[0] for row in table.rows}
    assert cells[first].markdown == "Début.\n### Détail\nsous-partie"
    assert cells[last].markdown.startswith("Fin.")
    assert all(cells[t].empty and cells[t].anchor is None for t in titles[1:-1])


def test_fiches_projet_go_through_the_same_code_path(personas, monkeypatch):
    seen = []
    original = comparison._cells
    monkeypatch.setattr(comparison, "_cells", lambda *a: seen.append(a[1].kind) or original(*a))
    sheet(personas, "fiche_projet", "Cantine", {"Animation": "Une réunion par mois."})
    table = comparison.table(personas.reader, personas.space, "fiche_projet")
    assert seen == ["fiche_projet"]
    row = next(r for r in table.rows if r.section == "Animation")
    assert row.cells[0].markdown == "Une réunion par mois."
    level = next(r for r in table.rows if r.section == "Niveau de coopération")
    assert level.cells[0].html.count('type="checkbox"') == 3


def test_the_live_text_is_compared_before_it_is_stored(app, personas):
    page = sheet(personas, "fiche_statut", "GIE", {}, "gie")
    live_text = page.markdown.replace("## Ressources\n", "## Ressources\n\nEn direct.\n")
    live.register(app, lambda *_: False, reader=lambda p: live_text if p.id == page.id else None)
    try:
        table = comparison.table(personas.reader, personas.space, "fiche_statut")
    finally:
        current_app.extensions.pop(live.READER_KEY)
    assert table.rows[-1].cells[0].markdown == "En direct."


def test_only_comparable_kinds_are_compared(personas):
    for kind in ("page", "mind_map", "questionnaire", "poster"):
        with pytest.raises(ValidationError):
            comparison.table(personas.reader, personas.space, kind)


def test_comparison_view_and_its_fragment(personas, client_for):
    sheet(personas, "fiche_statut", "SCIC", {"Ressources": "Un lien."}, "scic")
    reader = client_for(personas.reader)
    html = reader.get(f"{SPACE}/comparer/fiche_statut").get_data(as_text=True)
    assert re.search(r"/static/dist/comparison\.[0-9a-f]{12}\.js", html)
    assert "data-fragment-url" in html
    assert f'href="{SPACE}/p/scic#ressources"' in html
    assert "Rien d’écrit pour l’instant" in html
    fragment = reader.get(f"{SPACE}/comparer/fiche_statut/tableau").get_data(as_text=True)
    assert fragment.lstrip().startswith("<div") and "<html" not in fragment
    assert reader.get(f"{SPACE}/comparer/page").status_code == 400
    assert client_for(personas.outsider).get(f"{SPACE}/comparer/fiche_statut").status_code == 404
    home = reader.get(f"{SPACE}/").get_data(as_text=True)
    assert f'href="{SPACE}/comparer/fiche_statut"' in home
    view = reader.get(f"{SPACE}/p/scic").get_data(as_text=True)
    assert "Tableau comparatif" in view


def test_comparison_api(app, personas):
    sheet(personas, "fiche_statut", "SCIC", {"Finalité et objet": "Utilité *sociale*."}, "scic")
    client = app.test_client()
    headers = {"Authorization": f"Bearer {accounts.create_token(personas.reader)}"}
    body = client.get(
        "/api/v1/spaces/cooperer/comparisons/fiche_statut", headers=headers
    ).get_json()
    [column] = body["columns"]
    assert column["title"] == "SCIC" and body["kind"] == "fiche_statut"
    row = body["rows"][1]
    assert row["section"] == "Finalité et objet"
    assert row["cells"] == [
        {
            "page_id": column["page_id"],
            "markdown": "Utilité *sociale*.",
            "html": "<p>Utilité <em>sociale</em>.</p>\n",
        }
    ]
    for kind in ("page", "poster"):
        response = client.get(f"/api/v1/spaces/cooperer/comparisons/{kind}", headers=headers)
        assert response.status_code == 400 and response.get_json()["error"]["message"]
    empty = client.get("/api/v1/spaces/cooperer/comparisons/fiche_projet", headers=headers)
    assert empty.get_json()["columns"] == [] and len(empty.get_json()["rows"]) == 7
