"""A small mémoire to export: pages with accents and French punctuation, a mind map, two
fiches statuts (a comparison), a link and an image; three credit choices."""

from __future__ import annotations

import io
import time
from collections.abc import Callable

import pytest

from tests.conftest import make_user
from wiki import credits, page_kinds, pages, resources
from wiki.db import db
from wiki.export_runner import ExportRunner
from wiki.models import Membership
from wiki.models_memoire import ExportJob

# a 1×1 PNG
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cf000000030101005018dd8d0000000049454e44ae426082"
)


@pytest.fixture
def app_config(app_config):
    return {**app_config, "SEARCH_BACKEND": "memory"}


def fill_space(personas) -> dict:
    space, facilitator, participant = personas.space, personas.facilitator, personas.participant
    initials = make_user("claire@cercle.test", "Claire Durand")
    hidden = make_user("secret@cercle.test", "Zoé Invisible")
    for user in (initials, hidden):
        db.session.add(Membership(space_id=space.id, user_id=user.id, role="participant"))
    db.session.commit()
    credits.set_consent(initials, space, "initials", "La Fabrique")
    credits.set_consent(hidden, space, "none")
    credits.set_consent(participant, space, "full", "Coop Énergie")
    image = resources.add_file(
        participant,
        space,
        filename="schema.png",
        stream=io.BytesIO(PNG),
        title="Schéma",
        max_bytes=10**6,
        upload_dir=_upload_dir(),
    )
    resources.add_link(participant, space, url="https://example.org/guide", title="Guide")
    intro = pages.create_page(
        facilitator,
        space,
        "Présentation générale",
        "## Les enjeux\n\nÉté, coopération : « oui » ! Vraiment ? Oui ; d'accord.\n\n"
        f"![Schéma](/s/{space.slug}/ressources/{image.id}/fichier)\n\n`code : garde ?`\n\n"
        "Voir [[Carte des idées]].\n",
    )
    pages.update_page(initials, intro, markdown=intro.markdown + "\nAjout de Claire.\n")
    pages.update_page(hidden, intro, markdown=intro.markdown + "\nAjout discret.\n")
    mind = pages.create_page(
        participant,
        space,
        "Carte des idées",
        "- Énergie\n  - Solaire\n  - Éolien\n",
        kind="mind_map",
    )
    for title, form in (("SCIC", "scic"), ("Association", "association")):
        page_kinds.create(participant, space, "fiche_statut", title, choice=form)
    return {"intro": intro, "mind": mind, "image": image, "initials": initials, "hidden": hidden}


def _upload_dir():
    from flask import current_app

    return current_app.config["UPLOAD_DIR"]


@pytest.fixture
def filled(personas) -> dict:
    return fill_space(personas)


@pytest.fixture
def runner(app) -> ExportRunner:
    return ExportRunner(app)


def wait_for(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)


def reload(job: ExportJob) -> ExportJob:
    db.session.expire_all()
    return db.session.get(ExportJob, job.id)
