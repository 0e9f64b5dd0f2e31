"""Any query string gets results or a clear message: parser, engine, HTML page and API."""

from __future__ import annotations

import random
import string
from urllib.parse import quote_from_bytes

import pytest

from search.backend import Filters
from search.query import QUERY_MAX, TERMS_MAX, parse
from search.schema import SearchDoc
from search.whoosh_backend import WhooshBackend

NASTY = [
    "",
    " ",
    '"',
    '""',
    '"unclosed',
    'a "b',
    "«",
    "»",
    "« ouvert",
    "AND",
    "OR",
    "NOT",
    "SAUF",
    "AND OR (",
    ")",
    "(((",
    "title:",
    "[a TO",
    "a~",
    "^2",
    "{",
    "\\",
    "*",
    "**",
    "-",
    "--",
    "-*",
    "a^x",
    "co*",
    "c*p*",
    "*tion",
    "-cooperation",
    '-"',
    "\x00",
    "\x00coop\x00",
    "\x1b[31m",
    "\ud800",
    "\ufffe",
    "coop\u200b\u00adération",
    "x" * 10_000,
    "coop " * 3000,
    "é" * 300,
    "<script>alert(1)</script>",
    "%00",
    "'; DROP TABLE pages; --",
    "😀 coopération 🤝",
    "l'",
    "'",
    "’",
    "aujourd'hui*",
    "NOT NOT NOT",
    "- - -",
    '"" "" ""',
    "\t\n\r",
]


def _random_queries(count: int) -> list[str]:
    rng = random.Random(1234)
    alphabet = string.printable + 'éèàç«»“”’*-"()[]{}^~:\x00\x07'
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80))) for _ in range(count)]


@pytest.fixture(scope="module")
def backend(tmp_path_factory) -> WhooshBackend:
    backend = WhooshBackend(tmp_path_factory.mktemp("fuzz") / "index")
    backend.apply([SearchDoc("page", 1, 1, "Coopération", "La coopération au quotidien.")], [])
    return backend


@pytest.mark.parametrize("text", NASTY + _random_queries(150))
def test_engine_never_raises(backend, text):
    parsed = parse(text)
    assert len(parsed.text) <= QUERY_MAX
    assert len(parsed.words) + len(parsed.phrases) + len(parsed.prefixes) <= TERMS_MAX
    result = backend.search(parsed, Filters(space_ids=frozenset({1})), 1, 10)
    assert result.total >= 0
    backend.suggest(text, Filters(space_ids=frozenset({1})), 5)


def test_long_input_is_cut_with_a_note():
    parsed = parse("coopération " * 2000)
    assert any("coupée" in note for note in parsed.notes)


def test_results_page_and_api_answer(app, personas, client_for):
    client = client_for(personas.participant)
    for text in NASTY:
        # raw bytes, so that even a lone surrogate travels as (invalid) UTF-8
        q = "q=" + quote_from_bytes(text.encode("utf-8", "surrogatepass"))
        page = client.get(f"/recherche?{q}&page=x&author=-1&kind=zzz&space=%00")
        assert page.status_code == 200, text
        assert "Recherche" in page.get_data(as_text=True)
        suggestions = client.get(f"/recherche/suggestions?{q}")
        assert suggestions.status_code == 200 and "suggestions" in suggestions.json
        api = client.get(f"/api/v1/search?{q}")
        assert api.status_code in (200, 400), text
        assert ("hits" in api.json) if api.status_code == 200 else api.json["error"]["message"]
