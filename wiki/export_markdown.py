"""The mémoire as a zip of Markdown files (``exports.BUILDERS["markdown"]``).

Layout (also written to the zip's ``README.md``)::

    README.md                 what is where, how to import it again
    cercle.json               {"format": "cercle-markdown", "version": 1, "space", …}
    accueil.md                a page without sub-pages: <slug>.md
    statuts/index.md          a page with sub-pages: <slug>/index.md …
    statuts/scic.md           … and its sub-pages beside it
    sondage.md                a questionnaire: its Markdown rendition …
    sondage.questionnaire.json  … and its definition (questions, settings; no answers)
    tableau-comparatif-fiche-statut.md   generated: true (a comparison table)
    ressources.md             generated: true (the list of the resources)
    fichiers/plan-du-site.png the space's files the pages point at (all of them when the
    fichiers/ressources.json  selection has the resources list), and their titles, tags

Every ``.md`` starts with YAML front matter (``wiki.front_matter``): title, slug, parent
(the slug of the page above, null at the top), position (among its siblings), kind,
authors (as each consented: full name, initials, or left out), created, updated,
hidden_from_memoire, generated. Links to the space's files and pages become relative
paths, so the folder reads anywhere; ``[[Titre]]`` links are kept as written.
"""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from . import comparison, front_matter, kinds
from .credits import Credits
from .db import db
from .export_common import (
    FILES_DIR,
    credited_authors,
    export_name,
    file_resources,
    iso,
    nearest_exported_parent,
    own_links,
    referenced_resource_ids,
    relative,
    rewrite,
    selected_pages,
    stored_file,
    text_now,
)
from .kind_templates import heading_key
from .memoire import ItemRef
from .models import Page, Resource, Space
from .navigation import slug_map

FORMAT = "cercle-markdown"
FORMAT_VERSION = 1
MANIFEST = "cercle.json"
README = "README.md"
RESOURCES_MANIFEST = f"{FILES_DIR}/ressources.json"
QUESTIONNAIRE_SUFFIX = ".questionnaire.json"
INDEX = "index"
#: names a page may not take at the top of the zip
RESERVED_AT_ROOT = {"readme", FILES_DIR, "cercle", INDEX}

README_TEXT = """\
# {title}

Export Markdown de l'espace Cercle « {title} », fait le {date}.

- Chaque page est un fichier `.md` qui commence par un en-tête YAML (front matter) :
  `title` (titre), `slug` (adresse), `parent` (slug de la page au-dessus, `null` en haut),
  `position` (rang parmi ses voisines), `kind` (type de page), `authors` (les personnes
  citées comme elles l'ont choisi : nom, initiales, ou pas du tout), `created` et
  `updated` (dates ISO, UTC), `hidden_from_memoire`, `generated`.
- Une page sans sous-pages est `<slug>.md` ; une page avec des sous-pages est
  `<slug>/index.md`, ses sous-pages sont rangées dans le même dossier.
- Les fichiers de l'espace cités par les pages (tous, si le mémoire contient la liste des
  ressources) sont dans `fichiers/` ; les liens vers eux et entre pages sont des chemins
  relatifs. `fichiers/ressources.json` garde leurs titres, descriptions et étiquettes.
  Les liens `[[Titre]]` sont gardés tels quels (Obsidian les lit aussi).
- Un questionnaire a, à côté de sa page, `<slug>.questionnaire.json` : ses questions et
  réglages, sans les réponses.
- Les pages marquées `generated: true` (tableaux comparatifs, liste des ressources) sont
  calculées par Cercle : un import ne les recrée pas.

Pour l'importer dans un autre espace Cercle : page « Importer » de l'espace
(`/s/<espace>/importer`), ou `flask --app app import {zip_name} --space <espace>`.
"""


@dataclass(eq=False)
class Entry:
    """One ``.md`` file of the zip: a page of the selection, or a generated one."""

    name: str
    title: str
    page: Page | None = None
    item: ItemRef | None = None
    parent: Entry | None = None
    children: list[Entry] = field(default_factory=list)
    path: str = ""
    position: int = 0


def _unique(name: str, used: set[str]) -> str:
    candidate, n = name, 1
    while candidate.lower() in used:
        n += 1
        candidate = f"{name}-{n}"
    used.add(candidate.lower())
    return candidate


