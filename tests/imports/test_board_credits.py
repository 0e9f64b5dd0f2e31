"""A Métaplan board's Markdown names each card's author: the exports name them as they
consented (initials, or not at all), and the import makes the board a free page."""

from __future__ import annotations

import zipfile
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from wiki import credits, export_markdown, export_site, front_matter, import_markdown, pages
from wiki.db import db
from wiki.import_archive import Limits
from wiki.memoire import ItemRef
from wiki.models import Page
from wiki.models_metaplan import MetaplanCard

from .conftest import new_space

BOARD = (
    "## Freins\n\n- Le temps — Sami Participant (2 gommettes)\n- L'argent — Camille Animatrice\n"
    "- Les habitudes — Dominique Lectrice (1 gommette)\n"
)


def board(personas) -> Page:
    page = pages.create_page(personas.facilitator, personas.space, "Ce qui freine", "")
    page.kind, page.markdown = "metaplan", BOARD
    for n, user in enumerate((personas.participant, personas.facilitator, personas.reader)):
        db.session.add(
            MetaplanCard(page_id=page.id, key=f"c{n}", author_id=user.id, text="x", revealed=True)
        )
    db.session.commit()
    return page


def test_board_authors_follow_consent_in_both_exports(personas, tmp_path):
    page = board(personas)
    credits.set_consent(personas.participant, personas.space, "initials")
    credits.set_consent(personas.facilitator, personas.space, "none")
    items = [ItemRef("page", page.id)]
    export_markdown.build(personas.space, items, tmp_path / "md.zip", lambda _: None)
    with zipfile.ZipFile(tmp_path / "md.zip") as zf:
        fields, body = front_matter.split(zf.read("ce-qui-freine.md").decode())
    assert fields["kind"] == "metaplan"
    assert body == (
        "## Freins\n\n- Le temps — S. P. (2 gommettes)\n- L'argent\n"
        "- Les habitudes — Dominique Lectrice (1 gommette)\n"
    )
    export_site.build(personas.space, items, tmp_path / "site.zip", lambda _: None)
    with zipfile.ZipFile(tmp_path / "site.zip") as zf:
        html = zf.read("cooperer-site/pages/ce-qui-freine.html").decode()
    assert "Le temps — S. P." in html and "Camille" not in html and "Sami" not in html

    target = new_space(personas)
    with (tmp_path / "md.zip").open("rb") as source:
        report = import_markdown.import_zip(
            personas.facilitator,
            target,
            source,
            limits=Limits.from_config(current_app.config),
            upload_dir=Path(current_app.config["UPLOAD_DIR"]),
        )
    made = db.session.scalar(select(Page).where(Page.space_id == target.id))
    assert (made.kind, made.markdown) == ("page", body)
    assert "importée comme page libre" in " ".join(report.warning_texts())
