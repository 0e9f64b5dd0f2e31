"""Markdown export → import into a new space gives the same pages, tree, kinds, texts and
files; the front matter is YAML any parser reads; credit consent decides the authors."""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from pathlib import Path

import yaml
from flask import current_app
from sqlalchemy import select

from wiki import export_markdown, front_matter, import_markdown, memoire, pages, resources
from wiki.db import db
from wiki.import_archive import Limits
from wiki.memoire import ItemRef
from wiki.models import Page, Resource, Space
from wiki.models_questionnaires import Questionnaire
from wiki.navigation import page_tree
from wiki.questionnaire_library import definition_of

from .conftest import consent, new_space


def export(space: Space, tmp_path: Path, items=None) -> Path:
    out = tmp_path / "export.zip"
    seen: list[int] = []
    export_markdown.build(space, items or memoire.whole_space(space), out, seen.append)
    assert seen[0] == 0 and seen[-1] == 100 and seen == sorted(seen)
    return out


def run_import(personas, space: Space, source) -> import_markdown.Report:
    return import_markdown.import_zip(
        personas.facilitator,
        space,
        source,
        limits=Limits.from_config(current_app.config),
        upload_dir=Path(current_app.config["UPLOAD_DIR"]),
    )


def tree_pages(space: Space) -> list[Page]:
    found: list[Page] = []

    def walk(nodes) -> None:
        for node in nodes:
            found.append(node.page)
            walk(node.children)

    walk(page_tree(space))
    return found


def shape(space: Space) -> list[tuple]:
    """(depth, title, kind, hidden) of every page, in tree order."""
    rows: list[tuple] = []

    def walk(nodes, depth: int) -> None:
        for node in nodes:
            page = db.session.get(Page, node.page.id)
            rows.append((depth, page.title, page.kind, page.hidden_from_memoire))
            walk(node.children, depth + 1)

    walk(page_tree(space), 0)
    return rows


def files_of(space: Space) -> dict[str, tuple[str, str, list[str]]]:
    """title → (sha256 of the bytes, mime type, tags) of every file resource."""
    upload_dir = Path(current_app.config["UPLOAD_DIR"])
    found = {}
    for resource in db.session.scalars(select(Resource).where(Resource.space_id == space.id)):
        if resource.kind == "file":
            data = resources.file_path(resource, upload_dir).read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            found[resource.title] = (digest, resource.mime_type, resource.tag_names)
        else:
            found[resource.title] = (resource.url, "link", resource.tag_names)
    return found


def test_round_trip_keeps_pages_tree_kinds_texts_and_files(personas, sample, tmp_path):
    # the hidden page is out of the whole-space selection: export it too, to see the flag
    items = [ItemRef("page", page.id) for page in tree_pages(sample.space)]
    items.append(ItemRef("resources"))
    zip_path = export(sample.space, tmp_path, items)
    target = new_space(personas)
    with zip_path.open("rb") as source:
        report = run_import(personas, target, source)

    assert report.pages == 7 and report.files == 3 and report.links == 1
    assert report.warnings == [] and report.skipped >= 2  # README.md, the resources list
    assert shape(target) == shape(sample.space)
    assert files_of(target) == files_of(sample.space)

    def by_title(space: Space) -> dict[str, Page]:
        rows = db.session.scalars(select(Page).where(Page.space_id == space.id))
        return {page.title: page for page in rows}

    old, new = by_title(sample.space), by_title(target)
    image = db.session.scalar(
        select(Resource).where(Resource.space_id == target.id, Resource.title == "Plan")
    )
    pdf = db.session.scalar(
        select(Resource).where(Resource.space_id == target.id, Resource.title == "compte-rendu")
    )
    expected_home = (
        old["Accueil"]
        .markdown.replace(f"/s/{sample.space.slug}/", f"/s/{target.slug}/")
        .replace(f"ressources/{sample.image.id}/", f"ressources/{image.id}/")
        .replace(f"ressources/{sample.pdf.id}/", f"ressources/{pdf.id}/")
    )
    assert new["Accueil"].markdown == expected_home
    for title in ("Statuts", "SCIC", "Association", "Nos idées", "Brouillon"):
        assert new[title].markdown == old[title].markdown, title
    # the questionnaire is made again from its definition, without its answers
    questionnaires = {q.page_id: q for q in db.session.scalars(select(Questionnaire))}
    q_old = questionnaires[old[sample.questionnaire.title].id]
    q_new = questionnaires[new[sample.questionnaire.title].id]
    assert definition_of(q_new) == definition_of(q_old)
    assert new[sample.questionnaire.title].markdown == old[sample.questionnaire.title].markdown
    assert report.first_page is not None and report.first_page.title == "Accueil"


