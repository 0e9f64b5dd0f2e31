"""Credit consent (issue 11): each member chooses how the mémoire names them; asked once,
changeable until the archive — services, HTML and API, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from wiki import accounts, credits, memoire
from wiki.db import db
from wiki.errors import ArchivedSpace, ValidationError
from wiki.models import utcnow

API = "/api/v1"


@pytest.fixture
def app_config(app_config: dict) -> dict:
    return {**app_config, "SEARCH_BACKEND": "memory"}


def test_choices_change_the_printed_names(personas):
    space, sami = personas.space, personas.participant
    assert credits.Credits(space).name(sami.id) == "Sami Participant"
    credits.set_consent(sami, space, "initials", "  Asso   du Bourg ")
    printed = credits.Credits(space)
    assert printed.name(sami.id) == "S. P." and printed.structure(sami.id) == "Asso du Bourg"
    assert ("S. P.", "Asso du Bourg") in memoire.cover(space).participants
    credits.set_consent(sami, space, "none", "Asso du Bourg")
    assert credits.Credits(space).name(sami.id) is None
    assert all(name != "S. P." for name, _ in memoire.cover(space).participants)


def test_refusals(personas):
    space = personas.space
    with pytest.raises(ValidationError):
        credits.set_consent(personas.participant, space, "pseudo")
    with pytest.raises(ValidationError, match="200"):
        credits.set_consent(personas.participant, space, "full", "x" * 201)
    with pytest.raises(ValidationError, match="membres"):
        credits.set_consent(personas.admin, space, "full")
    space.archived_at = utcnow()
    db.session.commit()
    with pytest.raises(ArchivedSpace):
        credits.set_consent(personas.participant, space, "none")


def test_asked_once_then_changeable(personas, client_for):
    space = personas.space
    client = client_for(personas.participant)
    home = client.get(f"/s/{space.slug}/").get_data(as_text=True)
    assert "Comment voulez-vous être cité·e" in home
    page = client.get(f"/s/{space.slug}/memoire/credit").get_data(as_text=True)
    assert "Nom complet (Sami Participant)" in page and "Initiales (S. P.)" in page
    assert "Ne pas me citer" in page
    answer = client.post(
        f"/s/{space.slug}/memoire/credit", data={"choice": "initials", "structure": "Coop"}
    )
    assert answer.status_code == 302
    assert "Comment voulez-vous être cité·e" not in client.get(f"/s/{space.slug}/").get_data(
        as_text=True
    )
    bad = client.post(f"/s/{space.slug}/memoire/credit", data={"choice": "?"})
    assert bad.status_code == 400 and "initiales" in bad.get_data(as_text=True)
    assert credits.consent_of(space, personas.participant.id).choice == "initials"
    # the facilitator sees the choice, without a way to change it
    builder = client_for(personas.facilitator).get(f"/s/{space.slug}/memoire")
    html = builder.get_data(as_text=True)
    assert "Initiales" in html and "Coop" in html
    space.archived_at = utcnow()
    db.session.commit()
    archived = client.get(f"/s/{space.slug}/memoire/credit").get_data(as_text=True)
    assert "ne se change plus" in archived
    assert client.post(f"/s/{space.slug}/memoire/credit", data={"choice": "full"}).status_code in (
        409,
        423,
    )


def test_outsider_gets_no_prompt(personas, client_for):
    assert not credits.has_chosen(personas.space, personas.facilitator)
    assert credits.has_chosen(personas.space, personas.admin)  # not a member


def test_api_credit(app, personas):
    client = app.test_client()
    token = accounts.create_token(personas.reader)
    path = f"{API}/spaces/{personas.space.slug}/memoire/credit"
    headers = {"Authorization": f"Bearer {token}"}
    answer = client.put(path, json={"choice": "none", "structure": "X"}, headers=headers)
    assert answer.status_code == 200 and answer.json == {"choice": "none", "structure": "X"}
    assert client.put(path, json={"choice": "all"}, headers=headers).status_code == 400
    assert client.put(path, json={}, headers=headers).status_code == 400
    assert client.put(path, data="x", headers=headers).status_code == 415
