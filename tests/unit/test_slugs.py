"""Slugs keep French titles readable in URLs and make [[links]] match titles."""

from __future__ import annotations

import pytest

from wiki.slugs import slugify


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Coopération économique", "cooperation-economique"),
        ("Économie sociale et solidaire", "economie-sociale-et-solidaire"),
        ("Ça a été dit à Noël", "ca-a-ete-dit-a-noel"),
        ("ÉLÉMENTS ÎLE-DE-FRANCE", "elements-ile-de-france"),
        # ligatures
        ("Œuvre collective", "oeuvre-collective"),
        ("Le cœur du projet", "le-coeur-du-projet"),
        ("Curriculum vitæ", "curriculum-vitae"),
        ("Æsope", "aesope"),
        ("Straße", "strasse"),
        ("ﬁche ﬂash", "fiche-flash"),  # typographic fi/fl ligatures (NFKD)
        # apostrophes, straight and typographic
        ("L'économie", "l-economie"),
        ("L’union d’associations", "l-union-d-associations"),
        ("Groupement d'employeurs", "groupement-d-employeurs"),
        # punctuation and spacing collapse into single dashes, never at the ends
        ("  SCOP / SCIC : quels statuts ?  ", "scop-scic-quels-statuts"),
        ("Fiche -- projet", "fiche-projet"),
        ("« Faire ensemble »", "faire-ensemble"),
        ("Loi 1901", "loi-1901"),
        ("2026", "2026"),
        # emoji are dropped
        ("🎉 Fête de fin 🎉", "fete-de-fin"),
        ("Idées 💡 en vrac", "idees-en-vrac"),
    ],
)
def test_slugify_french_titles(title: str, slug: str) -> None:
    assert slugify(title) == slug


@pytest.mark.parametrize("title", ["", "   ", "🎉", "🎉🤝", "!?…", "« »", "日本語", "---"])
def test_slugify_without_latin_letters_is_empty(title: str) -> None:
    assert slugify(title) == ""


def test_slugify_truncates_without_trailing_dash() -> None:
    assert slugify("aaaaaaaaaa bbbbbbbbbb", max_length=11) == "aaaaaaaaaa"
    assert slugify("é" * 300) == "e" * 200
    assert len(slugify("mot " * 100, max_length=50)) <= 50
    assert not slugify("mot " * 100, max_length=50).endswith("-")


def test_slugify_is_idempotent() -> None:
    once = slugify("Cœur d’ÉTÉ : coopérer !")
    assert once == "coeur-d-ete-cooperer"
    assert slugify(once) == once


def test_invisible_set_covers_every_control_format_and_separator_character():
    """``INVISIBLE_RANGES`` is written out for the OpenAPI document; it must still hold
    every Cc, Cf, Zs, Zl and Zp character of this Python's Unicode database."""
    import sys
    import unicodedata

    from wiki.slugs import has_visible_character

    hidden = {"Cc", "Cf", "Zs", "Zl", "Zp"}
    seen = [
        f"U+{code:04X}"
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) in hidden and has_visible_character(chr(code))
    ]
    assert seen == []
