"""What the index holds: one ``SearchDoc`` per page, resource (and later answer, comment).

A document is keyed ``"<kind>:<id>"``. ``kind`` tells the adapters (``search.adapters``)
how to build and link it; the backend stores every kind in the same fields, so adding a
kind never changes the schema.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from .analysis import bigram_analyzer, french_analyzer, prefix_analyzer

#: Bump when the fields or the analysis change: an index built with another version
#: is rebuilt on start.
SCHEMA_VERSION = 4

#: kind → label (the badge of a hit), a lazy translation: ``str()`` it before JSON.
#: Kinds without an adapter yet are listed so the UI and the API already know their names.
KIND_LABELS: dict[str, Any] = {
    "page": _l("Page"),
    "resource": _l("Ressource"),
    "answer": _l("Réponse"),
    "comment": _l("Commentaire"),
}

#: Stored copy of the body used for excerpts; the whole body is indexed.
STORED_BODY_MAX = 100_000
#: Beyond this, the rest of a very long text (a book-sized PDF) is not indexed.
INDEXED_BODY_MAX = 1_000_000


@dataclass
class SearchDoc:
    kind: str
    obj_id: int
    space_id: int
    title: str
    body: str = ""
    headings: str = ""
    tags: list[str] = field(default_factory=list)
    author_ids: list[int] = field(default_factory=list)
    #: what the adapter needs to build the URL and the hit line (slug, filename …)
    extra: dict[str, Any] = field(default_factory=dict)
    updated_at: dt.datetime | None = None

    @property
    def key(self) -> str:
        return doc_key(self.kind, self.obj_id)


def doc_key(kind: str, obj_id: int) -> str:
    return f"{kind}:{obj_id}"


#: A title counts three times, a heading twice, the body once: the words are repeated in
#: the one ranked field ``text``, so each query word reads one or two posting lists
#: instead of one per field (three times faster on 10,000 pages than per-field boosts).
#: No field keeps positions: phrases are matched as pairs of words in ``bigrams``.
TITLE_WEIGHT, HEADING_WEIGHT = 3, 2


def build_schema() -> Schema:
    french, prefix = french_analyzer(), prefix_analyzer()
    return Schema(
        key=ID(stored=True, unique=True),
        kind=ID(stored=True),
        obj_id=STORED(),
        space_id=ID(stored=True),
        title=STORED(),
        text=TEXT(analyzer=french, phrase=False),
        bigrams=TEXT(analyzer=bigram_analyzer(), phrase=False),
        content=STORED(),
        title_prefix=TEXT(analyzer=prefix, phrase=False),
        text_prefix=TEXT(analyzer=prefix, phrase=False),
        tags=KEYWORD(stored=True, commas=True, lowercase=True, scorable=False),
        authors=KEYWORD(commas=True, scorable=False),
        extra=STORED(),
        updated_at=STORED(),
    )


def whoosh_fields(doc: SearchDoc) -> dict[str, Any]:
    """The field values handed to ``writer.update_document``."""
    body = doc.body[:INDEXED_BODY_MAX]
    weighted = [doc.title] * TITLE_WEIGHT + [doc.headings] * HEADING_WEIGHT + [body]
    return {
        "key": doc.key,
        "kind": doc.kind,
        "obj_id": doc.obj_id,
        "space_id": str(doc.space_id),
        "title": doc.title,
        "text": "\n".join(weighted),
        "bigrams": f"{doc.title}\n{doc.headings}\n{body}",
        "content": body[:STORED_BODY_MAX],
        "title_prefix": doc.title,
        "text_prefix": f"{doc.title}\n{doc.headings}\n{body}",
        "tags": ",".join(doc.tags),
        "authors": ",".join(str(a) for a in doc.author_ids),
        "extra": doc.extra,
        "updated_at": doc.updated_at.isoformat() if doc.updated_at else None,
    }