def test_links_read_anywhere_and_front_matter_is_yaml(personas, sample, tmp_path):
    zip_path = export(sample.space, tmp_path)
    with zipfile.ZipFile(zip_path) as zf:
        names = set(zf.namelist())
        assert {"README.md", "cercle.json", "accueil.md", "statuts/index.md"} <= names
        assert {"statuts/scic.md", "fichiers/plan-du-site.png", "fichiers/ressources.json"} <= names
        assert "brouillon.md" not in names  # hidden from the mémoire: not selected
        home = zf.read("accueil.md").decode()
        scic = zf.read("statuts/scic.md").decode()
        manifest = json.loads(zf.read("cercle.json"))
        generated = zf.read("ressources.md").decode()
    assert "](statuts/scic.md#finalite)" in home
    assert "](fichiers/plan-du-site.png)" in home and "[[Statuts]]" in home
    assert manifest["format"] == "cercle-markdown" and manifest["pages"] == 6
    for text in (home, scic, generated):
        fields, _body = front_matter.split(text)
        block = text.split("---\n")[1]
        assert yaml.safe_load(block) == fields
    fields, _ = front_matter.split(scic)
    assert fields["kind"] == "fiche_statut" and fields["parent"] == "statuts"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", fields["created"])
    assert front_matter.split(generated)[0]["generated"] is True


def test_credit_consent_decides_the_authors(personas, sample, tmp_path):
    consent(personas, personas.participant, "initials")
    consent(personas, personas.facilitator, "none")
    zip_path = export(sample.space, tmp_path)
    with zipfile.ZipFile(zip_path) as zf:
        scic = front_matter.split(zf.read("statuts/scic.md").decode())[0]
        home = front_matter.split(zf.read("accueil.md").decode())[0]
        everything = b"".join(zf.read(n) for n in zf.namelist() if n.endswith(".md"))
    assert scic["authors"] == ["S. P."]
    assert home["authors"] == []
    assert b"Camille" not in everything and b"Sami" not in everything


def test_live_text_is_exported(app, personas, sample, tmp_path):
    live_text = sample.statuts.markdown + "\nÉcrit en direct.\n"
    app.extensions["cercle.live.reader"] = lambda page: (
        live_text if page.id == sample.statuts.id else None
    )
    with zipfile.ZipFile(export(sample.space, tmp_path)) as zf:
        assert "Écrit en direct." in zf.read("statuts/index.md").decode()


def test_names_the_layout_keeps_for_itself(personas, tmp_path):
    space, anim = personas.space, personas.facilitator
    files = pages.create_page(anim, space, "Fichiers", "Le dossier.\n")
    pages.create_page(anim, space, "Index", "Sous-page.\n", parent_id=files.id)
    pages.create_page(anim, space, "README", "Une page.\n")
    orphan_parent = pages.create_page(anim, space, "Hors mémoire", "")
    pages.create_page(anim, space, "Orpheline", "Sans parent.\n", parent_id=orphan_parent.id)
    items = [ItemRef("page", p.id) for p in tree_pages(space) if p.id != orphan_parent.id]
    with zipfile.ZipFile(export(space, tmp_path, items)) as zf:
        names = set(zf.namelist())
        orphan = front_matter.split(zf.read("orpheline.md").decode())[0]
    assert {"fichiers-2/index.md", "fichiers-2/index-2.md", "readme-2.md"} <= names
    assert orphan["parent"] is None  # its parent is not exported: at the top
    target = new_space(personas)
    with (tmp_path / "export.zip").open("rb") as source:
        run_import(personas, target, source)
    titles = sorted((d, t) for d, t, _k, _h in shape(target))
    assert titles == [(0, "Fichiers"), (0, "Orpheline"), (0, "README"), (1, "Index")]
