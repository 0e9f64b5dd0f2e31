"""Admin-issued password-reset links: only the hash stored, once, expiring, ending sessions."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from sqlalchemy import select, update

from wiki import accounts, password_resets
from wiki.db import db
from wiki.errors import NotFound, PermissionDenied
from wiki.models import utcnow
from wiki.models_sessions import PasswordReset

NEW = "un-tout-nouveau-secret"


def text_of(response) -> str:
    return unescape(response.get_data(as_text=True))


def issue_link(client, user) -> str:
    response = client.post(f"/admin/personnes/{user.id}/lien-mot-de-passe")
    assert response.status_code == 201, text_of(response)
    return re.search(r'value="(http[^"]+/mot-de-passe/[^"]+)"', text_of(response)).group(1)


def path_of(link: str) -> str:
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def test_the_admin_page_offers_a_reset_link_for_each_person(personas, client_for):
    html = text_of(client_for(personas.admin).get("/admin/personnes"))
    assert html.count(">Créer un lien</button>") == 5


def test_an_admin_issues_a_link_that_works_once(personas, client_for, anonymous):
    link = issue_link(client_for(personas.admin), personas.participant)
    token = link.rsplit("/", 1)[1]
    stored = db.session.scalars(select(PasswordReset)).one()
    assert token not in stored.token_hash and len(stored.token_hash) == 64
    page = anonymous.get(path_of(link))
    assert page.status_code == 200 and "Sami Participant" in text_of(page)
    assert anonymous.head(path_of(link)).status_code == 200  # a read, not a use
    response = anonymous.post(path_of(link), data={"new_password": NEW, "confirm_password": NEW})
    assert response.status_code == 302 and response.headers["Location"] == "/connexion"
    assert accounts.authenticate("part@cercle.test", NEW).id == personas.participant.id
    assert anonymous.get(path_of(link)).status_code == 404  # once only
    again = anonymous.post(
        path_of(link), data={"new_password": "x" * 12, "confirm_password": "x" * 12}
    )
    assert again.status_code == 404
    assert accounts.authenticate("part@cercle.test", NEW)


def test_using_the_link_ends_every_session_of_the_person(personas, client_for, anonymous):
    signed_in = client_for(personas.participant)
    assert signed_in.get("/profil").status_code == 200
    link = issue_link(client_for(personas.admin), personas.participant)
    anonymous.post(path_of(link), data={"new_password": NEW, "confirm_password": NEW})
    assert signed_in.get("/profil").status_code == 302


def test_the_link_expires(personas, app):
    app.config["PASSWORD_RESET_HOURS"] = 24
    _user, token = password_resets.issue(personas.admin, personas.participant.id)
    reset = password_resets.check(token)
    assert dt.timedelta(hours=23) < reset.expires_at - utcnow() <= dt.timedelta(hours=24)
    db.session.execute(update(PasswordReset).values(expires_at=utcnow() - dt.timedelta(seconds=1)))
    db.session.commit()
    with pytest.raises(NotFound):
        password_resets.check(token)


def test_the_lifetime_is_configurable(personas, client_for, app):
    app.config["PASSWORD_RESET_HOURS"] = 2
    client = client_for(personas.admin)
    response = client.post(f"/admin/personnes/{personas.reader.id}/lien-mot-de-passe")
    assert "expire dans 2 heures" in text_of(response)
    reset = db.session.scalars(select(PasswordReset)).one()
    assert reset.expires_at - utcnow() <= dt.timedelta(hours=2)


def test_a_new_link_replaces_the_previous_one(personas):
    _user, first = password_resets.issue(personas.admin, personas.participant.id)
    _user, second = password_resets.issue(personas.admin, personas.participant.id)
    with pytest.raises(NotFound):
        password_resets.check(first)
    assert password_resets.check(second)


def test_only_an_instance_admin_issues_links(personas, client_for):
    response = client_for(personas.facilitator).post(
        f"/admin/personnes/{personas.participant.id}/lien-mot-de-passe"
    )
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        password_resets.issue(personas.facilitator, personas.participant.id)


def test_a_refused_new_password_keeps_the_link(personas, anonymous, client_for):
    link = issue_link(client_for(personas.admin), personas.participant)
    short = anonymous.post(
        path_of(link), data={"new_password": "court", "confirm_password": "court"}
    )
    assert short.status_code == 400 and "8 caractères" in text_of(short)
    differ = anonymous.post(
        path_of(link), data={"new_password": NEW, "confirm_password": NEW + "!"}
    )
    assert differ.status_code == 400 and "diffèrent" in text_of(differ)
    ok = anonymous.post(path_of(link), data={"new_password": NEW, "confirm_password": NEW})
    assert ok.status_code == 302


def test_an_unknown_or_absurd_token_is_a_404(anonymous):
    for token in ("inconnu", "x" * 500):
        assert anonymous.get(f"/mot-de-passe/{token}").status_code == 404
