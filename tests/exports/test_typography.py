"""French no-break spaces in text nodes only."""

from __future__ import annotations

import pytest

from wiki.typography_fr import NBSP, NNBSP, french_spaces, french_text


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("Bonjour !", f"Bonjour{NNBSP}!"),
        ("Bonjour!", f"Bonjour{NNBSP}!"),
        ("Quoi ?!", f"Quoi{NNBSP}?!"),
        ("un ; deux", f"un{NNBSP}; deux"),
        ("Note : lire", f"Note{NBSP}: lire"),
        ("Note: lire", f"Note{NBSP}: lire"),
        ("« oui »", f"«{NBSP}oui{NBSP}»"),
        ("«oui»", f"«{NBSP}oui{NBSP}»"),
        ("à 10:30", "à 10:30"),
        ("https://exemple.org/?q=1", "https://exemple.org/?q=1"),
        ("fin.", "fin."),
        (f"déjà{NNBSP}!", f"déjà{NNBSP}!"),
    ],
)
def test_french_text(typed, printed):
    assert french_text(typed) == printed


def test_only_text_nodes_change():
    html = (
        '<p title="a : b ?">Lien : <a href="https://x.org/?a=1&amp;b=2">voir !</a> &amp; ça ;'
        " <code>x : y ?</code> <pre>z ; w !</pre> <svg><text>A : B</text></svg></p>"
    )
    out = french_spaces(html)
    assert 'title="a : b ?"' in out and 'href="https://x.org/?a=1&amp;b=2"' in out
    assert f"Lien{NBSP}: " in out and f"voir{NNBSP}!" in out and f"&amp; ça{NNBSP};" in out
    assert "<code>x : y ?</code>" in out and "<pre>z ; w !</pre>" in out
    assert f"A{NBSP}: B" in out


def test_entities_and_markup_stay_escaped():
    out = french_spaces("<p>a &lt;b&gt; ! 1 &amp; 2</p>")
    assert out == f"<p>a &lt;b&gt;{NNBSP}! 1 &amp; 2</p>"
