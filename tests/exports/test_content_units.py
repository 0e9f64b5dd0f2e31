"""Small pure parts of the mémoire's content: Métaplan authors credited, French dates."""

from __future__ import annotations

import datetime as dt

from wiki.memoire_content import describe_size, space_dates
from wiki.metaplan_rendition import credit_authors
from wiki.models import Space

BOARD = """## Freins

- Le temps manque — Camille Dupont (2 gommettes)
- Pas de lieu — Zoé Invisible
- Sans auteur (1 gommette)
"""


def test_board_authors_are_printed_as_they_chose():
    out = credit_authors(BOARD, {"Camille Dupont": "C. D.", "Zoé Invisible": None})
    assert "- Le temps manque — C. D. (2 gommettes)" in out
    assert "- Pas de lieu\n" in out and "Zoé" not in out
    assert "- Sans auteur (1 gommette)" in out


def test_space_dates_in_french():
    space = Space(slug="s", title="S", starts_on=dt.date(2026, 3, 12), ends_on=dt.date(2026, 3, 14))
    assert space_dates(space) == "du 12 au 14 mars 2026"
    space.ends_on = dt.date(2026, 4, 2)
    assert space_dates(space) == "du 12 mars au 2 avril 2026"
    space.ends_on = None
    assert space_dates(space) == "le 12 mars 2026"


def test_sizes_in_french_units():
    assert (describe_size(900), describe_size(2048), describe_size(3 * 1024 * 1024 + 1)) == (
        "900 o",
        "2 Ko",
        "3,0 Mo",
    )
