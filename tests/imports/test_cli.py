"""``flask --app app import ZIP --space SLUG [--as EMAIL]``: the report, or the refusal."""

from __future__ import annotations

from sqlalchemy import select

from wiki import export_markdown, memoire
from wiki.db import db
from wiki.models import Page

from .conftest import make_zip, new_space


def cli(app, *args: str):
    return app.test_cli_runner().invoke(args=list(args))


def test_cli_imports_an_export(app, personas, sample, tmp_path):
    zip_path = tmp_path / "export.zip"
    export_markdown.build(sample.space, memoire.whole_space(sample.space), zip_path, lambda _: None)
    target = new_space(personas)
    result = cli(app, "import", str(zip_path), "--space", target.slug, "--as", "anim@cercle.test")
    assert result.exit_code == 0, result.output
    assert "Pages importées : 6" in result.output and "Fichiers importés : 3" in result.output
    titles = set(db.session.scalars(select(Page.title).where(Page.space_id == target.id)))
    assert {"Accueil", "Statuts", "SCIC", "Nos idées"} <= titles


def test_cli_defaults_to_an_admin_and_says_what_was_left_out(app, personas, tmp_path):
    zip_path = tmp_path / "notes.zip"
    zip_path.write_bytes(make_zip({"a.md": "A", "b.md": b"\xe9t\xe9"}).getvalue())
    target = new_space(personas)
    result = cli(app, "import", str(zip_path), "--space", target.slug)
    assert result.exit_code == 0, result.output
    assert "Pages importées : 1" in result.output
    assert "« b.md » n'est pas enregistré en UTF-8" in result.output
    page = db.session.scalar(select(Page).where(Page.space_id == target.id))
    assert page.created_by_id == personas.admin.id


def test_cli_refusals(app, personas, tmp_path):
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"pas un zip")
    result = cli(app, "import", str(bad), "--space", personas.space.slug)
    assert result.exit_code == 1 and "pas une archive zip" in result.output
    result = cli(app, "import", str(bad), "--space", "inconnu")
    assert result.exit_code == 1 and "Cet espace n'existe pas" in result.output
    result = cli(app, "import", str(bad), "--space", personas.space.slug, "--as", "x@y.z")
    assert result.exit_code == 1 and "Aucun compte pour « x@y.z »" in result.output
    result = cli(
        app, "import", str(bad), "--space", personas.space.slug, "--as", "part@cercle.test"
    )
    assert result.exit_code == 1 and "Votre rôle" in result.output
