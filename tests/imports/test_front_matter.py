"""The front matter writer: every string reads back the same, with this reader and PyYAML;
what other tools write at the top of their notes is read, anything else refused."""

from __future__ import annotations

import pytest
import yaml

from wiki import front_matter

TRICKY = [
    "",
    "simple",
    'guillemets "doubles" et \'simples\'',
    "deux-points: et # dièse",
    "- tiret devant",
    "true",
    "null",
    "012",
    "2026-03-12",
    "barre \\ oblique / et tab\tici",
    "ligne\nsuivante\r\nfin",
    "\x00\x07\x1b\x7f\x85\u2028\u2029\ufeff",
    "émoji 🤝 coopération œuvre",
    "   espaces autour   ",
    "[crochet", "{accolade", "*étoile", "&ancre", "!tag", "%pour", "@at", "`accent",
]  # fmt: skip


@pytest.mark.parametrize("text", TRICKY)
def test_every_string_reads_back(text):
    fields = {"title": text, "authors": [text, "C. D."], "position": 3, "hidden": False}
    written = front_matter.dumps(fields)
    assert front_matter.split(written + "corps")[0] == fields
    assert yaml.safe_load(written.split("---\n")[1]) == fields


def test_what_other_tools_write():
    text = (
        "---\n# un commentaire\ntitle: Ma note  # fin de ligne\naliases: [a, 'b c', \"d\"]\n"
        "tags:\n  - ess\n  - coop\ndraft: true\nvide:\n---\nCorps.\n"
    )
    fields, body = front_matter.split(text)
    assert fields == {
        "title": "Ma note",
        "aliases": ["a", "b c", "d"],
        "tags": ["ess", "coop"],
        "draft": True,
        "vide": None,
    }
    assert body == "Corps.\n"


@pytest.mark.parametrize(
    "block",
    ["titre sans deux-points", "title: {a: 1}", "title: [a, [b]]", 'title: "non fermé', "  - seul"],
)
def test_what_is_refused(block):
    with pytest.raises(front_matter.FrontMatterError) as caught:
        front_matter.split(f"---\n{block}\n---\nCorps.\n")
    assert caught.value.body == "Corps.\n"


def test_no_front_matter():
    assert front_matter.split("# Titre\n---\n") == (None, "# Titre\n---\n")
    assert front_matter.split("---\npas fermé\n")[0] is None
