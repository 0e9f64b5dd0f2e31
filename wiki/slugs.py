"""Slugs that keep French words readable.

``Coopération économique`` → ``cooperation-economique``.
"""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^a-z0-9]+")
_LIGATURES = str.maketrans(
    {"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "’": "-", "ʼ": "-"}
)


def slugify(text: str, *, max_length: int = 200) -> str:
    folded = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").lower()
    slug = _NON_WORD.sub("-", ascii_text).strip("-")
    return slug[:max_length].rstrip("-")
