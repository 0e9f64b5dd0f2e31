"""The mind map's outline parser and its server-side SVG (wiki/mindmap.py)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from wiki import mindmap

CASES = json.loads((Path(__file__).parent / "outline_cases.json").read_text("utf-8"))
SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize("case", CASES["parse"], ids=[c["name"] for c in CASES["parse"]])
def test_outline_tree_is_the_shared_one(case: dict) -> None:
    tree = mindmap.parse_outline(case["markdown"], case["title"])
    assert mindmap.to_dict(tree) == case["tree"]


def labels(tree: dict) -> list[str]:
    return [tree["label"]] + [label for child in tree["children"] for label in labels(child)]


def depth(tree: dict) -> int:
    return 1 + max((depth(c) for c in tree["children"]), default=0)


@pytest.mark.parametrize("case", CASES["parse"], ids=[c["name"] for c in CASES["parse"]])
def test_svg_is_well_formed_with_every_label(case: dict) -> None:
    drawing = mindmap.page_svg(case["markdown"], case["title"] or "Carte")
    root = ET.fromstring(drawing)  # well-formed XML: every text was escaped
    assert root.tag == f"{SVG}svg"
    nodes = root.findall(f"{SVG}g")
    shown = [node.find(f"{SVG}text").text for node in nodes]
    expected = [label or "…" for label in labels(case["tree"])]
    if not case["tree"]["label"] and case["tree"]["line"] == -1:
        expected[0] = "Carte"  # the centre named after the page
    assert sorted(shown) == sorted(expected)
    # one link per parent–child pair, and one column per level of the outline
    assert len(root.findall(f"{SVG}path")) == len(nodes) - 1
    assert {int(n.get("data-depth")) for n in nodes} == set(range(depth(case["tree"])))
    assert "style=" not in drawing  # presentation attributes only: the CSP holds


def test_texts_are_escaped() -> None:
    drawing = mindmap.page_svg("# <script>alert(1)</script>\n- a & b\n- \"q\" 'x'", "T<i>")
    assert "<script>" not in drawing and "<i>" not in drawing
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in drawing
    assert "a &amp; b" in drawing
    root = ET.fromstring(drawing)
    assert root.get("aria-label") == "T<i>"
    assert "<script>alert(1)</script>" in [t.text for t in root.iter(f"{SVG}text")]


def test_children_sit_right_of_their_parent_and_between_siblings() -> None:
    tree = mindmap.parse_outline("# C\n- a\n  - a1\n  - a2\n- b\n")
    boxes, links, width, height = mindmap.layout(tree)
    by_label = {b.node.label: b for b in boxes}
    assert by_label["C"].x < by_label["a"].x < by_label["a1"].x
    assert by_label["a1"].y < by_label["a"].y < by_label["a2"].y  # a parent is centred
    assert by_label["a"].colour != by_label["b"].colour  # one colour per branch
    assert by_label["a1"].colour == by_label["a"].colour
    assert all(b.x + b.width <= width and b.y + mindmap.BOX_H <= height for b in boxes)
    assert len(links) == 4


def test_a_long_label_is_shortened_with_its_whole_text_as_tooltip() -> None:
    long = "mot " * 40
    root = ET.fromstring(mindmap.page_svg(f"# {long}", "T"))
    text = root.find(f"{SVG}g/{SVG}text")
    assert text.text.endswith("…") and len(text.text) <= mindmap.MAX_LABEL
    assert text.find(f"{SVG}title").text == long.strip()
