"""Import a zip of Markdown pages into a space: Cercle's own Markdown export, or a folder of
notes zipped from elsewhere (HedgeDoc, Obsidian…).

- **Tree** and **titles**: see ``wiki.import_plan`` (a folder is a page; sub-pages follow the
  front matter's ``position``, then their file names).
- **Kind**: the front matter's ``kind`` when its pages are made from text; a questionnaire
  is made again from its ``.questionnaire.json`` (questions and settings, no answers); a
  Métaplan board, or a kind this instance does not know, becomes a free page with its
  Markdown (a warning says so). Pages marked ``generated: true`` are left out.
- **Files**: every other file becomes a resource of the space (the same checks and limits as
  an upload; titles and tags from ``fichiers/ressources.json`` when present), and relative
  links to files and pages are rewritten to the new resources' and pages' addresses; an
  Obsidian embed ``![[image.png]]`` becomes an image.

Everything goes through the services (``pages``, ``questionnaires``, ``resources``); the
archive is read and checked first (``wiki.import_archive``). Facilitators only, refused on
an archived space.
"""

from __future__ import annotations

import io
import json
import logging
import posixpath
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from . import accounts, kinds, pages, resources, spaces
from .db import db
from .errors import CercleError, NotFound
from .import_archive import MARKDOWN_SUFFIXES, Archive, Limits, open_archive
from .import_links import Targets, rewrite_links
from .import_plan import (
    FILES_PREFIX,
    MANIFEST,
    QUESTIONNAIRE_SUFFIX,
    RESOURCES_MANIFEST,
    Node,
    Planner,
    Report,
    is_ours,
    predict_slugs,
)
from .models import Page, Resource, Space, User
from .permissions import Action, require
from .slugs import slugify

log = logging.getLogger(__name__)

LAST = 1_000_000


class _Importer:
    def __init__(
        self, user: User, space: Space, archive: Archive, upload_dir: Path, max_bytes: int
    ) -> None:
        self.user, self.space, self.archive = user, space, archive
        self.upload_dir, self.max_bytes = upload_dir, max_bytes
        self.report = Report(warnings=list(archive.warnings), skipped=archive.ignored)
        self.resources: dict[str, Resource] = {}
        self.ours = is_ours(archive)

    def warn(self, message: Any) -> None:
        self.report.warnings.append(message)

    def _described(self) -> dict[str, dict[str, Any]]:
        data = self.archive.files.get(RESOURCES_MANIFEST)
        try:
            listed = json.loads(data.decode("utf-8")) if data else []
        except (UnicodeDecodeError, ValueError):
            self.warn(_l("« %(name)s » est illisible : ignoré.", name=RESOURCES_MANIFEST))
            listed = []
        described: dict[str, dict[str, Any]] = {}
        for entry in listed if isinstance(listed, list) else []:
            if not isinstance(entry, dict):
                continue
            if entry.get("kind") == "link":
                self.link(entry)
            elif isinstance(entry.get("file"), str):
                described["fichiers/" + entry["file"]] = entry
        return described

    def link(self, entry: dict[str, Any]) -> None:
        try:
            resources.add_link(
                self.user,
                self.space,
                url=str(entry.get("url") or ""),
                title=str(entry.get("title") or ""),
                description=str(entry.get("description") or ""),
                tags=[str(t) for t in entry.get("tags") or [] if isinstance(t, str)],
            )
            self.report.links += 1
        except CercleError as error:
            db.session.rollback()
            name = str(entry.get("title") or entry.get("url") or "?")[:120]
            self.warn(_l("Lien « %(name)s » : %(why)s", name=name, why=error.message))

    def files(self) -> None:
        described = self._described()
        skip = {MANIFEST, RESOURCES_MANIFEST}
        for path in sorted(self.archive.files):
            if path in skip or path.endswith(QUESTIONNAIRE_SUFFIX) or self._is_page(path):
                continue
            data = self.archive.files[path]
            entry = described.get(path, {})
            tags = entry.get("tags") if isinstance(entry.get("tags"), list) else []
            try:
                self.resources[path] = resources.add_file(
                    self.user,
                    self.space,
                    filename=posixpath.basename(path),
                    stream=io.BytesIO(data),
                    title=str(entry.get("title") or ""),
                    description=str(entry.get("description") or ""),
                    tags=[str(t) for t in tags if isinstance(t, str)],
                    max_bytes=self.max_bytes,
                    upload_dir=self.upload_dir,
                )
                self.report.files += 1
            except CercleError as error:
                db.session.rollback()
                self.warn(_l("« %(name)s » : %(why)s", name=path, why=error.message))

    def _is_page(self, path: str) -> bool:
        """A Markdown file is a page, but in a Cercle export's ``fichiers/``."""
        if not path.lower().endswith(MARKDOWN_SUFFIXES):
            return False
        return not (self.ours and path.startswith(FILES_PREFIX))

    def targets(self, planner: Planner) -> Targets:
        return Targets(
            space_slug=self.space.slug,
            files={path: r.id for path, r in self.resources.items()},
            pages={path: n.slug for path, n in planner.nodes.items()},
            folders={path: n.slug for path, n in planner.folders.items()},
            moved=_moved([*planner.nodes.values(), *planner.folders.values()]),
        )

    def make(self, node: Node, text: str) -> Page | None:
        parent = node.parent
        while parent is not None and parent.page is None:
            parent = parent.parent
        parent_id = parent.page.id if parent and parent.page else None
        try:
            page = self._create(node, text, parent_id)
        except CercleError as error:
            db.session.rollback()
            self.warn(
                _l("« %(name)s » : %(why)s", name=node.path or node.folder, why=error.message)
            )
            return None
        # last among its siblings (made in their order), after the pages already there
        pages.move_page(self.user, page, parent_id, LAST)
        if node.hidden:
            page.hidden_from_memoire = True
            db.session.commit()
        self.report.pages += 1
        self.report.first_page = self.report.first_page or page
        return page

    def _create(self, node: Node, text: str, parent_id: int | None) -> Page:
        kind = kinds.of_page(node.kind)
        if node.kind == "questionnaire" and node.definition is not None:
            made = self._questionnaire(node, parent_id)
            if made is not None:
                return made
        name = node.path or node.folder
        if kind.name != node.kind and node.kind != "page":
            self.warn(
                _l("« %(name)s » : type de page inconnu, importée comme page libre.", name=name)
            )
        elif not (kind.generic and kind.text_editable) and node.kind != "questionnaire":
            self.warn(
                _l(
                    "« %(name)s » (%(kind)s) : importée comme page libre, avec son texte.",
                    name=name,
                    kind=kind.label,
                )
            )
        elif node.kind == "questionnaire" and node.definition is None:
            self.warn(
                _l(
                    "« %(name)s » : questionnaire sans définition, importé comme page libre.",
                    name=name,
                )
            )
        usable = kind.name if kind.generic and kind.text_editable else "page"
        return pages.create_page(
            self.user, self.space, node.title, text, parent_id=parent_id, kind=usable
        )

    def _questionnaire(self, node: Node, parent_id: int | None) -> Page | None:
        from .questionnaire_library import DEFINITION_FIELDS
        from .questionnaires import create

        assert node.definition is not None
        fields = {k: node.definition[k] for k in DEFINITION_FIELDS if k in node.definition}
        try:
            made = create(self.user, self.space, title=node.title, parent_id=parent_id, **fields)
        except (CercleError, TypeError) as error:
            db.session.rollback()
            why = error.message if isinstance(error, CercleError) else "?"
            self.warn(_l("« %(name)s » : questionnaire refusé (%(why)s).", name=node.path, why=why))
            return None
        return db.session.get(Page, made.page_id)


