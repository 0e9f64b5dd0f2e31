"""French analysis, query syntax and ranking, on a bare Whoosh index (no database)."""

from __future__ import annotations

from pathlib import Path

import pytest

from search.backend import Filters
from search.query import parse
from search.schema import SearchDoc
from search.whoosh_backend import WhooshBackend

DOCS = [
    ("La coopération sur le territoire", "Les freins à la coopération sont nombreux.", ""),
    ("Coopératives d'activité", "Une COOPÉRATIVE partage le pouvoir.", "Statuts"),
    ("Un été à la ferme", "L'économie sociale et solidaire, les économies d'énergie.", ""),
    ("Assemblée générale", "Compte rendu de l'assemblée générale annuelle.", "Décisions"),
    ("Réunions d'équipe", "Nous avons fait des réunions. Aujourd'hui : bilan.", ""),
    ("Égalité", "Egalite femmes hommes dans les élections des élus.", ""),
    ("Fiche outil", "Texte sans rapport, mutualisation des moyens.", "Coopération"),
]


@pytest.fixture(scope="module")
def backend(tmp_path_factory) -> WhooshBackend:
    backend = WhooshBackend(Path(tmp_path_factory.mktemp("ix")) / "index")
    docs = [SearchDoc("page", i, 1, t, body, headings=h) for i, (t, body, h) in enumerate(DOCS, 1)]
    docs.append(SearchDoc("page", 99, 2, "Coopération secrète", "coopération"))
    backend.apply(docs, [])
    return backend


def titles(backend: WhooshBackend, text: str) -> list[str]:
    result = backend.search(parse(text), Filters(space_ids=frozenset({1})), 1, 50)
    return [hit.title for hit in result.hits]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "cooperation",
            {"La coopération sur le territoire", "Coopératives d'activité", "Fiche outil"},
        ),
        (
            "COOPÉRATIVE",
            {"La coopération sur le territoire", "Coopératives d'activité", "Fiche outil"},
        ),
        (
            "coopérat*",
            {"La coopération sur le territoire", "Coopératives d'activité", "Fiche outil"},
        ),
        (
            "Coopérat*",
            {"La coopération sur le territoire", "Coopératives d'activité", "Fiche outil"},
        ),
        ("été", {"Un été à la ferme"}),
        ("ete", {"Un été à la ferme"}),
        ("l'économie", {"Un été à la ferme"}),
        ("économies", {"Un été à la ferme"}),
        ("economie", {"Un été à la ferme"}),
        ("réunion", {"Réunions d'équipe"}),
        ("aujourd'hui", {"Réunions d'équipe"}),
        ("assemblee", {"Assemblée générale"}),
        ("assemblées générales", {"Assemblée générale"}),
        ('"assemblée générale"', {"Assemblée générale"}),
        ("egalite", {"Égalité"}),
        ("élus", {"Égalité"}),
        ("mutualisées", {"Fiche outil"}),
        ("décision", {"Assemblée générale"}),
        ('"freins à la coopération"', {"La coopération sur le territoire"}),
        ("«\u00a0freins coopération\u00a0»", {"La coopération sur le territoire"}),
        ("cooperation -pouvoir -mutualisation", {"La coopération sur le territoire"}),
        ('cooperation -"partage le pouvoir"', {"La coopération sur le territoire", "Fiche outil"}),
        ("cooperation NOT territoire SAUF outil", {"Coopératives d'activité"}),
        ("cooperation AND pouvoir", {"Coopératives d'activité"}),
        ('"pouvoir partage"', set()),
    ],
)
def test_french_analysis(backend, query, expected):
    assert set(titles(backend, query)) == expected


def test_ranking_favours_titles_then_headings_then_body(backend):
    ranked = titles(backend, "cooperation")
    assert ranked[0] == "La coopération sur le territoire"  # title and body
    assert ranked.index("Fiche outil") == 2  # heading only, still before body-only hits
    assert titles(backend, "décisions") == ["Assemblée générale"]


def test_stop_words_alone_find_nothing_and_say_why(backend):
    result = backend.search(parse("les de la"), Filters(space_ids=None), 1, 10)
    assert result.hits == [] and result.ignored == ["les", "de", "la"]


def test_space_filter_is_inside_the_engine(backend):
    assert "Coopération secrète" not in titles(backend, "cooperation")
    everywhere = backend.search(parse("cooperation"), Filters(space_ids=None), 1, 50)
    assert "Coopération secrète" in [h.title for h in everywhere.hits]
    nothing = backend.search(parse("cooperation"), Filters(space_ids=frozenset()), 1, 50)
    assert nothing.total == 0


def test_pagination_counts_only_allowed_hits(backend):
    first = backend.search(parse("cooperation"), Filters(space_ids=frozenset({1})), 1, 2)
    second = backend.search(parse("cooperation"), Filters(space_ids=frozenset({1})), 2, 2)
    assert first.total == second.total == 3
    assert len(first.hits) == 2 and len(second.hits) == 1
    assert {h.key for h in first.hits}.isdisjoint(h.key for h in second.hits)


def test_excerpt_marks_matches_and_escapes_text(tmp_path):
    backend = WhooshBackend(tmp_path / "index")
    body = "Avant <script>alert('x')</script> & la coopération <b>fin</b>"
    backend.apply([SearchDoc("page", 1, 1, "<i>Titre</i> coopératif", body)], [])
    hit = backend.search(parse("cooperation"), Filters(space_ids=None), 1, 5).hits[0]
    assert "<mark>coopération</mark>" in hit.excerpt
    assert "<script>" not in hit.excerpt and "&lt;script&gt;" in hit.excerpt
    assert "<b>" not in hit.excerpt and "&amp;" in hit.excerpt
    assert str(hit.title_html) == "&lt;i&gt;Titre&lt;/i&gt; <mark>coopératif</mark>"


def test_suggestions_complete_the_last_word(backend):
    filters = Filters(space_ids=frozenset({1}))
    assert [h.title for h in backend.suggest("assemblée gén", filters, 5)] == ["Assemblée générale"]
    assert {h.title for h in backend.suggest("coop", filters, 5)} == {
        "La coopération sur le territoire",
        "Coopératives d'activité",
    }
    assert backend.suggest("c", filters, 5) == []


def test_total_never_counts_filtered_out_documents(tmp_path):
    backend = WhooshBackend(tmp_path / "index")
    docs = [SearchDoc("page", n, 1 + n % 2, f"Coopération {n}") for n in range(40)]
    backend.apply(docs, [])
    for per_page in (1, 5, 50):
        result = backend.search(
            parse("cooperation"), Filters(space_ids=frozenset({1})), 1, per_page
        )
        assert result.total == 20
        kinds = Filters(space_ids=None, kinds=frozenset({"resource"}))
        assert backend.search(parse("cooperation"), kinds, 1, per_page).total == 0
