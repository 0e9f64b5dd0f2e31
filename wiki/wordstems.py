"""Seam: how the words of a "words" question are grouped; ``search`` registers its analyzer.

``wiki`` imports nothing from ``search``: at init, search registers a function that turns a
word or short phrase into its French stems (the index's own analyzer), so « coopération »
and « coopérations » fall into one group. Without it (search not set up), words are grouped
by their lowercase, accent-free spelling.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from flask import Flask, current_app, has_app_context

#: ``phrase -> key``: the same key for words that are the same word
Stemmer = Callable[[str], str]
EXTENSION_KEY = "cercle.word_stems"


def register(app: Flask, stemmer: Stemmer) -> None:
    app.extensions[EXTENSION_KEY] = stemmer


def _folded(phrase: str) -> str:
    decomposed = unicodedata.normalize("NFKD", phrase.lower())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def stem_key(phrase: str) -> str:
    stemmer = current_app.extensions.get(EXTENSION_KEY) if has_app_context() else None
    key = stemmer(phrase) if stemmer else ""
    return key or _folded(phrase)