def _moved(nodes: list[Node]) -> dict[str, str]:
    """Title slug → the first imported page of that title, where its slug differs because
    the space already had that slug (``Targets.moved``)."""
    taken = {node.slug for node in nodes}
    moved: dict[str, str] = {}
    for node in sorted(nodes, key=lambda n: n.slug):
        wanted = slugify(node.title)
        if node.slug and wanted != node.slug and wanted not in taken:
            moved.setdefault(wanted, node.slug)
    return moved


def import_zip(
    user: User,
    space: Space,
    source: IO[bytes],
    *,
    limits: Limits,
    upload_dir: Path,
) -> Report:
    """Import the zip in ``source`` into ``space`` (see the module's docstring)."""
    require(user, space, Action.MANAGE)
    with open_archive(source, limits) as archive:
        importer = _Importer(user, space, archive, upload_dir, limits.max_file_bytes)
        planner = Planner(archive, importer.report)
        nodes = planner.plan()
        importer.files()
    predict_slugs(space, nodes)
    targets = importer.targets(planner)
    for node in nodes:
        text = rewrite_links(node.body, node.path or f"{node.folder}/index.md", targets)
        node.page = importer.make(node, text)
        if node.page is not None and node.page.slug != node.slug:
            log.info("import: %s got slug %s, not %s", node.path, node.page.slug, node.slug)
    _fix_moved_slugs(importer, planner, nodes)
    return importer.report


def _fix_moved_slugs(importer: _Importer, planner: Planner, nodes: list[Node]) -> None:
    """A page made meanwhile by someone else took a predicted slug: write the links again."""
    if all(node.page is None or node.page.slug == node.slug for node in nodes):
        return
    for node in nodes:
        if node.page is not None:
            node.slug = node.page.slug
    targets = importer.targets(planner)
    for node in nodes:
        if node.page is None or node.page.kind == "questionnaire":
            continue
        text = rewrite_links(node.body, node.path or f"{node.folder}/index.md", targets)
        if text != node.page.markdown:
            pages.update_page(importer.user, node.page, markdown=text)


__all__ = ["Limits", "Report", "import_zip"]


def import_from_path(
    zip_path: Path, space_ref: str, email: str | None, config: Mapping[str, Any]
) -> Report:
    """The command line's import: the space by its slug (or id), as the account ``email``
    (by default the instance's first admin)."""
    space = spaces.find_space(space_ref)
    if email:
        user = accounts.find_by_email(email)
    else:
        first_admin = select(User).where(User.is_admin.is_(True)).order_by(User.id).limit(1)
        user = db.session.scalar(first_admin)
    if user is None:
        who = email or "admin"
        raise NotFound(_l("Aucun compte pour « %(who)s » : précisez --as EMAIL.", who=who))
    with zip_path.open("rb") as source:
        return import_zip(
            user,
            space,
            source,
            limits=Limits.from_config(config),
            upload_dir=Path(config["UPLOAD_DIR"]),
        )
