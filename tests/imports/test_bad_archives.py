"""Bad archives are refused in words, odd members are left out with a warning, and notes
zipped from other tools (Obsidian, HedgeDoc) are imported sensibly."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import select

from wiki import import_markdown, pages
from wiki.db import db
from wiki.errors import ArchivedSpace, PayloadTooLarge, PermissionDenied, ValidationError
from wiki.import_archive import Limits
from wiki.models import Page, Resource, Space
from wiki.navigation import page_tree

from .conftest import make_zip, new_space, png


def run(personas, space: Space, source, user=None, **limits) -> import_markdown.Report:
    base = Limits.from_config(current_app.config)
    return import_markdown.import_zip(
        user or personas.facilitator,
        space,
        source,
        limits=Limits(**{**base.__dict__, **limits}),
        upload_dir=Path(current_app.config["UPLOAD_DIR"]),
    )


def titles(space: Space) -> list[str]:
    return list(db.session.scalars(select(Page.title).where(Page.space_id == space.id)))


def tree(space: Space) -> list[tuple[str, list]]:
    def walk(nodes):
        return [(n.page.title, walk(n.children)) for n in nodes]

    return walk(page_tree(space))


def refused(personas, space, source, **limits) -> str:
    with pytest.raises(ValidationError) as caught:
        run(personas, space, source, **limits)
    assert caught.value.field == "file"
    assert titles(space) == []  # nothing was made
    return caught.value.message


def test_not_a_zip_or_a_damaged_one(personas):
    space = new_space(personas)
    assert "pas une archive zip" in refused(personas, space, io.BytesIO(b"%PDF-1.4 pas un zip"))
    good = make_zip({"a.md": "# A\n\n" + "texte " * 500}).getvalue()
    damaged = good[:40] + bytes(b ^ 0x5A for b in good[40:120]) + good[120:]
    message = refused(personas, space, io.BytesIO(damaged))
    assert "abîmée" in message or "pas une archive zip" in message


def test_paths_leaving_the_archive(personas):
    space = new_space(personas)
    for name in ("../../etc/evil.md", "/etc/passwd.md", "a/../../b.md", "C:/Windows/x.md"):
        message = refused(personas, space, make_zip({"ok.md": "x", name: "y"}))
        assert "sort de l'archive" in message


def test_zip_bomb_and_too_many_entries(personas):
    space = new_space(personas)
    bomb = make_zip({"a.md": "x", "big.txt": b"0" * (3 * 1024 * 1024)})
    with pytest.raises(PayloadTooLarge) as caught:
        run(personas, space, bomb, max_total_bytes=1024 * 1024)
    assert "décompressée" in caught.value.message and caught.value.status == 413
    many = make_zip({f"p{i}.md": "x" for i in range(30)})
    assert "trop d'éléments" in refused(personas, space, many, max_entries=20)


def test_no_markdown_at_all(personas):
    space = new_space(personas)
    assert "aucune page" in refused(personas, space, make_zip({"image.png": png()}))


def test_odd_members_are_left_out_with_a_warning(personas):
    space = new_space(personas)
    source = make_zip(
        {
            "bon.md": "Un texte.\n",
            "latin1.md": "Coopération".encode("cp1252"),
            "gros.pdf": b"%PDF-1.4\n" + b"0" * 4096,
            "script.exe": b"MZ\x90\x00binary",
            ".obsidian/app.json": "{}",
            "__MACOSX/._bon.md": b"\x00\x05",
            "sans-titre.md": "---\ntitle: [pas, un, titre\n---\nCorps.\n",
        }
    )
    report = run(personas, space, source, max_file_bytes=1024)
    assert sorted(titles(space)) == ["Bon", "Sans titre"]
    text = " | ".join(str(w) for w in report.warnings)
    assert "« latin1.md » n'est pas enregistré en UTF-8" in text
    assert "« gros.pdf » dépasse la taille maximale" in text
    assert "« script.exe »" in text and "n'est pas accepté" in text
    assert "en-tête YAML illisible" in text
    assert report.skipped == 2 and report.files == 0
    body = db.session.scalar(select(Page.markdown).where(Page.title == "Sans titre"))
    assert body == "Corps.\n"


def test_duplicate_titles_get_their_own_slugs_and_links(personas):
    space = new_space(personas)
    source = make_zip(
        {
            "a/notes.md": "---\ntitle: Notes\n---\nA.\n",
            "b/notes.md": "---\ntitle: Notes\n---\nB, voir [A](../a/notes.md).\n",
        }
    )
    run(personas, space, source)
    rows = db.session.execute(
        select(Page.slug, Page.markdown).where(Page.space_id == space.id, Page.title == "Notes")
    ).all()
    assert sorted(slug for slug, _ in rows) == ["notes", "notes-2"]
    b_text = next(text for _slug, text in rows if text.startswith("B"))
    assert b_text == f"B, voir [A](/s/{space.slug}/p/notes).\n"


def test_an_obsidian_vault(personas):
    space = new_space(personas)
    source = make_zip(
        {
            "Coffre/Projets.md": "Les projets du territoire.\n",
            "Coffre/Projets/Cantine partagée.md": "![[plan.png|300]]\n\nVoir [[Ressourcerie]].\n",
            "Coffre/Projets/Ressourcerie.md": (
                "---\ntags:\n  - ess\n  - réemploi\n---\n# Ressourcerie\n\nTexte.\n"
            ),
            "Coffre/Journal/2026-03-12.md": "Réunion.\n![photo](../pieces/photo%201.png)\n",
            "Coffre/pieces/plan.png": png(),
            "Coffre/pieces/photo 1.png": png(4, 4),
            "Coffre/.obsidian/workspace.json": "{}",
        }
    )
    report = run(personas, space, source)
    assert report.files == 2 and report.warnings == []
    assert tree(space) == [
        ("Journal", [("2026-03-12", [])]),
        ("Projets", [("Cantine partagée", []), ("Ressourcerie", [])]),
    ]
    plan = db.session.scalar(select(Resource).where(Resource.title == "plan"))
    photo = db.session.scalar(select(Resource).where(Resource.title == "photo 1"))
    pages_ = {p.title: p.markdown for p in db.session.scalars(select(Page))}
    assert pages_["Cantine partagée"].startswith(
        f"![plan.png](/s/{space.slug}/ressources/{plan.id}/fichier)"
    )
    assert f"](/s/{space.slug}/ressources/{photo.id}/fichier)" in pages_["2026-03-12"]
    assert pages_["Ressourcerie"] == "Texte.\n"  # the heading became the title


def test_a_hedgedoc_export(personas):
    space = new_space(personas)
    source = make_zip(
        {
            "compte-rendu_atelier.md": "# Compte rendu de l'atelier\n\nNotes.\n",
            "liste.md": "---\ntitle: 'Liste d''idées'\ntags: [a, b]\n---\nUne liste.\n",
        }
    )
    run(personas, space, source)
    assert sorted(titles(space)) == ["Compte rendu de l'atelier", "Liste d'idées"]


def test_only_facilitators_of_an_open_space(personas, app):
    space = personas.space
    with pytest.raises(PermissionDenied):
        run(personas, space, make_zip({"a.md": "x"}), user=personas.participant)
    space.archived_at = space.created_at
    db.session.commit()
    with pytest.raises(ArchivedSpace):
        run(personas, space, make_zip({"a.md": "x"}))


def test_a_zip_inside_a_zip_is_just_a_refused_file(personas):
    space = new_space(personas)
    inner = make_zip({"x.md": "x"}).getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("page.md", "Texte.\n")
        zf.writestr("autre.zip", inner)
    out.seek(0)
    report = run(personas, space, out)
    assert report.pages == 1 and report.files == 0
    assert any("autre.zip" in str(w) for w in report.warnings)


def test_a_questionnaire_whose_definition_is_wrong_becomes_a_page(personas):
    space = new_space(personas)
    source = make_zip(
        {
            "sondage.md": "---\ntitle: Sondage\nkind: questionnaire\n---\n## Questions\n",
            "sondage.questionnaire.json": '{"questions": "pas une liste", "kind": "quiz?"}',
            "autre.md": "---\ntitle: Autre\nkind: questionnaire\n---\nSans définition.\n",
            "inconnu.md": "---\ntitle: Inconnu\nkind: frise_chronologique\n---\nTexte.\n",
        }
    )
    report = run(personas, space, source)
    made = dict(
        db.session.execute(select(Page.title, Page.kind).where(Page.space_id == space.id)).all()
    )
    assert made == {"Sondage": "page", "Autre": "page", "Inconnu": "page"}
    text = " | ".join(report.warning_texts())
    assert "« sondage.md » : questionnaire refusé" in text
    assert "« autre.md » : questionnaire sans définition" in text
    assert "« inconnu.md » : type de page inconnu" in text
    assert len(report.warnings) == 3


def test_wikilinks_reach_the_imported_page_when_the_title_was_taken(personas):
    space = new_space(personas)
    pages.create_page(personas.facilitator, space, "Statuts", "Déjà là.\n")
    source = make_zip(
        {
            "statuts.md": "---\ntitle: Statuts\n---\nImportés.\n",
            "accueil.md": "---\ntitle: Accueil\n---\n"
            "Voir [[Statuts]] et [[Statuts|nos statuts]].\n",
            "a/notes.md": "---\ntitle: Notes\n---\nA, voir [[Notes]].\n",
            "b/notes.md": "---\ntitle: Notes\n---\nB.\n",
        }
    )
    run(personas, space, source)
    home = db.session.scalar(select(Page.markdown).where(Page.title == "Accueil"))
    url = f"/s/{space.slug}/p/statuts-2"
    assert home == f"Voir [Statuts]({url}) et [nos statuts]({url}).\n"
    first = db.session.scalar(select(Page.markdown).where(Page.markdown.startswith("A,")))
    assert first == "A, voir [[Notes]].\n"  # two imported "Notes": Cercle's rule, the first


def test_a_damaged_file_refuses_the_archive_before_anything_is_made(personas):
    space = new_space(personas)
    image = png(20, 20)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("page.md", "Texte.\n")
        zf.writestr("photo.png", image)
    data = out.getvalue()
    at = data.index(image) + len(image) - 20
    damaged = data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :]
    message = refused(personas, space, io.BytesIO(damaged))
    assert "« photo.png » ne se lit pas" in message
    assert db.session.scalar(select(Resource).where(Resource.space_id == space.id)) is None
