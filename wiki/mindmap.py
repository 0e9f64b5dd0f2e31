"""The mind map ("carte mentale") of a page's outline, drawn on the server as plain SVG.

Why on the server, and why in Python: the PDF of the mémoire (WeasyPrint) and the static
site need the map as a vector drawing without a browser, and the page view shows it to
people without JavaScript. Running markmap in a headless browser or in Node for each PDF
would add a runtime to the server for one picture; a tidy tree of boxes is a few dozen lines.

The outline is read exactly as the browser reads it (``static/src/mindmap/outline.js``):
headings and list items are nodes; a node's parent is the last open node of a lower rank
(a heading's rank is its level, a list item's is 100 + its indentation), so headings hold
lists and lists nest by indentation. Both parsers are checked against the same cases
(``tests/mindmap/outline_cases.json``). With one top-level node it is the map's centre;
otherwise the page title is.

The layout is markmap's: a horizontal tidy tree (depth → column, leaves stacked, a parent
centred on its children), curved links, one colour per branch. Every text is escaped here
and only presentation attributes are written (no ``style``: the CSP holds); the string is
marked safe in one place, ``wiki.rendering.trusted_svg``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from html import escape

HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
ITEM = re.compile(r"^([ \t]*)([-*+]|\d{1,9}[.)])(?:[ \t]+(.*))?$")
FENCE = re.compile(r"^ {0,3}(```|~~~)")
TASK = re.compile(r"^\[[ xX]\][ \t]+")
WIKILINK = re.compile(r"\[\[([^\]|]*)\|?([^\]]*)\]\]")
LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
EMPHASIS = re.compile(r"(\*\*|__|\*|`|~~)(.+?)\1")
LIST_RANK = 100

PALETTE = ("#2f6f9f", "#2e7d46", "#8a4baf", "#b44d12", "#0f766e", "#9d174d", "#8a6d00")
ROOT_FILL = "#1d2733"
INK = "#1d2733"
FONT = "system-ui, sans-serif"
FONT_SIZE = 15
CHAR_WIDTH = 8.5  # an average glyph of the font size above; boxes are sized by it
PAD_X, BOX_H, ROW_GAP, COLUMN_GAP, MARGIN = 10, 30, 10, 48, 16
MAX_LABEL = 50


@dataclass
class Node:
    label: str
    #: 0 for the centre; 1 for its children…
    depth: int = 0
    #: first line (0-based) and the line after its subtree; -1 for a centre made from the title
    line: int = -1
    end: int = -1
    children: list[Node] = field(default_factory=list)
    rank: int = 0


def _indent(space: str) -> int:
    return len(space.replace("\t", "    "))


def plain_label(text: str) -> str:
    """The words of a heading or an item, without task boxes, links' addresses, emphasis."""
    text = TASK.sub("", text.strip())
    text = WIKILINK.sub(lambda m: m.group(2) or m.group(1), text)
    text = LINK.sub(lambda m: m.group(1), text)
    for _ in range(3):  # nested emphasis: **_x_**
        text = EMPHASIS.sub(lambda m: m.group(2), text)
    return " ".join(text.split())


def _node_of(line: str) -> tuple[int, str] | None:
    """(rank, label) of a line that is a heading or a list item."""
    if match := HEADING.match(line):
        return len(match.group(1)), plain_label(match.group(2) or "")
    if match := ITEM.match(line):
        return LIST_RANK + _indent(match.group(1)), plain_label(match.group(3) or "")
    return None


def _close(node: Node, lines: list[str], end: int) -> None:
    """A list item's range stops at its last own line: blank lines and the heading's
    paragraph after the list stay outside (so deleting the item leaves them)."""
    if node.rank >= LIST_RANK:
        while end > node.line + 1 and (
            not lines[end - 1].strip() or _indent(re.match(r"[ \t]*", lines[end - 1])[0]) == 0
        ):
            if ITEM.match(lines[end - 1]):
                break
            end -= 1
    node.end = end


def parse_outline(markdown: str, title: str = "") -> Node:
    """The outline's tree; its centre is the only top-level node, or the page ``title``."""
    lines = markdown.split("\n")
    centre = Node(title, rank=-1)
    stack: list[Node] = [centre]
    fenced = False
    for number, line in enumerate(lines):
        if FENCE.match(line):
            fenced = not fenced
            continue
        found = None if fenced else _node_of(line)
        if found is None:
            continue
        rank, label = found
        while len(stack) > 1 and stack[-1].rank >= rank:
            _close(stack.pop(), lines, number)
        node = Node(label, line=number, rank=rank)
        stack[-1].children.append(node)
        stack.append(node)
    while len(stack) > 1:
        _close(stack.pop(), lines, len(lines))
    if len(centre.children) == 1:
        centre = centre.children[0]
    _set_depths(centre, 0)
    return centre