def _generated_entry(space: Space, item: ItemRef) -> Entry | None:
    if item.item_kind == "resources":
        return Entry("ressources", "Ressources", item=item)
    if item.item_kind == "comparison":
        kind = kinds.of_page(item.ref_key)
        if kind.name != item.ref_key or not kind.comparable:
            return None
        title = f"Tableau comparatif – {kind.label}"
        return Entry(f"tableau-comparatif-{kind.name.replace('_', '-')}", title, item=item)
    return None


def plan(space: Space, items: list[ItemRef]) -> list[Entry]:
    """The zip's ``.md`` files in reading order (each page before its sub-pages), with paths."""
    pages = selected_pages(space, items)
    exported = {page.id: page for page in pages}
    entries = {page.id: Entry(page.slug, page.title, page=page) for page in pages}
    roots: list[Entry] = []
    seen: set[int] = set()
    for item in items:
        if item.item_kind == "page":
            page = exported.get(item.ref_id or 0)
            if page is None or page.id in seen:
                continue
            seen.add(page.id)
            entry = entries[page.id]
            above = nearest_exported_parent(page, exported)
            entry.parent = entries[above.id] if above is not None else None
            (entry.parent.children if entry.parent else roots).append(entry)
        else:
            generated = _generated_entry(space, item)
            if generated is not None:
                roots.append(generated)
    ordered: list[Entry] = []
    _place(roots, "", set(RESERVED_AT_ROOT), ordered)
    return ordered


def _place(siblings: list[Entry], folder: str, used: set[str], out: list[Entry]) -> None:
    for position, entry in enumerate(siblings):
        entry.position = position
        name = _unique(entry.name, used)
        if entry.children:
            entry.path = f"{folder}{name}/{INDEX}.md"
            out.append(entry)
            _place(entry.children, f"{folder}{name}/", {INDEX}, out)
        else:
            entry.path = f"{folder}{name}.md"
            out.append(entry)


def _fields(entry: Entry, credits: Credits) -> dict[str, front_matter.Value]:
    page = entry.page
    parent = entry.parent.page.slug if entry.parent and entry.parent.page else None
    if page is None:
        return {
            "title": entry.title,
            "slug": entry.name,
            "parent": None,
            "position": entry.position,
            "kind": entry.item.item_kind if entry.item else "page",
            "generated": True,
        }
    return {
        "title": page.title,
        "slug": page.slug,
        "parent": parent,
        "position": entry.position,
        "kind": kinds.of_page(page.kind).name,
        "authors": credited_authors(page, credits),
        "created": iso(page.created_at),
        "updated": iso(page.updated_at),
        "hidden_from_memoire": bool(page.hidden_from_memoire),
        "generated": False,
    }


