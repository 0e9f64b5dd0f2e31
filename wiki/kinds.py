"""Page kinds: one registry, so views, the live channel and exports need no per-kind case.

A kind says which named shared types its page's live (Yjs) document may hold, beside the
``content`` text that every kind has: the live channel refuses an update that creates any
other root, or a declared root with another type. Kinds that need more (questionnaire,
Métaplan board, …) register themselves here with their own shared types; the Markdown
rendition of a page is always the ``content`` text or derived from its state, so history,
diff, search and export see Markdown only.

``wiki`` stays free of pycrdt: shared types are named by ``SharedType``, ``collab`` maps them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from flask_babel import lazy_gettext as _l

from .errors import ValidationError

#: every kind's Markdown text lives in the root of this name
CONTENT = "content"


class SharedType(StrEnum):
    TEXT = "text"
    MAP = "map"
    ARRAY = "array"


@dataclass(frozen=True)
class PageKind:
    name: str
    #: root name → type, ``content`` (a text) included
    shared_types: Mapping[str, SharedType] = field(
        default_factory=lambda: {CONTENT: SharedType.TEXT}
    )


ARTICLE = PageKind("article")
_KINDS: dict[str, PageKind] = {ARTICLE.name: ARTICLE}


def register(kind: PageKind) -> PageKind:
    """Declare a kind (at import of its module); ``content`` must be a text."""
    if kind.shared_types.get(CONTENT) is not SharedType.TEXT:
        raise ValueError(f"kind {kind.name!r}: {CONTENT!r} must be a text")
    _KINDS[kind.name] = kind
    return kind


def get(name: str) -> PageKind:
    """The kind of that name; a name no module registered is refused in words."""
    kind = _KINDS.get(name)
    if kind is None:
        raise ValidationError(_l("Type de page inconnu."), field="kind")
    return kind


def of_page(name: str | None) -> PageKind:
    """The kind of a stored page: a name no longer registered falls back to ``article``
    (its page still has its Markdown text, and nothing else is accepted live)."""
    return _KINDS.get(name or ARTICLE.name, ARTICLE)


def names() -> list[str]:
    return sorted(_KINDS)
