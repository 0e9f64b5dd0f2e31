"""Markdown → HTML for wiki pages, with ``[[wikilinks]]``, heading anchors and a table of contents.

markdown-it-py runs with raw HTML off; its output then goes through
``wiki.sanitize.clean_html``. ``render_markdown`` is the only place in the
project that marks HTML as safe (``Markup``), and only after that step.

Wikilinks: ``[[Titre]]`` or ``[[Titre|texte affiché]]``. The caller maps a title
to a ``LinkTarget`` (page URL, or the create-page URL when the page is missing),
so this module knows nothing about spaces, routes or the database.

Charts: a fenced block ````` ```cercle-chart ````` holding a chart id (a questionnaire's
published synthesis writes them) becomes that chart's SVG, which the caller's
``chart_svg`` resolver returns (only charts drawn by ``wiki.charts`` and stored for the
page's own space). The SVG is put in *after* sanitizing, which would strip it, and
``trusted_svg`` is the one place that marks such SVG safe: its texts were escaped when it
was drawn, and what an author types in the block is a number, nothing more.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from flask_babel.speaklater import LazyString
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markupsafe import Markup, escape
from mdit_py_plugins.tasklists import tasklists_plugin

from wiki.sanitize import clean_html
from wiki.slugs import slugify

__all__ = [
    "MAX_TITLE_LENGTH",
    "Heading",
    "LinkTarget",
    "RenderedPage",
    "render_markdown",
    "render_plain",
    "trusted_svg",
    "wikilink_titles",
]

logger = logging.getLogger(__name__)

MAX_TITLE_LENGTH = 200
TOC_MAX_LEVEL = 4
_MAX_LABEL_LENGTH = 200
# Bounds the search for "]]" so a page full of "[[" stays linear.
_MAX_INNER_LENGTH = MAX_TITLE_LENGTH + _MAX_LABEL_LENGTH + 16
_FORBIDDEN_IN_TITLE = frozenset("[]|\n")
_FORBIDDEN_IN_LABEL = frozenset("[]\n")
_ENV_TARGET = "wiki_link_target"
_ENV_CACHE = "wiki_link_cache"


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str


@dataclass(frozen=True)
class LinkTarget:
    url: str
    exists: bool


@dataclass(frozen=True)
class RenderedPage:
    html: Markup
    toc: tuple[Heading, ...]


LinkResolver = Callable[[str], LinkTarget]
#: chart id → its stored SVG (drawn by ``wiki.charts``), or None when there is no such chart
ChartResolver = Callable[[int], "str | None"]
_CHART_BLOCK = re.compile(r'<pre><code class="language-cercle-chart">\s*(\d{1,9})\s*</code></pre>')


def _unresolved(_title: str) -> LinkTarget:
    return LinkTarget(url="#", exists=False)


# --- parser -----------------------------------------------------------------


def _scan_wikilink(src: str, pos: int, end: int) -> tuple[str, str, int] | None:
    """Parse ``[[title|label]]`` at ``pos``; return (title, label, position after) or None."""
    if not src.startswith("[[", pos):
        return None
    start = pos + 2
    close = src.find("]]", start, min(end, start + _MAX_INNER_LENGTH + 2))
    if close < 0:
        return None
    target, has_label, label = src[start:close].partition("|")
    title, label = target.strip(), label.strip()
    if not title or len(title) > MAX_TITLE_LENGTH or _FORBIDDEN_IN_TITLE & set(title):
        return None
    if len(label) > _MAX_LABEL_LENGTH or _FORBIDDEN_IN_LABEL & set(label):
        return None
    return title, (label if has_label and label else title), close + 2


def _resolve(env: dict[str, Any], title: str) -> LinkTarget:
    cache_: dict[str, LinkTarget] = env.setdefault(_ENV_CACHE, {})
    if title not in cache_:
        resolver: LinkResolver = env.get(_ENV_TARGET) or _unresolved
        cache_[title] = resolver(title)
    return cache_[title]


def _wikilink_rule(state: StateInline, silent: bool) -> bool:
    found = _scan_wikilink(state.src, state.pos, state.posMax)
    if found is None:
        return False
    title, label, after = found
    if not silent:
        _push_wikilink(state, title, label)
    state.pos = after
    return True


def _push_wikilink(state: StateInline, title: str, label: str) -> None:
    # Plain link tokens: the stock renderer escapes the attributes, and alt
    # text, plain text and the TOC see the label like any other link text.
    target = _resolve(state.env, title)
    link = state.push("link_open", "a", 1)
    link.attrs = {"class": "wikilink", "href": target.url}
    if not target.exists:
        logger.debug("wikilink to missing page %r", title)
        link.attrs["class"] = "wikilink wikilink-missing"
        link.attrs["title"] = f"Créer la page « {title} »"
    link.markup = "wikilink"
    link.meta = {"wikilink": title}
    state.push("text", "", 0).content = label
    state.push("link_close", "a", -1).markup = "wikilink"


@cache
def _parser() -> MarkdownIt:
    # checkboxes are disabled by default; each is named by its item's text (a <label>)
    md = MarkdownIt("js-default").use(tasklists_plugin, label=True)
    # Before "link", so that "[[x]]" is never read as a reference link "[x]".
    md.inline.ruler.before("link", "wikilink", _wikilink_rule)
    return md


def _parse(markdown: str, link_target: LinkResolver | None) -> tuple[list[Token], dict[str, Any]]:
    env: dict[str, Any] = {_ENV_TARGET: link_target}
    return _parser().parse(markdown, env), env


# --- token walks ------------------------------------------------------------


def _inline_text(children: Sequence[Token] | None) -> str:
    parts: list[str] = []
    for token in children or ():
        if token.type in ("text", "code_inline"):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif token.type == "image":
            parts.append(_inline_text(token.children))
    return "".join(parts)


def _walk_inline(tokens: Iterable[Token]) -> Iterable[Token]:
    for token in tokens:
        if token.children:
            yield from _walk_inline(token.children)
        yield token


def _align_table_cells(tokens: Iterable[Token]) -> None:
    # The sanitizer allows no style attribute at all; a class does the same job.
    for token in tokens:
        style = token.attrs.get("style") if token.type in ("th_open", "td_open") else None
        if isinstance(style, str) and style.startswith("text-align:"):
            del token.attrs["style"]
            token.attrSet("class", "align-" + style.removeprefix("text-align:").strip())


def _anchor_headings(tokens: Sequence[Token]) -> tuple[Heading, ...]:
    used: set[str] = set()
    toc: list[Heading] = []
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        text = _inline_text(tokens[index + 1].children).strip()
        anchor = _unique(slugify(text) or "section", used)
        token.attrSet("id", anchor)
        level = int(token.tag[1:])
        if level <= TOC_MAX_LEVEL:
            toc.append(Heading(level=level, text=text, anchor=anchor))
    return tuple(toc)


def _unique(slug: str, used: set[str]) -> str:
    candidate, counter = slug, 1
    while candidate in used:
        counter += 1
        candidate = f"{slug}-{counter}"
    used.add(candidate)
    return candidate


# --- public API -------------------------------------------------------------


def wikilink_titles(markdown: str) -> list[str]:
    """Titles named by ``[[...]]`` in ``markdown``, in order, without duplicates.

    Wikilinks in code spans and code blocks are not links, so they are not listed.
    """
    tokens, _env = _parse(markdown, None)
    titles = (token.meta.get("wikilink") for token in _walk_inline(tokens))
    return list(dict.fromkeys(title for title in titles if isinstance(title, str)))


def trusted_svg(svg: str) -> Markup:
    """An SVG drawn by ``wiki.charts`` or ``wiki.mindmap`` (every text escaped there), safe to
    put in a page."""
    return Markup(svg)


def _insert_charts(html: str, chart_svg: ChartResolver) -> str:
    def chart(match: re.Match[str]) -> str:
        svg = chart_svg(int(match.group(1)))
        return (
            match.group(0) if svg is None else f'<figure class="chart">{trusted_svg(svg)}</figure>'
        )

    return _CHART_BLOCK.sub(chart, html)


def render_markdown(
    markdown: str,
    link_target: LinkResolver | None = None,
    chart_svg: ChartResolver | None = None,
) -> RenderedPage:
    """Render ``markdown`` to sanitized HTML plus its table of contents (h1–h4).

    ``link_target`` is called once per distinct wikilink title; ``chart_svg`` once per
    ``cercle-chart`` block.
    """
    tokens, env = _parse(markdown, link_target)
    _align_table_cells(tokens)
    toc = _anchor_headings(tokens)
    md = _parser()
    html = clean_html(md.renderer.render(tokens, md.options, env))
    if chart_svg is not None and "language-cercle-chart" in html:
        html = _insert_charts(html, chart_svg)
    return RenderedPage(html=Markup(html), toc=toc)


def render_plain(markdown: str) -> str:
    """Plain text of the page, one block per line, for excerpts and search.

    The result is text, not HTML: characters such as ``<`` are kept as they are
    and must be escaped by whoever puts them in a page.
    """
    tokens, _env = _parse(markdown, None)
    lines: list[str] = []
    for token in tokens:
        if token.type == "inline":
            lines.append(_inline_text(token.children))
        elif token.type in ("fence", "code_block"):
            lines.append(token.content)
    return "\n".join(line.strip() for line in lines if line.strip())


def _escaped_lazy_string(self: LazyString) -> Markup:
    return escape(str(self))


# Flask-Babel's lazy strings declare themselves safe HTML (``__html__`` returns the text
# as is), so a lazy message carrying a title someone typed (``_l("… « %(title)s »")``)
# would reach a template unescaped. Only this module says what is safe: a lazy string is
# text, escaped like any other.
LazyString.__html__ = _escaped_lazy_string  # type: ignore[method-assign]
