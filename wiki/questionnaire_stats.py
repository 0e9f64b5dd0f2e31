"""Small statistics for results: means, and words grouped by their French stem."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from .wordstems import stem_key


def mean(values: Iterable[Any]) -> float | None:
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    return round(sum(numbers) / len(numbers), 2) if numbers else None


def word_groups(values: Iterable[Any]) -> list[dict[str, Any]]:
    """``[{"stem", "word", "count"}]``, most given first; ``word`` is the group's most
    frequent spelling (lowercase; alphabetical first on a tie). Each person counts once per
    group, even if they gave two words of the same stem."""
    spellings: dict[str, Counter[str]] = {}
    for value in values:
        seen: set[str] = set()
        for word in value if isinstance(value, list) else []:
            if not isinstance(word, str) or not word.strip():
                continue
            key = stem_key(word)
            if key in seen:
                continue
            seen.add(key)
            spellings.setdefault(key, Counter())[" ".join(word.lower().split())] += 1
    groups = [
        {
            "stem": key,
            "word": min(forms.items(), key=lambda item: (-item[1], item[0]))[0],
            "count": sum(forms.values()),
        }
        for key, forms in spellings.items()
    ]
    return sorted(groups, key=lambda g: (-g["count"], g["word"]))
