"""Slugs that keep French words readable, and whether a title has anything to see.

``Coopération économique`` → ``cooperation-economique``.
"""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^a-z0-9]+")
_LIGATURES = str.maketrans(
    {"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "’": "-", "ʼ": "-"}
)

#: Code points that draw nothing: controls (Cc), format characters (Cf: zero-width
#: spaces and joiners, bidi controls, BOM, tag characters), separators (Z*), and the
#: default-ignorable or blank letters and marks (Hangul fillers, variation selectors,
#: braille blank). Written out rather than read from ``unicodedata`` so the OpenAPI
#: document can state the very same set (``VISIBLE_PATTERN``); a unit test checks it
#: still covers every Cc, Cf and Z* character of Python's Unicode database.
INVISIBLE_RANGES: tuple[tuple[int, int], ...] = (
    (0x0000, 0x0020),
    (0x007F, 0x00A0),
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x0600, 0x0605),
    (0x061C, 0x061C),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x115F, 0x1160),
    (0x1680, 0x1680),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x2000, 0x200F),
    (0x2028, 0x202F),
    (0x205F, 0x206F),
    (0x2800, 0x2800),
    (0x3000, 0x3000),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x1343F),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
    (0xE0100, 0xE01EF),
)
# Literal characters, not escapes: Python's ``re`` and ECMA-262 (with the ``u`` flag)
# read them alike, astral ones included, and none of them is special inside a class.
_INVISIBLE_CLASS = "".join(
    chr(low) if low == high else f"{chr(low)}-{chr(high)}" for low, high in INVISIBLE_RANGES
)
#: matches any text with at least one visible character (a JSON Schema ``pattern``)
VISIBLE_PATTERN = f"[^{_INVISIBLE_CLASS}]"
_VISIBLE = re.compile(VISIBLE_PATTERN)


def has_visible_character(text: str) -> bool:
    return _VISIBLE.search(text) is not None


def slugify(text: str, *, max_length: int = 200) -> str:
    folded = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").lower()
    slug = _NON_WORD.sub("-", ascii_text).strip("-")
    return slug[:max_length].rstrip("-")
