"""Excerpts with ``<mark>``: every piece of text is escaped first, then matches are wrapped.

The indexed text is plain text (``render_plain``, PDF text …) and may contain ``<``,
``&`` or a whole ``<script>``; it is never trusted. The only markup in the result is the
``<mark>`` this module adds around escaped words, so wrapping the result in ``Markup``
is safe.

A word matches when one of its index terms (``analysis.stems``) is a query term, or when
its folded form starts with a query prefix. The scan stops after a few matches, so a long
PDF costs no more than a short page (Whoosh's own highlighter re-analyses the whole text
through the full pipeline and was most of the query time).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import Markup, escape

from .analysis import STOP_WORDS, fold, stems

SCAN_MAX = 60_000
MATCHES_MAX = 8
WINDOW = 220
CONTEXT_BEFORE = 60
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Terms:
    """What to mark: index terms of the query words, and folded prefixes."""

    terms: frozenset[str]
    prefixes: tuple[str, ...] = ()

    def matches(self, word: str) -> bool:
        lower = word.lower()
        if lower in STOP_WORDS:
            return False
        if self.prefixes and fold(lower).startswith(self.prefixes):
            return True
        return not self.terms.isdisjoint(stems(lower))


def _spans(text: str, terms: Terms, limit: int = MATCHES_MAX) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for match in _WORD.finditer(text, 0, min(len(text), SCAN_MAX)):
        if terms.matches(match.group()):
            spans.append(match.span())
            if len(spans) >= limit:
                break
    return spans


def _marked(text: str, spans: Iterable[tuple[int, int]], start: int, end: int) -> str:
    out, at = [], start
    for s, e in spans:
        if s < start or e > end:
            continue
        out += [str(escape(text[at:s])), "<mark>", str(escape(text[s:e])), "</mark>"]
        at = e
    out.append(str(escape(text[at:end])))
    return "".join(out)


def _window(text: str, first: int) -> tuple[int, int]:
    start = max(0, first - CONTEXT_BEFORE)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = min(len(text), start + WINDOW)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > first else end
    return start, end


def excerpt(text: str, terms: Terms) -> Markup:
    """One passage of ``text`` around the first matches (or its beginning), marked."""
    text = " ".join(text[: SCAN_MAX + WINDOW].split())
    spans = _spans(text, terms)
    start, end = _window(text, spans[0][0] if spans else 0)
    body = _marked(text, spans, start, end)
    return Markup(("… " if start else "") + body + (" …" if end < len(text) else ""))


def title_html(title: str, terms: Terms) -> Markup:
    return Markup(_marked(title, _spans(title, terms, limit=50), 0, len(title)))
