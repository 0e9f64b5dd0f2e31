"""The import page: facilitators send a zip and read the report; refusals beside the field."""

from __future__ import annotations

import io
import os

from sqlalchemy import select

from wiki.db import db
from wiki.errors import ArchivedSpace
from wiki.models import Page

from .conftest import make_zip, png

URL = "/s/cooperer/importer"


def send(client, data: bytes, name: str = "notes.zip"):
    return client.post(
        URL, data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )


def test_the_page_and_a_report(client_for, personas):
    client = client_for(personas.facilitator)
    page = client.get(URL)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'type="file"' in html and "Importer des pages" in html
    archive = make_zip(
        {
            "Atelier.md": "# Atelier du 12 mars\n\n![](plan.png)\n",
            "plan.png": png(),
            "x.md": b"\xff",
            "<img src=x onerror=alert(1)>.md": b"\xff",
        }
    ).getvalue()
    answer = send(client, archive)
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    assert "Import terminé" in html and "1 page importée" in html and "1 fichier importé" in html
    assert "« x.md » n&#39;est pas enregistré en UTF-8" in html
    assert "/s/cooperer/p/atelier-du-12-mars" in html
    assert "<img src=x" not in html and "« &lt;img src=x onerror=alert(1)&gt;.md »" in html
    made = db.session.scalar(select(Page).where(Page.title == "Atelier du 12 mars"))
    assert made is not None and "/ressources/" in made.markdown


def test_refusals_are_shown_beside_the_field(client_for, personas):
    client = client_for(personas.facilitator)
    answer = send(client, b"pas un zip", "notes.zip")
    assert answer.status_code == 400
    html = answer.get_data(as_text=True)
    assert 'id="e-file"' in html and "pas une archive zip" in html and 'aria-invalid="true"' in html
    answer = client.post(URL, data={}, content_type="multipart/form-data")
    assert answer.status_code == 400 and "Choisissez un fichier .zip" in answer.get_data(True)


def test_a_zip_over_the_limit_is_a_413_on_the_form(app, client_for, personas):
    app.config["MAX_CONTENT_LENGTH"] = 200 * 1024
    client = client_for(personas.facilitator)
    answer = send(client, make_zip({"a.md": "x", "b.bin": os.urandom(300 * 1024)}).getvalue())
    assert answer.status_code == 413
    assert "dépasse la taille maximale (0.1 Mo)" in answer.get_data(as_text=True)


def test_who_may_import(client_for, personas, anonymous):
    assert client_for(personas.participant).get(URL).status_code == 403
    assert client_for(personas.outsider).get(URL).status_code == 404
    assert anonymous.get(URL).status_code == 302
    personas.space.archived_at = personas.space.created_at
    db.session.commit()
    assert client_for(personas.facilitator).get(URL).status_code == ArchivedSpace.status
