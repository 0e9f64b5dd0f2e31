"""The mémoire as a PDF (WeasyPrint): ``build(space, items, out_path, progress)``.

The HTML is ``templates/memoire/print.html`` (the same one the print preview shows in the
browser) with ``static/css/print-memoire.css``: a cover, a table of contents whose page
numbers come from ``target-counter``, a running header with the space's title, "page X / Y",
bookmarks from the headings, tables whose header repeats on each page, wide comparison
tables on landscape pages, SVG kept as vectors, French no-break spaces
(``wiki.typography_fr``). Fonts are the system's (DejaVu, from Debian's fonts-dejavu);
nothing is fetched from the network: the URL fetcher serves the space's own uploaded files
from disk and refuses every other address.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path

from flask import current_app, render_template, url_for

from . import memoire_content
from .memoire import ItemRef
from .models import Space
from .typography_fr import french_spaces

log = logging.getLogger(__name__)
#: relative addresses of the page (images) resolve against this, then map to files
BASE_URL = "https://memoire.invalid/"
STYLESHEET = "css/print-memoire.css"


def stylesheet_path() -> Path:
    return Path(current_app.static_folder or "static") / STYLESHEET


def print_html(
    space: Space,
    items: list[ItemRef],
    progress: Callable[[int], None] | None = None,
    *,
    preview: bool = False,
) -> str:
    """The printable HTML of the mémoire (the PDF's source, and the print preview)."""
    doc = memoire_content.document(space, items, progress)
    html = render_template("memoire/print.html", preview=preview, **memoire_content.context(doc))
    return french_spaces(_internal_links(_unique_anchors(html), doc))


def _internal_links(html: str, doc: memoire_content.Document) -> str:
    """A [[link]] to a page that is in the mémoire leads to its chapter, not to the wiki."""
    for section in doc.sections:
        if section.page is not None:
            url = url_for("pages.view", space_ref=doc.space.slug, slug=section.page.slug)
            html = html.replace(f'href="{url}"', f'href="#{section.anchor}"')
    return html


_CHAPTER = re.compile(r'(<section class="chapter[^"]*" aria-labelledby="([^"]+)")')
_ID = re.compile(r'(\sid="|\shref="#)(?!section-|introduction")([^"]+)"')


def _unique_anchors(html: str) -> str:
    """Each chapter's heading anchors prefixed by the chapter's, so two pages with the same
    heading do not share an anchor (a link inside a page still finds its own heading)."""
    parts = _CHAPTER.split(html)  # text, (tag, chapter id, text)…
    out = [parts[0]]
    for index in range(1, len(parts), 3):
        tag, chapter, body = parts[index], parts[index + 1], parts[index + 2]
        out.append(tag)
        out.append(_ID.sub(lambda m, c=chapter: f'{m.group(1)}{c}-{m.group(2)}"', body))
    return "".join(out)


def _fetcher(space: Space):
    from weasyprint import URLFetcher
    from weasyprint.urls import URLFetcherResponse

    class LocalFetcher(URLFetcher):
        """Only the space's uploaded files (from disk) and ``data:`` URLs."""

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            found = memoire_content.resource_file(space, url)
            if found is None:
                raise ValueError(f"not fetched in an export: {url[:200]}")
            path, mime = found
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})

    return LocalFetcher()


def build(
    space: Space, items: list[ItemRef], out_path: Path, progress: Callable[[int], None]
) -> None:
    from weasyprint import CSS, HTML

    html = print_html(space, items, lambda percent: progress(percent * 30 // 100))
    progress(35)
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher(space)).render(
        stylesheets=[CSS(filename=str(stylesheet_path()))]
    )
    progress(85)
    document.write_pdf(str(out_path))
    progress(99)
