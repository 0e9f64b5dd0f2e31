"""Relative links of imported Markdown, turned into the addresses of what the import made.

``[texte](../fichiers/plan.png)``, ``![](images/x.jpg)``, ``[voir](autre-page.md#partie)``,
reference definitions (``[id]: chemin``) and Obsidian's ``![[image.png]]`` embeds are
resolved against the folder of the file that holds them; a path that names an imported file
becomes ``/s/<space>/ressources/<id>/fichier``, one that names an imported page (its ``.md``,
or its folder) becomes ``/s/<space>/p/<slug>``. Anything else (web addresses, anchors, paths
outside the archive, files that were not imported) is left as written. ``[[Titre]]`` links
are Cercle's own and are kept, unless a page of the space already answered at that title's
slug: then the link names the imported page by its address.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

from .slugs import slugify

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
#: ``](target`` of an inline link or image; the target is bare or in angle brackets
_INLINE = re.compile(r"(\]\()([ \t]*)(<[^<>\n]*>|[^\s()<>]+(?:\([^\s()]*\)[^\s()<>]*)*)")
_REFERENCE = re.compile(r"^( {0,3}\[[^\]\n]+\]:[ \t]*)(<[^<>\n]*>|\S+)", re.MULTILINE)
_EMBED = re.compile(r"!\[\[([^\[\]|\n#]+?)(?:\|([^\[\]\n]*))?\]\]")
_WIKILINK = re.compile(r"(?<!!)\[\[([^\[\]|\n]{1,200})(?:\|([^\[\]\n]{0,200}))?\]\]")


@dataclass(frozen=True)
class Targets:
    space_slug: str
    #: archive path of a file → the resource id it became
    files: dict[str, int]
    #: archive path of a ``.md`` → the slug of its page
    pages: dict[str, str]
    #: folder path → the slug of the page it became
    folders: dict[str, str]
    #: the slug a ``[[Titre]]`` names → the imported page's slug, where they differ (a page
    #: of the space already answered at that slug: the link must reach the imported one)
    moved: dict[str, str] = field(default_factory=dict)

    def file_url(self, resource_id: int) -> str:
        return f"/s/{self.space_slug}/ressources/{resource_id}/fichier"

    def page_url(self, slug: str) -> str:
        return f"/s/{self.space_slug}/p/{quote(slug)}"


def _resolve(raw: str, source: str, targets: Targets) -> str | None:
    if not raw or raw.startswith(("#", "/")) or _SCHEME.match(raw):
        return None
    path, _, fragment = raw.partition("#")
    path = path.split("?", 1)[0]
    if not path:
        return None
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(source), unquote(path)))
    if joined == ".." or joined.startswith("../"):
        return None
    if joined in targets.files:
        return targets.file_url(targets.files[joined])
    slug = (
        targets.pages.get(joined)
        or targets.pages.get(joined + ".md")
        or targets.folders.get(joined.rstrip("/"))
    )
    if slug:
        return targets.page_url(slug) + (f"#{fragment}" if fragment else "")
    return None


def _by_name(targets: Targets) -> dict[str, int]:
    """File name → resource id, for names only one imported file has."""
    counts: dict[str, list[int]] = {}
    for path, resource_id in targets.files.items():
        counts.setdefault(posixpath.basename(path).lower(), []).append(resource_id)
    return {name: ids[0] for name, ids in counts.items() if len(ids) == 1}


def rewrite_links(text: str, source: str, targets: Targets) -> str:
    """``text`` (the Markdown of the archive's file ``source``) with its relative links to
    imported files and pages made absolute addresses of the space."""

    def swap(raw: str) -> str | None:
        inner = raw[1:-1] if raw.startswith("<") else raw
        return _resolve(inner, source, targets)

    def inline(match: re.Match[str]) -> str:
        new = swap(match.group(3))
        return match.group(0) if new is None else match.group(1) + match.group(2) + new

    def reference(match: re.Match[str]) -> str:
        new = swap(match.group(2))
        return match.group(0) if new is None else match.group(1) + new

    names = _by_name(targets)

    def embed(match: re.Match[str]) -> str:
        name = match.group(1).strip()
        found = _resolve(name, source, targets)
        resource_id = names.get(posixpath.basename(name).lower())
        url = found or (targets.file_url(resource_id) if resource_id else None)
        if url is None or "/ressources/" not in url:
            return match.group(0)
        alt = (match.group(2) or posixpath.basename(name)).replace("]", "")
        if alt.isdigit():  # Obsidian's ``|300`` is a width, not a text
            alt = posixpath.basename(name)
        return f"![{alt}]({url})"

    def wikilink(match: re.Match[str]) -> str:
        slug = targets.moved.get(slugify(match.group(1).strip()))
        if slug is None:
            return match.group(0)
        label = (match.group(2) or match.group(1)).strip()
        return f"[{label}]({targets.page_url(slug)})"

    text = _EMBED.sub(embed, text)
    text = _INLINE.sub(inline, text)
    text = _REFERENCE.sub(reference, text)
    return _WIKILINK.sub(wikilink, text) if targets.moved else text
