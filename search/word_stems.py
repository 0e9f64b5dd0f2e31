"""The stem key of a word or short phrase, for questionnaires' word clouds (``wiki.wordstems``).

The index's French analysis: lowercase, stop words dropped, Snowball stem of the
accent-folded word; « Les coopérations » and « coopération » both give ``cooper``.
"""

from __future__ import annotations

from whoosh.analysis import LowercaseFilter, RegexTokenizer, StopFilter

from .analysis import STOP_WORDS, TOKEN_PATTERN, stems

_ANALYZER = (
    RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | StopFilter(stoplist=STOP_WORDS, minsize=2)
)


def phrase_stem(phrase: str) -> str:
    """Space-separated stems of the phrase's words ("" when only stop words remain)."""
    return " ".join(stems(token.text)[-1] for token in _ANALYZER(phrase))
