"""What a peer's update may do to a page's live document, decided before it touches the room.

pycrdt cannot undo an applied update, so an update is read first: ``inspect`` decodes the
Yjs v1 encoding (lib0: structs per client, then the delete set) far enough to know the roots
it creates or writes directly into, the kinds of content it carries and how many characters
of text it inserts. Decoding costs a few microseconds for a keystroke, where applying to a
copy of the document would cost a copy of the whole page per keystroke.

What is checked (``check_shape``), against the kind's shared types (``wiki.kinds``):
- every root an item names must be declared, with the shape it is used with: a text root
  takes strings, a map root keyed entries, an array root unkeyed values;
- in a kind whose roots are all texts (articles), every item is a string or a deleted
  range, and no item hangs off a nested type: this is exact, because an item whose parent is
  not written out continues a neighbour already in the document, which passed these checks.
  Kinds with map or array roots also accept their values and nested types anywhere (an item
  continuing a neighbour does not say which root it is in).
The size (``Room`` calls ``inserted_chars``): the text may not grow over the page cap
(``wiki.pages.MARKDOWN_MAX``); a cheap upper bound first, an exact count on a scratch copy
only when the bound says the cap may be crossed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from wiki.errors import PayloadTooLarge, ValidationError
from wiki.kinds import SharedType

from .protocol import ProtocolError

# lib0 / Yjs content refs (the low 5 bits of a struct's info byte)
GC, DELETED, JSON, BINARY, STRING, EMBED, FORMAT, TYPE, ANY, DOC, SKIP = range(11)
ORIGIN, RIGHT_ORIGIN, PARENT_SUB = 0x80, 0x40, 0x20
TEXT_CONTENT = frozenset({STRING, DELETED})
#: contents that may sit in a map or an array (nested types included, subdocuments never)
VALUE_CONTENT = frozenset({DELETED, JSON, BINARY, STRING, EMBED, FORMAT, TYPE, ANY})


class ForeignContent(ValidationError):
    """An update that creates a root, or a content, the page's kind does not declare."""

    code = "foreign_type"


def too_long(limit: int) -> PayloadTooLarge:
    # the msgid of wiki.pages._check_markdown: the same words (and translation) as a form save
    shown = f"{limit:,}".replace(",", "\u202f")
    return PayloadTooLarge(
        _l("Le texte dépasse %(max)s caractères : découpez-le en plusieurs pages.", max=shown)
    )


@dataclass
class Summary:
    #: root name → shapes of the items placed directly in it ("text", "map", "array")
    roots: dict[str, set[str]] = field(default_factory=dict)
    contents: set[int] = field(default_factory=set)
    #: an item's parent is a nested type (an item id), not a root
    nested: bool = False
    inserted_chars: int = 0


class _Reader:
    __slots__ = ("data", "pos")

    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def uint(self) -> int:
        value, shift, data = 0, 0, self.data
        while True:
            if self.pos >= len(data) or shift > 63:
                raise ProtocolError(_l("Mise à jour Yjs illisible : elle est ignorée."))
            byte = data[self.pos]
            self.pos += 1
            value |= (byte & 0x7F) << shift
            if byte < 0x80:
                return value
            shift += 7

    def byte(self) -> int:
        if self.pos >= len(self.data):
            raise ProtocolError(_l("Mise à jour Yjs illisible : elle est ignorée."))
        self.pos += 1
        return self.data[self.pos - 1]

    def raw(self, length: int) -> bytes:
        end = self.pos + length
        if end > len(self.data):
            raise ProtocolError(_l("Mise à jour Yjs illisible : elle est ignorée."))
        chunk, self.pos = self.data[self.pos : end], end
        return chunk

    def string(self) -> str:
        return self.raw(self.uint()).decode("utf-8", errors="replace")

    def any(self, depth: int = 0) -> None:
        """Skip one lib0 ``any`` value."""
        if depth > 64:
            raise ProtocolError(_l("Mise à jour Yjs illisible : elle est ignorée."))
        tag = self.byte()
        if tag in (127, 126, 121, 120):  # undefined, null, false, true
            return
        if tag in (125, 122):  # varint, bigint (varint in lib0's v1)
            self.uint()
        elif tag == 124:
            self.raw(4)
        elif tag == 123:
            self.raw(8)
        elif tag in (119, 116):  # string, Uint8Array
            self.raw(self.uint())
        elif tag == 118:  # object
            for _ in range(self.uint()):
                self.raw(self.uint())
                self.any(depth + 1)
        elif tag == 117:  # array
            for _ in range(self.uint()):
                self.any(depth + 1)
        else:
            raise ProtocolError(_l("Mise à jour Yjs illisible : elle est ignorée."))


