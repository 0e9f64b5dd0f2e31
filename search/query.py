"""Read what a person typed into a backend-neutral query; never raises.

Syntax (French UI, documented on the results page):

* ``coopération territoire``  both words (stemmed, accents and case ignored)
* ``"assemblée générale"``    the words in this order (« » and “ ” count as quotes)
* ``coopérat*``               words starting with these letters (at least 3)
* ``-fusion`` / ``-"mot à mot"`` / ``NOT fusion`` / ``SAUF fusion``   without it
* ``AND``, ``OR``, ``ET``, ``OU`` are ignored: every word is required.

Unbalanced quotes run to the end; operators alone, punctuation, control characters and
over-long input are dropped or cut, never an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

from .analysis import clean_text, fold

QUERY_MAX = 500
TERMS_MAX = 16
WORD_MAX = 60
PREFIX_MIN = 3

_QUOTES = str.maketrans({"«": '"', "»": '"', "“": '"', "”": '"', "„": '"', "‟": '"'})
_TOKENS = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_EDGE_PUNCT = re.compile(r"^[^\w*]+|[^\w*]+$")
_IGNORED_OPERATORS = frozenset({"AND", "OR", "ET", "OU", "&&", "||", "+"})
_NEGATIONS = frozenset({"NOT", "SAUF"})


@dataclass(frozen=True)
class ParsedQuery:
    """Required words and phrases, prefixes, and what must not appear."""

    text: str = ""
    words: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
    prefixes: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    excluded_phrases: tuple[tuple[str, ...], ...] = ()
    #: lazy translations, in the reader's language when shown
    notes: tuple[Any, ...] = field(default=(), compare=False)

    @property
    def has_positive(self) -> bool:
        return bool(self.words or self.phrases or self.prefixes)


@dataclass
class _Builder:
    words: list[str] = field(default_factory=list)
    phrases: list[tuple[str, ...]] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    excluded_phrases: list[tuple[str, ...]] = field(default_factory=list)
    notes: list[Any] = field(default_factory=list)
    count: int = 0

    def full(self) -> bool:
        return self.count >= TERMS_MAX


def _clean_word(raw: str) -> str:
    return _EDGE_PUNCT.sub("", raw)[:WORD_MAX]


def _phrase_words(raw: str) -> tuple[str, ...]:
    words = (_clean_word(w) for w in raw.split())
    return tuple(w for w in words if w and w != "*")[:TERMS_MAX]


def _add_phrase(b: _Builder, raw: str, negative: bool) -> None:
    words = _phrase_words(raw)
    if len(words) == 1:
        _add_word(b, words[0], negative)
    elif words:
        (b.excluded_phrases if negative else b.phrases).append(words)
        b.count += 1


def _add_word(b: _Builder, raw: str, negative: bool) -> None:
    word = _clean_word(raw)
    if not word.replace("*", ""):
        return
    if word.endswith("*") and not negative:
        stem = fold(word.rstrip("*"))
        if len(stem) >= PREFIX_MIN and "*" not in stem and re.fullmatch(r"\w+", stem):
            b.prefixes.append(stem)
            b.count += 1
            return
        b.notes.append(
            _l(
                "« %(word)s » : il faut au moins %(min)s lettres avant *.",
                word=word,
                min=PREFIX_MIN,
            )
        )
    word = word.replace("*", "")
    if word:
        (b.excluded if negative else b.words).append(word)
        b.count += 1


def parse(text: str | None) -> ParsedQuery:
    """Parse ``text``; whatever it contains, the result is a ``ParsedQuery``."""
    raw = clean_text(str(text or "")).translate(_QUOTES)
    b = _Builder()
    if len(raw) > QUERY_MAX:
        raw = raw[:QUERY_MAX]
        b.notes.append(_l("La recherche a été coupée à %(max)s caractères.", max=QUERY_MAX))
    negate_next = False
    for match in _TOKENS.finditer(raw):
        if b.full():
            b.notes.append(
                _l("Seuls les %(max)s premiers termes sont pris en compte.", max=TERMS_MAX)
            )
            break
        minus, phrase, token = match.groups()
        if phrase is not None:
            _add_phrase(b, phrase, bool(minus) or negate_next)
        elif token in _NEGATIONS:
            negate_next = True
            continue
        elif token not in _IGNORED_OPERATORS:
            negative = negate_next or (token.startswith("-") and len(token) > 1)
            _add_word(b, token[1:] if token.startswith("-") else token, negative)
        negate_next = False
    return ParsedQuery(
        text=" ".join(raw.split()),
        words=tuple(b.words),
        phrases=tuple(b.phrases),
        prefixes=tuple(dict.fromkeys(b.prefixes)),
        excluded=tuple(b.excluded),
        excluded_phrases=tuple(b.excluded_phrases),
        notes=tuple(dict.fromkeys(b.notes)),
    )
