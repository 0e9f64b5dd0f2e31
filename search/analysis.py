"""French text analysis for the index: case and accents folded, French stems, stop words.

Two analyzers:

* ``french_analyzer()`` for the ranked ``text`` field (title, headings, body). Each word gives
  up to two terms at the same position: the Snowball stem of the accented word, folded
  afterwards (``assemblées`` → ``assembl``), and the stem of the already folded word
  (``assemblees`` → ``assemble``). A query word gets both too, so a search typed with or
  without accents meets the text either way. Stop words are removed *before* folding,
  because Whoosh's French stoplist is accented (folding first would leak « été » as
  ``ete`` into the index, see STACK-NOTES §5).
* ``bigram_analyzer()``: pairs of consecutive stems, so that a phrase query is a few plain
  terms (``"assemblée générale"`` → ``assemble_general``).
* ``prefix_analyzer()`` for the unstemmed fields used by ``coopérat*`` and by the
  suggestions: lowercase and folded, no stemming, no stop words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import cache, lru_cache

from whoosh.analysis import (
    Analyzer,
    CharsetFilter,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StopFilter,
    Token,
)
from whoosh.lang import stemmer_for_language, stopwords_for_language
from whoosh.support.charset import accent_map

#: « été » (summer) is a word people look for; the stoplist treats it as a verb form.
_KEEP = frozenset({"été", "étés", "étée", "étées"})
#: Articles and determiners the French stoplist forgets.
_EXTRA_STOP = frozenset({"les", "cet", "cette", "cettes", "aux", "lors", "dont"})
STOP_WORDS: frozenset[str] = (frozenset(stopwords_for_language("fr")) - _KEEP) | _EXTRA_STOP

#: Letters, digits and inner dots (« 3.5 ») make a word; apostrophes split elisions
#: (« l'économie », « d’accord ») so the article falls away as a stop word.
TOKEN_PATTERN = r"\w+(\.?\w+)*"


def fold(text: str) -> str:
    """Lowercase and strip accents the way the index does (``COOPÉRATIVE`` → ``cooperative``)."""
    return text.lower().translate(accent_map)


@cache
def _stemmer():
    return stemmer_for_language("fr")


@lru_cache(maxsize=50_000)
def stems(word: str) -> tuple[str, ...]:
    """The index terms of one lowercase word: one or two folded stems."""
    stem = _stemmer()
    accented = stem(word).translate(accent_map)
    folded = stem(word.translate(accent_map))
    return (accented,) if folded == accented else (accented, folded)


class DualStemFilter(Filter):
    """Emit the folded stem of the accented word, and the stem of the folded word."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            if token.stopped:
                yield token
                continue
            for term in stems(token.text):
                token.text = term
                yield token


def french_analyzer() -> Analyzer:
    return (
        RegexTokenizer(TOKEN_PATTERN)
        | LowercaseFilter()
        | StopFilter(stoplist=STOP_WORDS, minsize=2)
        | DualStemFilter()
    )


class BigramFilter(Filter):
    """Pairs of consecutive words (folded stems), ``assemble_general``: a phrase becomes
    a few plain terms, with no positions to compare (ten times faster on 10,000 pages)."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        previous: str | None = None
        for token in tokens:
            if token.stopped:
                continue
            term = stems(token.text)[-1]
            if previous is not None:
                token.text = f"{previous}_{term}"
                yield token
            previous = term


def bigram_analyzer() -> Analyzer:
    return (
        RegexTokenizer(TOKEN_PATTERN)
        | LowercaseFilter()
        | StopFilter(stoplist=STOP_WORDS, minsize=2)
        | BigramFilter()
    )


def bigrams(text: str) -> list[str]:
    """The bigram terms of a phrase, as indexed (see ``BigramFilter``)."""
    return list(dict.fromkeys(t.text for t in bigram_analyzer()(text)))


def prefix_analyzer() -> Analyzer:
    return RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | CharsetFilter(accent_map)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    """Normalise to NFC and replace control characters (not new lines, tabs) by spaces."""
    return unicodedata.normalize("NFC", _CONTROL.sub(" ", text))
