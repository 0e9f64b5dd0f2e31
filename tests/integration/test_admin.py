"""Instance admins decide who may open spaces."""

from wiki.db import db
from wiki.models import User


def test_admin_allows_a_person_to_open_spaces(personas, client_for):
    client = client_for(personas.admin)
    assert client.get("/admin/personnes").status_code == 200
    response = client.post(
        f"/admin/personnes/{personas.participant.id}", data={"can_create_spaces": "1"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, personas.participant.id).can_create_spaces is True
    created = client_for(personas.participant).post(
        "/espaces/nouveau", data={"title": "Atelier SCIC"}
    )
    assert created.status_code == 302


def test_admin_can_withdraw_the_right(personas, client_for):
    client = client_for(personas.admin)
    client.post(f"/admin/personnes/{personas.facilitator.id}", data={})
    db.session.expire_all()
    assert db.session.get(User, personas.facilitator.id).can_create_spaces is False


def test_non_admin_cannot_see_or_change_rights(personas, client_for):
    client = client_for(personas.facilitator)
    assert client.get("/admin/personnes").status_code == 403
    response = client.post(
        f"/admin/personnes/{personas.participant.id}", data={"can_create_spaces": "1"}
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(User, personas.participant.id).can_create_spaces is False
