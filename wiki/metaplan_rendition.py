"""A Métaplan board as Markdown: its clusters as headings, its cards as list items with their
dots. The board's ``content`` text is kept equal to this (the server rewrites it with every
change), so history, diff, search and export read the board like any page; "Transformer en
page" copies it into an ordinary page.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

#: the colours a card may have: code → (label, pattern). The pattern (a CSS class drawing
#: stripes, dots…) and the label say it too, for who cannot tell the colours apart.
COLOURS: dict[str, tuple[Any, str]] = {
    "jaune": (_l("Jaune"), "uni"),
    "bleu": (_l("Bleu"), "rayures"),
    "vert": (_l("Vert"), "points"),
    "rose": (_l("Rose"), "quadrillage"),
    "orange": (_l("Orange"), "vagues"),
}
DEFAULT_COLOUR = "jaune"
UNGROUPED = ""


def one_line(text: str) -> str:
    """A card's text on one Markdown line (a line break would end its list item)."""
    return " ".join(str(text).split())


def _dots(count: int) -> str:
    if count <= 0:
        return ""
    return " " + str(_l("(%(n)s gommettes)", n=count) if count > 1 else _l("(1 gommette)"))


def _item(card: Mapping[str, Any]) -> str:
    author = card.get("author")
    by = f" — {one_line(author)}" if author else ""
    return f"- {one_line(card.get('text', ''))}{by}{_dots(int(card.get('votes') or 0))}"


def ordered_cards(cards: Mapping[str, Mapping[str, Any]], cluster: str) -> list[str]:
    """The keys of the cards of ``cluster`` in their order (then by key, for ties)."""
    keys = [k for k, c in cards.items() if (c.get("cluster") or UNGROUPED) == cluster]
    return sorted(keys, key=lambda k: (float(cards[k].get("order") or 0), k))


def ordered_clusters(clusters: Mapping[str, Mapping[str, Any]]) -> list[str]:
    return sorted(clusters, key=lambda k: (float(clusters[k].get("order") or 0), k))


def board_markdown(state: Mapping[str, Any]) -> str:
    """The rendition of a board whose live document holds ``state`` (plain data)."""
    cards: Mapping[str, Mapping[str, Any]] = state.get("cards") or {}
    clusters: Mapping[str, Mapping[str, Any]] = state.get("clusters") or {}
    board: Mapping[str, Any] = state.get("board") or {}
    parts: list[str] = []
    hidden = int(board.get("written") or 0)
    if hidden:
        parts.append(
            str(
                lazy_ngettext(
                    "_%(num)s carte écrite, pas encore dévoilée._",
                    "_%(num)s cartes écrites, pas encore dévoilées._",
                    hidden,
                )
            )
        )
    for key in ordered_clusters(clusters):
        items = [_item(cards[k]) for k in ordered_cards(cards, key)]
        name = one_line(clusters[key].get("name") or "") or str(_l("Groupe sans nom"))
        parts.append("\n".join([f"## {name}", "", *items]) if items else f"## {name}")
    loose = [_item(cards[k]) for k in ordered_cards(cards, UNGROUPED)]
    if loose:
        title = _l("Cartes sans groupe") if clusters else _l("Cartes")
        parts.append("\n".join([f"## {title}", "", *loose]))
    return "\n\n".join(parts) + "\n" if parts else ""


_CARD_LINE = re.compile(r"^(- .*?) — (.+?)( \(\d+ gommettes?\))?$")


def credit_authors(markdown: str, names: Mapping[str, str | None]) -> str:
    """A board's rendition with each card's author as the mémoire credits them: ``names``
    maps the name written on the card to the one to print (None: print none)."""
    lines = []
    for line in markdown.split("\n"):
        match = _CARD_LINE.match(line)
        if match and match.group(2) in names:
            credited = names[match.group(2)]
            by = f" — {credited}" if credited else ""
            line = f"{match.group(1)}{by}{match.group(3) or ''}"
        lines.append(line)
    return "\n".join(lines)
