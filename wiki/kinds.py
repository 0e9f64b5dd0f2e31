"""Page kinds: one registry, so views, the live channel and exports need no per-kind case.

A kind says:

- which named shared types its page's live (Yjs) document may hold, beside the ``content``
  text that every kind has: the live channel refuses an update that creates any other root,
  or a declared root with another type;
- how the picker offers it (``label``, ``description``), and how a new page of it starts:
  from its template (``template``: a French data file of ``wiki/page_templates``, which an
  admin may override per instance, see ``wiki.page_templates``), with a default title and,
  for some kinds, one choice asked first (``choice``: the legal form of a fiche statut); or
  through a creation screen of its own (``create_endpoint``: the questionnaire builder);
- its Markdown rendition (``rendition``: from the live document's state as plain data,
  default its ``content`` text), so history, diff, search and export see Markdown only;
- whether its pages are compared side by side, a row per section (``comparable``);
- whether its live document is written by the server only (``server_written``): clients
  then read it and act through events the server checks (the Métaplan board's cards).

How it is *shown* is the view side's registry (``wiki.views.kind_views``). A new kind is one
``register(PageKind(...))`` call in its module plus, if it needs one, a ``@kind_view``.

``wiki`` stays free of pycrdt: shared types are named by ``SharedType``, ``collab`` maps them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l

from .errors import ValidationError

#: every kind's Markdown text lives in the root of this name
CONTENT = "content"
#: the plain data a rendition is computed from: root name → str / dict / list
DocState = Mapping[str, Any]


class SharedType(StrEnum):
    TEXT = "text"
    MAP = "map"
    ARRAY = "array"


def content_rendition(state: DocState) -> str:
    """The default rendition: the ``content`` text as typed."""
    return str(state.get(CONTENT) or "")


@dataclass(frozen=True)
class Choice:
    """One question the picker asks before creating a page (e.g. the legal form)."""

    name: str  # the form / API field
    label: Any  # lazy text
    #: code → lazy label, in the order offered
    options: Mapping[str, Any]
    #: the new page's title from the chosen label (``%(choice)s``)
    title: Any

    def label_of(self, code: str | None) -> str:
        if not code:
            raise ValidationError(_l("Choisissez : %(label)s.", label=self.label), field=self.name)
        if code not in self.options:
            raise ValidationError(_l("Ce choix n'est pas proposé."), field=self.name)
        return str(self.options[code])


@dataclass(frozen=True)
class PageKind:
    name: str
    #: root name → type, ``content`` (a text) included
    shared_types: Mapping[str, SharedType] = field(
        default_factory=lambda: {CONTENT: SharedType.TEXT}
    )
    label: Any = ""
    description: Any = ""
    #: file stem in ``wiki/page_templates`` (``.md``); None: the page starts empty
    template: str | None = None
    #: the title offered when creating one (the person may change it)
    default_title: Any = ""
    choice: Choice | None = None
    #: an endpoint (taking ``space_ref``) that creates pages of this kind instead of the
    #: generic form; such pages are not duplicated or used as models by the generic path
    create_endpoint: str | None = None
    #: only facilitators create it (``Action.MANAGE``) rather than every writer
    facilitators_only: bool = False
    #: False: its Markdown is generated (the questionnaire's, from its definition), so the
    #: editor, the API and the live channel refuse to change its text
    text_editable: bool = True
    #: why its text is refused (shown by the editor, the API and the live channel); None:
    #: the questionnaire's words
    locked_text: Any = None  # lazy text
    rendition: Callable[[DocState], str] = content_rendition
    #: its pages are compared section by section (``wiki.comparison``)
    comparable: bool = False
    #: where new pages of the kind go: the title of a section page (created on first use,
    #: found again by the slug of this title, so a fixed text rather than a translated label)
    section_title: str | None = None
    #: the picker's order (smaller first)
    order: int = 100
    #: the server alone writes the live document (clients send intents it validates): the
    #: live channel refuses every client update that is not empty
    server_written: bool = False

    @property
    def generic(self) -> bool:
        """Created, copied and used as a model by ``wiki.page_kinds`` (from Markdown)."""
        return self.create_endpoint is None


PAGE = PageKind(
    "page",
    label=_l("Page libre"),
    description=_l("Une page vide, à écrire librement."),
    default_title="",
    order=0,
)
_KINDS: dict[str, PageKind] = {PAGE.name: PAGE}
#: the name pages had before kinds were named (migration 0005 renames them)
LEGACY_NAMES = {"article": PAGE.name}


def register(kind: PageKind) -> PageKind:
    """Declare a kind (at import of its module); ``content`` must be a text."""
    if kind.shared_types.get(CONTENT) is not SharedType.TEXT:
        raise ValueError(f"kind {kind.name!r}: {CONTENT!r} must be a text")
    _KINDS[kind.name] = kind
    return kind


def get(name: str) -> PageKind:
    """The kind of that name; a name no module registered is refused in words."""
    kind = _KINDS.get(name) if isinstance(name, str) else None
    if kind is None:
        raise ValidationError(_l("Type de page inconnu."), field="kind")
    return kind


def of_page(name: str | None) -> PageKind:
    """The kind of a stored page: a name no longer registered falls back to ``page``
    (its page still has its Markdown text, and nothing else is accepted live)."""
    name = LEGACY_NAMES.get(name or PAGE.name, name or PAGE.name)
    return _KINDS.get(name, PAGE)


def names() -> list[str]:
    return sorted(_KINDS)


def all_kinds() -> list[PageKind]:
    """Every kind, in the picker's order."""
    return sorted(_KINDS.values(), key=lambda k: (k.order, k.name))


def rendition(name: str | None, state: DocState) -> str:
    """The Markdown of a page of kind ``name`` whose live document holds ``state``."""
    return of_page(name).rendition(state)


# The workshop's kinds (issue 10) are declared in ``wiki.workshop_kinds``, imported below so
# that importing the registry is enough to know them (the API and the live channel do).
from . import workshop_kinds  # noqa: E402, F401
