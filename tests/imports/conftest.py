"""A small space with every kind of thing a Markdown export carries: a page tree, an image,
links between pages, a fiche statut, a mind map, a questionnaire, a hidden page."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import current_app

from tests.search.conftest import pdf_bytes
from wiki import credits, page_kinds, pages, questionnaire_library, resources
from wiki.db import db
from wiki.models import Membership, Page, Resource, Space


@pytest.fixture
def app_config(app_config: dict) -> dict:
    return {**app_config, "SEARCH_BACKEND": "memory"}


def png(width: int = 3, height: int = 2, rgb: tuple[int, int, int] = (47, 111, 159)) -> bytes:
    """A real (tiny) PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def add_file(user, space: Space, name: str, data: bytes, **fields) -> Resource:
    return resources.add_file(
        user,
        space,
        filename=name,
        stream=io.BytesIO(data),
        title=fields.pop("title", ""),
        max_bytes=current_app.config["UPLOAD_MAX_BYTES"],
        upload_dir=Path(current_app.config["UPLOAD_DIR"]),
        **fields,
    )


@dataclass
class Sample:
    space: Space
    image: Resource
    pdf: Resource
    home: Page
    statuts: Page
    scic: Page
    mind_map: Page
    questionnaire: Page
    hidden: Page


PDF = pdf_bytes("Compte rendu de la journée")


@pytest.fixture
def sample(personas) -> Sample:
    space, anim, part = personas.space, personas.facilitator, personas.participant
    image = add_file(
        anim, space, "Plan du site.png", png(160, 60), title="Plan", tags="carte, lieu"
    )
    pdf = add_file(part, space, "compte-rendu.pdf", PDF, description="Le CR")
    add_file(anim, space, "Notes de séance.md", b"# Notes\n\nUn fichier, pas une page.\n")
    resources.add_link(anim, space, url="https://www.avise.org", title="Avise", tags="ess")
    statuts = pages.create_page(anim, space, "Statuts", "Les formes juridiques.\n")
    scic = page_kinds.create(
        part, space, "fiche_statut", "SCIC", choice="scic", parent_id=statuts.id
    )
    pages.create_page(part, space, "Association", "Loi 1901.\n", parent_id=statuts.id)
    home = pages.create_page(
        anim,
        space,
        "Accueil",
        f"# Bienvenue\n\nVoir [[Statuts]] et [la SCIC](/s/{space.slug}/p/{scic.slug}#finalite).\n\n"
        f"![Plan du site](/s/{space.slug}/ressources/{image.id}/fichier)\n\n"
        f"[Le compte rendu](/s/{space.slug}/ressources/{pdf.id}/fichier)\n",
    )
    pages.move_page(anim, home, None, 0)
    mind_map = page_kinds.create(
        part,
        space,
        "mind_map",
        "Nos idées",
        markdown="# Coopérer\n- Ensemble\n  - Confiance\n- Territoire\n",
    )
    model = questionnaire_library.create_from_model(
        anim, space, next(iter(questionnaire_library.builtin_models()))
    )
    questionnaire = db.session.get(Page, model.page_id)
    hidden = pages.create_page(anim, space, "Brouillon", "Pas pour le mémoire.\n")
    hidden.hidden_from_memoire = True
    db.session.commit()
    return Sample(space, image, pdf, home, statuts, scic, mind_map, questionnaire, hidden)


def new_space(personas, slug: str = "copie") -> Space:
    space = Space(slug=slug, title="Copie", description="")
    db.session.add(space)
    db.session.flush()
    db.session.add(
        Membership(space_id=space.id, user_id=personas.facilitator.id, role="facilitator")
    )
    db.session.commit()
    return space


def make_zip(members: dict[str, bytes | str]) -> io.BytesIO:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    out.seek(0)
    return out


def consent(personas, user, choice: str) -> None:
    credits.set_consent(user, personas.space, choice)
