"""Turn a ``ParsedQuery`` and ``Filters`` into Whoosh query objects.

Ranking: BM25F on the ``text`` field, where a title counts three times, a heading twice
and the body once (``schema.TITLE_WEIGHT``); prefixes weigh three times more in titles.
All words are required.
"""

from __future__ import annotations

from functools import cache

from whoosh.analysis import Analyzer
from whoosh.query import And, AndNot, Or, Prefix, Query, Term

from .analysis import bigrams, french_analyzer, prefix_analyzer
from .backend import Filters
from .highlight import Terms
from .query import ParsedQuery

TEXT, BIGRAMS = "text", "bigrams"
PREFIX_BOOSTS: tuple[tuple[str, float], ...] = (("title_prefix", 3.0), ("text_prefix", 1.0))


@cache
def _french() -> Analyzer:
    return french_analyzer()


@cache
def _prefix() -> Analyzer:
    return prefix_analyzer()


def positions(text: str) -> list[tuple[str, ...]]:
    """The index terms of ``text``, grouped by word position (stop words dropped)."""
    groups: dict[int, list[str]] = {}
    for token in _french()(text, positions=True):
        groups.setdefault(token.pos, []).append(token.text)
    return [tuple(dict.fromkeys(terms)) for _pos, terms in sorted(groups.items())]


def _terms_clause(terms: tuple[str, ...]) -> Query:
    return Term(TEXT, terms[0]) if len(terms) == 1 else Or([Term(TEXT, t) for t in terms])


def _phrase_clause(text: str) -> Query | None:
    groups = positions(text)
    if not groups:
        return None
    if len(groups) == 1:
        return _terms_clause(groups[0])
    # Every pair of consecutive words, as indexed; a pair's terms are the stems of the
    # folded words, the same whether or not the text or the query carried accents.
    pairs = [Term(BIGRAMS, pair) for pair in bigrams(text)]
    return pairs[0] if len(pairs) == 1 else And(pairs)


def word_clause(word: str) -> Query | None:
    """A single word; « aujourd'hui » or « co-construction » become a short phrase."""
    return _phrase_clause(word)


def phrase_clause(words: tuple[str, ...]) -> Query | None:
    return _phrase_clause(" ".join(words))


def prefix_clause(prefix: str) -> Query:
    return Or([Prefix(f, prefix, boost=b) for f, b in PREFIX_BOOSTS])


def highlight_terms(parsed: ParsedQuery) -> Terms:
    """The index terms of the wanted words and phrases, and the prefixes, to mark them."""
    texts = [*parsed.words, *(" ".join(p) for p in parsed.phrases)]
    terms = {term for text in texts for group in positions(text) for term in group}
    return Terms(frozenset(terms), tuple(parsed.prefixes))


def build(parsed: ParsedQuery) -> tuple[Query | None, list[str]]:
    """The Whoosh query, and the words ignored as too common (stop words)."""
    ignored: list[str] = []
    positive: list[Query] = []
    wanted = [(w, word_clause(w)) for w in parsed.words]
    wanted += [(" ".join(p), phrase_clause(p)) for p in parsed.phrases]
    for text, clause in wanted:
        if clause is None:
            ignored.append(text)
        else:
            positive.append(clause)
    positive.extend(prefix_clause(p) for p in parsed.prefixes)
    if not positive:
        return None, ignored
    main: Query = positive[0] if len(positive) == 1 else And(positive)
    negative = [c for c in (word_clause(w) for w in parsed.excluded) if c is not None]
    negative += [c for c in (phrase_clause(p) for p in parsed.excluded_phrases) if c is not None]
    if negative:
        main = AndNot(main, Or(negative))
    return main, ignored


def suggest_query(text: str) -> Query | None:
    """Earlier words complete, the last one as a prefix, all in the title."""
    words = [t.text for t in _prefix()(text[:200])][:8]
    if not words or (len(words[-1]) < 2 and len(words) == 1):
        return None
    clauses: list[Query] = [Term("title_prefix", w) for w in words[:-1]]
    clauses.append(Prefix("title_prefix", words[-1]))
    return clauses[0] if len(clauses) == 1 else And(clauses)


def filter_query(filters: Filters) -> Query | None:
    parts: list[Query] = []
    if filters.space_ids is not None:
        parts.append(Or([Term("space_id", str(i)) for i in sorted(filters.space_ids)]))
    if filters.kinds:
        parts.append(Or([Term("kind", k) for k in sorted(filters.kinds)]))
    if filters.tag:
        parts.append(Term("tags", filters.tag.lower()))
    if filters.author_id is not None:
        parts.append(Term("authors", str(filters.author_id)))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else And(parts)