def _set_depths(node: Node, depth: int) -> None:
    node.depth = depth
    for child in node.children:
        _set_depths(child, depth + 1)


def to_dict(node: Node) -> dict:
    """The tree as plain data (the shared test cases' shape)."""
    return {
        "label": node.label,
        "line": node.line,
        "end": node.end,
        "children": [to_dict(c) for c in node.children],
    }


# --- layout -------------------------------------------------------------------------------


def _shown(label: str) -> str:
    label = label or "…"
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1].rstrip() + "…"


def _width(label: str) -> float:
    return len(_shown(label)) * CHAR_WIDTH + 2 * PAD_X


@dataclass
class _Box:
    node: Node
    x: float
    y: float
    width: float
    colour: str


def layout(root: Node) -> tuple[list[_Box], list[tuple[_Box, _Box]], float, float]:
    """Boxes and links of a horizontal tidy tree, and the drawing's width and height: a
    child starts a gap after its own parent's box (as markmap places them), leaves are
    stacked one row each, a parent is centred on its children."""
    boxes: list[_Box] = []
    links: list[tuple[_Box, _Box]] = []
    next_row = [float(MARGIN)]

    def place(node: Node, x: float, colour: str) -> _Box:
        width = _width(node.label)
        kids = []
        for index, child in enumerate(node.children):
            branch = PALETTE[index % len(PALETTE)] if node is root else colour
            kids.append(place(child, x + width + COLUMN_GAP, branch))
        if kids:
            y = (kids[0].y + kids[-1].y) / 2
        else:
            y = next_row[0]
            next_row[0] += BOX_H + ROW_GAP
        box = _Box(node, x, y, width, colour)
        boxes.append(box)
        links.extend((box, kid) for kid in kids)
        return box

    place(root, float(MARGIN), ROOT_FILL)
    width = max(b.x + b.width for b in boxes) + MARGIN
    height = max(next_row[0] - ROW_GAP + MARGIN, BOX_H + 2 * MARGIN)
    return boxes, links, width, height


def _link(parent: _Box, child: _Box) -> str:
    x1, y1 = parent.x + parent.width, parent.y + BOX_H / 2
    x2, y2 = child.x, child.y + BOX_H / 2
    mid = (x1 + x2) / 2
    return (
        f'<path d="M{x1:.1f},{y1:.1f} C{mid:.1f},{y1:.1f} {mid:.1f},{y2:.1f} {x2:.1f},{y2:.1f}" '
        f'fill="none" stroke="{child.colour}" stroke-width="2"/>'
    )


def _box(box: _Box, is_root: bool) -> str:
    label = box.node.label
    fill, ink = (ROOT_FILL, "#ffffff") if is_root else ("#ffffff", INK)
    hint = f"<title>{escape(label)}</title>" if _shown(label) != label else ""
    return (
        f'<g class="mindmap-node" data-depth="{box.node.depth}">'
        f'<rect x="{box.x:.1f}" y="{box.y:.1f}" width="{box.width:.1f}" height="{BOX_H}" rx="8" '
        f'fill="{fill}" stroke="{box.colour}" stroke-width="2"/>'
        f'<text x="{box.x + PAD_X:.1f}" y="{box.y + BOX_H / 2 + FONT_SIZE * 0.35:.1f}" '
        f'fill="{ink}">{escape(_shown(label))}{hint}</text></g>'
    )


def svg(root: Node, title: str) -> str:
    """The map as a standalone SVG document (also fit to be put inline in a page)."""
    boxes, links, width, height = layout(root)
    w, h = math.ceil(width), math.ceil(height)
    name = escape(title, quote=True)
    body = [_link(a, b) for a, b in links] + [_box(b, b.node is root) for b in reversed(boxes)]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" '
        f'height="{h}" role="img" aria-label="{name}" font-family="{FONT}" '
        f'font-size="{FONT_SIZE}" class="mindmap-svg"><title>{escape(title)}</title>'
        + "".join(body)
        + "</svg>"
    )


def page_svg(markdown: str, title: str) -> str:
    """The SVG of a mind map page: its outline, centred on its title if need be."""
    return svg(parse_outline(markdown, title), title)