def _content(reader: _Reader, ref: int, summary: Summary) -> str | None:
    """Read one item's content; returns the shape it gives a root it sits in directly."""
    if ref == DELETED:
        reader.uint()
        return None
    if ref == STRING:
        summary.inserted_chars += len(reader.string())
        return "text"
    if ref == JSON:
        for _ in range(reader.uint()):
            reader.string()
    elif ref == BINARY:
        reader.raw(reader.uint())
    elif ref == EMBED:
        reader.string()
        return "text"
    elif ref == FORMAT:
        reader.string(), reader.string()
        return "text"
    elif ref == TYPE:
        if reader.uint() in (3, 5):  # XmlElement, XmlHook: a node name follows
            reader.string()
    elif ref == ANY:
        for _ in range(reader.uint()):
            reader.any()
    elif ref == DOC:
        reader.string()
        reader.any()
    else:
        raise ProtocolError(_l("Mise à jour Yjs illisible : elle est ignorée."))
    return "array"


def inspect(update: bytes, *, stop_at: frozenset[int] | None = None) -> Summary:
    """The roots, contents and inserted characters of a v1 update. ``stop_at``: content
    refs that make the update refused anyway (no need to read further)."""
    reader, summary = _Reader(update), Summary()
    for _ in range(reader.uint()):
        structs = reader.uint()
        reader.uint(), reader.uint()  # client, clock
        for _ in range(structs):
            info = reader.byte()
            ref = info & 0x1F
            if ref in (GC, SKIP):
                reader.uint()
                continue
            summary.contents.add(ref)
            if stop_at is not None and ref in stop_at:
                return summary
            if info & ORIGIN:
                reader.uint(), reader.uint()
            if info & RIGHT_ORIGIN:
                reader.uint(), reader.uint()
            root: str | None = None
            keyed = False
            if not info & (ORIGIN | RIGHT_ORIGIN):  # the parent is written out
                if reader.uint() == 1:
                    root = reader.string()
                else:
                    reader.uint(), reader.uint()
                    summary.nested = True
                if info & PARENT_SUB:
                    reader.string()
                    keyed = True
            shape = _content(reader, ref, summary)
            if root is not None:
                used = summary.roots.setdefault(root, set())
                if keyed:
                    used.add("map")
                elif shape is not None:
                    used.add(shape)
    return summary  # the delete set follows; pycrdt reads (and checks) it when applying


#: a v1 update with no struct and an empty delete set (what an idle client answers)
EMPTY_UPDATES = frozenset({b"\x00\x00"})
SHAPE = {SharedType.TEXT: "text", SharedType.MAP: "map", SharedType.ARRAY: "array"}


@dataclass(frozen=True)
class Schema:
    """The shared types a page's live document may hold (``PageKind.shared_types``)."""

    types: Mapping[str, SharedType]
    #: the server alone writes the document (``PageKind.server_written``): a client's update
    #: must be empty. Exact, where a per-root rule could not be: an item continuing a
    #: neighbour does not name its root, and a bare delete set names no item's root at all.
    server_written: bool = False

    @property
    def text_only(self) -> bool:
        return all(t is SharedType.TEXT for t in self.types.values())

    @property
    def allowed(self) -> frozenset[int]:
        return TEXT_CONTENT if self.text_only else VALUE_CONTENT

    def check(self, update: bytes) -> Summary:
        """The update's summary; raises ForeignContent if it leaves the declared types."""
        if self.server_written and update not in EMPTY_UPDATES:
            raise ForeignContent(
                _l("Ce tableau se modifie par ses boutons : la modification est refusée.")
            )
        allowed = self.allowed
        summary = inspect(update, stop_at=frozenset(range(1, 10)) - allowed)
        refused = ForeignContent(
            _l("Cette page n'accepte pas ce type de contenu : la modification est refusée.")
        )
        if summary.contents - allowed or (summary.nested and self.text_only):
            raise refused
        for name, shapes in summary.roots.items():
            declared = self.types.get(name)
            if declared is None or shapes - {SHAPE[declared]}:
                raise refused
        return summary
