"""A small memo of per-question results, so the live wall recomputes only what changed.

After each answer the wall's broadcast, and every watcher's ``watch``, computes the whole
results dict; most questions are the same as the time before (the answer touched a few, a
word was hidden, a watcher joined). A question's part of the results is a pure function of
its definition, its answers (in the order of the keyed hashes), the names shown beside
text answers, the hidden words, whether a facilitator asks and the language: that tuple is
the key, so an entry can never be stale, and a change of any of them is a miss. Entries
are what the wall shows anyway (no more than the results themselves); bounded, in memory.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

SIZE = 1024
_entries: OrderedDict[Hashable, dict[str, Any]] = OrderedDict()
_lock = threading.Lock()


def cached(key: Hashable, compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The value for ``key``, computed once (a copy: callers may add to it)."""
    with _lock:
        found = _entries.get(key)
        if found is not None:
            _entries.move_to_end(key)
            return dict(found)
    value = compute()
    with _lock:
        _entries[key] = value
        while len(_entries) > SIZE:
            _entries.popitem(last=False)
    return dict(value)


def clear() -> None:
    with _lock:
        _entries.clear()
