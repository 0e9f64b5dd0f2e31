"""HTML sanitizer for rendered Markdown: the only module that imports bleach.

``clean_html`` is an allowlist: tags and attributes that markdown-it (with raw
HTML off) and ``wiki.rendering`` produce, nothing else. It is meant to be the
last step before HTML is trusted, so it assumes hostile input even though the
Markdown renderer already refuses raw HTML.

The pipeline is bleach's own ``Cleaner.clean`` with one extra html5lib filter
placed *before* the sanitizer, which removes script-like elements together with
their text (bleach's ``strip=True`` removes the tags but keeps "alert(1)").
Because that filter runs before the sanitizer, a bug in it can only leak text,
never markup. bleach parsers keep state, so each thread gets its own.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from typing import Any

from bleach import html5lib_shim
from bleach.sanitizer import BleachSanitizerFilter

__all__ = ["ALLOWED_PROTOCOLS", "ALLOWED_TAGS", "EXTERNAL_REL", "clean_html", "is_external_url"]

ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "a", "img", "ul", "ol", "li", "input",
        "table", "thead", "tbody", "tr", "th", "td", "code", "pre", "blockquote", "hr",
        "br", "em", "strong", "del", "s", "sup", "sub", "span", "label",
    }
)  # fmt: skip

ALLOWED_PROTOCOLS: frozenset[str] = frozenset({"http", "https", "mailto"})

EXTERNAL_REL = "noopener noreferrer nofollow"

# Elements whose content is code, styling or a nested document, never page text.
_DROP_WITH_CONTENT: frozenset[str] = frozenset(
    {
        "script", "style", "template", "iframe", "object", "noscript", "noembed",
        "noframes", "textarea", "title", "xmp", "svg", "math", "select",
    }
)  # fmt: skip

# Attributes whose value is free text or a URL (URLs are then checked by bleach).
_FREE_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "title"}),
    "img": frozenset({"src", "alt", "title"}),
    "input": frozenset({"checked", "disabled"}),
}


def _classes(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?:{name})(?:\s+(?:{name}))*")


# Attributes with a constrained value: a class list is accepted only if every
# class matches, so content cannot borrow the application's own CSS classes
# (a fake flash message, a full-page overlay). Nothing emits <span> yet; a
# future syntax highlighter should use the "hl-" prefix (Pygments classprefix).
_PATTERN_ATTRIBUTES: dict[str, dict[str, re.Pattern[str]]] = {
    "a": {"class": _classes("wikilink(?:-missing)?")},
    "code": {"class": re.compile(r"language-[A-Za-z0-9_+#.-]{1,40}")},
    "pre": {"class": re.compile(r"language-[A-Za-z0-9_+#.-]{1,40}")},
    "span": {"class": _classes("hl-[A-Za-z0-9_-]{1,40}")},
    "th": {"class": re.compile(r"align-(?:left|center|right)")},
    "td": {"class": re.compile(r"align-(?:left|center|right)")},
    "ul": {"class": re.compile(r"contains-task-list")},
    "ol": {"class": re.compile(r"contains-task-list"), "start": re.compile(r"\d{1,9}")},
    "li": {"class": re.compile(r"task-list-item")},
    "input": {"class": re.compile(r"task-list-item-checkbox"), "type": re.compile("checkbox")},
    **{f"h{n}": {"id": re.compile(r"[a-z0-9][a-z0-9-]{0,220}")} for n in range(1, 7)},
}

_URL_NOISE = re.compile(r"[\x00-\x20\x7f-\xa0\s]+")


def _allow_attribute(tag: str, name: str, value: str) -> bool:
    if name in _FREE_ATTRIBUTES.get(tag, ()):
        return True
    pattern = _PATTERN_ATTRIBUTES.get(tag, {}).get(name)
    return pattern is not None and pattern.fullmatch(value.strip()) is not None


def is_external_url(url: str) -> bool:
    """True for absolute http(s) URLs and protocol-relative ones (``//host``, ``/\\host``).

    Browsers treat a backslash like a slash in http URLs, so ``/\\evil.example``
    leaves the site just as ``//evil.example`` does.
    """
    normalized = _URL_NOISE.sub("", unescape(url)).replace("\\", "/").lower()
    return normalized.startswith(("http:", "https:", "//"))


class _DropContentFilter(html5lib_shim.Filter):
    """Removes ``_DROP_WITH_CONTENT`` elements and everything inside them."""

    def __iter__(self) -> Iterator[dict[str, Any]]:
        depth = 0
        for token in super().__iter__():
            if token.get("name") not in _DROP_WITH_CONTENT:
                if depth == 0:
                    yield token
            elif token["type"] == "StartTag":
                depth += 1
            elif token["type"] == "EndTag":
                depth = max(depth - 1, 0)


class _ExternalLinkFilter(html5lib_shim.Filter):
    """Adds ``rel`` to links that leave the site (runs after the sanitizer)."""

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for token in super().__iter__():
            if token["type"] == "StartTag" and token["name"] == "a":
                href = token["data"].get((None, "href"))
                if href is not None and is_external_url(href):
                    token["data"][(None, "rel")] = EXTERNAL_REL
            yield token


@dataclass
class _Pipeline:
    parser: Any
    walker: Any
    serializer: Any


_local = threading.local()


def _pipeline() -> _Pipeline:
    pipeline: _Pipeline | None = getattr(_local, "pipeline", None)
    if pipeline is None:
        pipeline = _Pipeline(
            # The parser must know the dropped elements, otherwise it strips
            # their tags itself and their text becomes ordinary text.
            parser=html5lib_shim.BleachHTMLParser(
                tags=ALLOWED_TAGS | _DROP_WITH_CONTENT,
                strip=True,
                consume_entities=False,
                namespaceHTMLElements=False,
            ),
            walker=html5lib_shim.getTreeWalker("etree"),
            serializer=html5lib_shim.BleachHTMLSerializer(
                quote_attr_values="always",
                omit_optional_tags=False,
                escape_lt_in_attrs=True,
                resolve_entities=False,
                sanitize=False,
                alphabetical_attributes=False,
            ),
        )
        _local.pipeline = pipeline
    return pipeline


def clean_html(html: str) -> str:
    """Return ``html`` reduced to the allowlist; safe to mark as ``Markup``."""
    if not html:
        return ""
    pipeline = _pipeline()
    stream = _DropContentFilter(pipeline.walker(pipeline.parser.parseFragment(html)))
    stream = BleachSanitizerFilter(
        source=stream,
        allowed_tags=ALLOWED_TAGS,
        attributes=_allow_attribute,
        allowed_protocols=ALLOWED_PROTOCOLS,
        strip_disallowed_tags=True,
        strip_html_comments=True,
    )
    return str(pipeline.serializer.render(_ExternalLinkFilter(stream)))