class _Writer:
    """Fills one zip: the pages' texts with their links made relative, and their files."""

    def __init__(self, space: Space, items: list[ItemRef], zf: zipfile.ZipFile) -> None:
        self.space, self.items, self.zf = space, items, zf
        self.credits = Credits(space)
        self.links = own_links(space)
        self.entries = plan(space, items)
        self.by_slug = {e.page.slug: e for e in self.entries if e.page is not None}
        self.slugs = slug_map(space)
        self.texts = {e.path: text_now(e.page, self.credits) for e in self.entries if e.page}
        self.with_list = any(item.item_kind == "resources" for item in items)
        wanted = referenced_resource_ids(self.texts.values(), self.links)
        self.files = file_resources(space, None if self.with_list else wanted)
        used = {"ressources.json"}
        self.file_names = {r.id: export_name(r, used) for r in self.files if stored_file(r)}

    def body(self, entry: Entry) -> str:
        if entry.page is None:
            return self._generated_body(entry)

        def file_target(resource_id: int) -> str | None:
            name = self.file_names.get(resource_id)
            return relative(entry.path, f"{FILES_DIR}/{name}") if name else None

        def page_target(slug: str) -> str | None:
            target = self.by_slug.get(self.slugs.get(slug, slug))
            return relative(entry.path, target.path) if target else None

        return rewrite(self.texts[entry.path], self.links, file_target, page_target)

    def _generated_body(self, entry: Entry) -> str:
        assert entry.item is not None
        if entry.item.item_kind == "comparison":
            return comparison_markdown(self.space, entry.item.ref_key)
        return self._resources_markdown(entry)

    def _resources_markdown(self, entry: Entry) -> str:
        lines = []
        for resource in _all_resources(self.space):
            target = resource.url or ""
            if resource.kind == "file":
                name = self.file_names.get(resource.id)
                target = relative(entry.path, f"{FILES_DIR}/{name}") if name else ""
            label = resource.title.replace("[", "(").replace("]", ")")
            line = f"- [{label}](<{target}>)" if target else f"- {label}"
            if resource.description:
                line += " — " + " ".join(resource.description.split())
            lines.append(line)
        return "\n".join(lines) + "\n" if lines else ""

    def write_pages(self, progress: Callable[[int], None]) -> None:
        for done, entry in enumerate(self.entries, start=1):
            fields = _fields(entry, self.credits)
            self.zf.writestr(entry.path, front_matter.document(fields, self.body(entry)))
            if entry.page is not None and entry.page.kind == "questionnaire":
                self._questionnaire(entry)
            progress(int(80 * done / max(1, len(self.entries))))

    def _questionnaire(self, entry: Entry) -> None:
        from .models_questionnaires import Questionnaire
        from .questionnaire_library import definition_of

        assert entry.page is not None
        found = db.session.scalar(
            select(Questionnaire).where(Questionnaire.page_id == entry.page.id)
        )
        if found is None:
            return
        definition = {"title": entry.page.title, **definition_of(found)}
        path = entry.path.removesuffix(".md") + QUESTIONNAIRE_SUFFIX
        self.zf.writestr(path, json.dumps(definition, ensure_ascii=False, indent=2) + "\n")

    def write_files(self) -> int:
        manifest: list[dict[str, Any]] = []
        for resource in self.files:
            name = self.file_names.get(resource.id)
            path = stored_file(resource)
            if name is None or path is None:
                continue
            self.zf.write(path, f"{FILES_DIR}/{name}")
            manifest.append({"kind": "file", "file": name, **_described(resource)})
        if self.with_list:
            for resource in _all_resources(self.space):
                if resource.kind == "link":
                    manifest.append({"kind": "link", "url": resource.url, **_described(resource)})
        if manifest:
            text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
            self.zf.writestr(RESOURCES_MANIFEST, text)
        return len(self.file_names)


def _described(resource: Resource) -> dict[str, Any]:
    return {
        "title": resource.title,
        "description": resource.description,
        "tags": resource.tag_names,
    }


def _all_resources(space: Space) -> list[Resource]:
    return list(
        db.session.scalars(
            select(Resource)
            .where(Resource.space_id == space.id)
            .order_by(Resource.created_at, Resource.id)
        )
    )


def comparison_markdown(space: Space, kind_name: str) -> str:
    """The comparison table of ``kind_name`` as Markdown: a heading per section, then what
    each page says under it (a Markdown table cannot hold paragraphs or lists)."""
    kind = kinds.of_page(kind_name)
    titles = comparison.section_titles(kind)
    sheets = comparison.sheets(space, kind)
    credits = Credits(space)
    found = {page.id: comparison.sections(text_now(page, credits)) for page in sheets}
    parts = []
    for title in titles:
        key = heading_key(title)
        cells = [f"### {page.title}\n\n{found[page.id].get(key) or '—'}" for page in sheets]
        parts.append("\n\n".join([f"## {title}", *cells]))
    return "\n\n".join(parts) + "\n" if parts else ""


def build(
    space: Space, items: list[ItemRef], out_path: Path, progress: Callable[[int], None]
) -> None:
    """Write the Markdown zip of ``items`` (a mémoire selection of ``space``) to ``out_path``."""
    progress(0)
    with zipfile.ZipFile(out_path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        writer = _Writer(space, items, zf)
        writer.write_pages(progress)
        files = writer.write_files()
        now = dt.datetime.now(dt.UTC)
        manifest = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "space": {"slug": space.slug, "title": space.title},
            "exported_at": now.replace(microsecond=0, tzinfo=None).isoformat() + "Z",
            "pages": sum(1 for e in writer.entries if e.page is not None),
            "files": files,
        }
        zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
        readme = README_TEXT.format(
            title=space.title, date=now.date().isoformat(), zip_name=f"{space.slug}-markdown.zip"
        )
        zf.writestr(README, readme)
    progress(100)
