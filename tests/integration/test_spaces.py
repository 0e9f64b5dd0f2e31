"""Spaces: creation, settings, validation, members, invitation links and joining."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from html import unescape

import pytest
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from wiki import invitations, spaces
from wiki.db import db
from wiki.models import Invitation, Membership, Space, User, utcnow


def text_of(response) -> str:
    return unescape(response.get_data(as_text=True))


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def role_in(space: Space, user: User) -> str | None:
    return db.session.scalar(
        select(Membership.role).where(
            Membership.space_id == space.id, Membership.user_id == user.id
        )
    )


SPACE_FORM = {
    "title": "Accompagnement DLA 2026",
    "description": "Journée coopération",
    "starts_on": "2026-03-12",
    "ends_on": "2026-03-13",
}


# --- creating ----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["admin", "facilitator"])
def test_admins_and_space_creators_open_spaces_and_become_facilitators(personas, client_for, who):
    user = getattr(personas, who)
    response = client_for(user).post("/espaces/nouveau", data={**SPACE_FORM, "public": "1"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/s/accompagnement-dla-2026/membres"
    space = db.session.scalar(select(Space).where(Space.slug == "accompagnement-dla-2026"))
    assert (space.title, space.description) == ("Accompagnement DLA 2026", "Journée coopération")
    assert (space.starts_on, space.ends_on) == (dt.date(2026, 3, 12), dt.date(2026, 3, 13))
    assert space.visibility == "link"
    assert [(m.user_id, m.role) for m in spaces.members(space)] == [(user.id, "facilitator")]


@pytest.mark.parametrize("who", ["participant", "reader", "outsider"])
def test_others_cannot_open_spaces(personas, client_for, who):
    client = client_for(getattr(personas, who))
    assert client.get("/espaces/nouveau").status_code == 403
    response = client.post("/espaces/nouveau", data=SPACE_FORM)
    assert response.status_code == 403
    assert "Vous n'avez pas le droit de créer un espace." in text_of(response)
    assert count(Space) == 1


def test_index_offers_creation_only_to_those_allowed(personas, client_for):
    assert "Ouvrir un espace" in text_of(client_for(personas.facilitator).get("/"))
    participant_home = text_of(client_for(personas.participant).get("/"))
    assert "Ouvrir un espace" not in participant_home
    assert "Coopérer sur le territoire" in participant_home
    assert "Coopérer sur le territoire" not in text_of(client_for(personas.outsider).get("/"))


def test_same_title_gives_a_numbered_slug(personas):
    first = spaces.create_space(personas.facilitator, "Coopérer sur le territoire")
    assert first.slug == "cooperer-sur-le-territoire"
    second = spaces.create_space(personas.facilitator, "Coopérer sur le territoire")
    assert second.slug == "cooperer-sur-le-territoire-2"
    assert spaces.create_space(personas.facilitator, "🎉").slug == "espace"


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"title": ""}, "Le titre est obligatoire."),
        ({"title": "   "}, "Le titre est obligatoire."),
        ({"title": "x" * 201}, "Le titre dépasse 200 caractères."),
        (
            {"starts_on": "2026-03-13", "ends_on": "2026-03-12"},
            "La date de fin précède la date de début.",
        ),
        ({"starts_on": "13/03/2026"}, "Date invalide (format attendu : AAAA-MM-JJ)."),
        ({"description": "d" * 5001}, "La description dépasse 5000 caractères."),
    ],
)
def test_invalid_space_is_refused_and_nothing_written(personas, client_for, form, message):
    response = client_for(personas.facilitator).post(
        "/espaces/nouveau", data={**SPACE_FORM, **form}
    )
    assert response.status_code == 400
    assert message in text_of(response)
    assert count(Space) == 1 and count(Membership) == 3


def test_title_of_exactly_200_characters_is_accepted(personas):
    space = spaces.create_space(personas.facilitator, "é" * 200)
    assert len(space.title) == 200


# --- settings ----------------------------------------------------------------------


def test_facilitator_updates_settings(personas, client_for):
    response = client_for(personas.facilitator).post(
        "/s/cooperer/parametres",
        data={
            "title": "Coopérer autrement",
            "description": "Nouveau cap",
            "starts_on": "2026-05-04",
            "ends_on": "",
            "public": "1",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/s/cooperer/"
    space = personas.space
    assert (space.title, space.description, space.starts_on, space.ends_on, space.visibility) == (
        "Coopérer autrement",
        "Nouveau cap",
        dt.date(2026, 5, 4),
        None,
        "link",
    )
    assert space.slug == "cooperer"  # links already shared keep working
    home = text_of(client_for(personas.facilitator).get("/s/cooperer/"))
    assert "<h1>Coopérer autrement</h1>" in home
    assert "4 mai 2026" in home


def test_invalid_settings_change_nothing(personas, client_for):
    response = client_for(personas.facilitator).post(
        "/s/cooperer/parametres",
        data={"title": "Nouveau", "starts_on": "2026-05-04", "ends_on": "2026-05-01"},
    )
    assert response.status_code == 400
    assert "La date de fin précède la date de début." in text_of(response)
    db.session.expire_all()
    assert (personas.space.title, personas.space.starts_on) == ("Coopérer sur le territoire", None)


@pytest.mark.parametrize(
    ("who", "status"), [("participant", 403), ("reader", 403), ("outsider", 404)]
)
def test_only_facilitators_see_settings(personas, client_for, who, status):
    client = client_for(getattr(personas, who))
    assert client.get("/s/cooperer/parametres").status_code == status
    assert client.post("/s/cooperer/parametres", data={"title": "Pris"}).status_code == status
    assert personas.space.title == "Coopérer sur le territoire"


# --- members -----------------------------------------------------------------------


@pytest.fixture
def facilitator(personas, client_for):
    return client_for(personas.facilitator)


def test_members_page_lists_people_by_role(personas, facilitator):
    html = text_of(facilitator.get("/s/cooperer/membres"))
    assert "Membres (3)" in html
    order = [
        html.index(name)
        for name in ("Camille Animatrice", "Sami Participant", "Dominique Lectrice")
    ]
    assert order == sorted(order)


def test_add_member_by_email(personas, facilitator):
    response = facilitator.post(
        "/s/cooperer/membres", data={"email": " DEHORS@cercle.test ", "role": "reader"}
    )
    assert response.status_code == 302
    assert role_in(personas.space, personas.outsider) == "reader"
    assert "Lou Extérieure a rejoint l'espace." in text_of(facilitator.get("/s/cooperer/membres"))


def test_add_unknown_email_suggests_an_invitation(personas, facilitator):
    facilitator.post(
        "/s/cooperer/membres", data={"email": "personne@cercle.test", "role": "reader"}
    )
    html = text_of(facilitator.get("/s/cooperer/membres"))
    assert "Aucun compte avec cette adresse : envoyez plutôt un lien d'invitation." in html
    assert count(Membership) == 3


def test_add_member_with_unknown_role_is_refused(personas, facilitator):
    response = facilitator.post(
        "/s/cooperer/membres", data={"email": "dehors@cercle.test", "role": "chef"}
    )
    assert response.status_code == 400
    assert "Rôle inconnu" in text_of(response)
    assert "Membres et invitations</h1>" in text_of(response)
    assert role_in(personas.space, personas.outsider) is None


def test_change_role_and_remove(personas, facilitator):
    url = f"/s/cooperer/membres/{personas.participant.id}"
    assert facilitator.post(url, data={"action": "role", "role": "facilitator"}).status_code == 302
    assert role_in(personas.space, personas.participant) == "facilitator"
    assert facilitator.post(url, data={"action": "remove"}).status_code == 302
    assert role_in(personas.space, personas.participant) is None
    assert count(Membership) == 2


def test_last_facilitator_cannot_leave_or_be_demoted(personas, facilitator):
    url = f"/s/cooperer/membres/{personas.facilitator.id}"
    for data in ({"action": "remove"}, {"action": "role", "role": "participant"}):
        response = facilitator.post(url, data=data)
        assert response.status_code == 400
        assert "Un espace garde au moins un·e animateur·rice." in text_of(response)
        # said on the members page itself, where the person can carry on
        assert "Membres et invitations</h1>" in text_of(response)
        db.session.expire_all()
        assert role_in(personas.space, personas.facilitator) == "facilitator"
    # with a second facilitator, the first may step down
    spaces.set_role(personas.facilitator, personas.space, personas.participant.id, "facilitator")
    assert facilitator.post(url, data={"action": "role", "role": "participant"}).status_code == 302
    assert role_in(personas.space, personas.facilitator) == "participant"


def test_change_of_unknown_member_is_404(personas, facilitator):
    response = facilitator.post(
        f"/s/cooperer/membres/{personas.outsider.id}", data={"action": "remove"}
    )
    assert response.status_code == 404
    assert "Cette personne ne fait pas partie de l'espace." in text_of(response)


# --- invitations -------------------------------------------------------------------


def invite(client, role: str = "participant", days: str = "14", max_uses: str = "") -> Invitation:
    response = client.post(
        "/s/cooperer/invitations", data={"role": role, "days": days, "max_uses": max_uses}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    invitation = db.session.scalar(select(Invitation).order_by(Invitation.id.desc()))
    assert response.headers["Location"] == f"/s/cooperer/invitations/{invitation.id}"
    return invitation


def test_create_invitation_with_role_expiry_and_uses(personas, facilitator):
    invitation = invite(facilitator, role="reader", days="7", max_uses="25")
    assert (invitation.role, invitation.max_uses, invitation.uses) == ("reader", 25, 0)
    assert invitation.created_by_id == personas.facilitator.id
    expected = utcnow() + dt.timedelta(days=7)
    assert abs(invitation.expires_at - expected) < dt.timedelta(minutes=1)
    assert len(invitation.token) >= 20


def test_invitation_page_shows_link_and_qr_code(personas, facilitator):
    invitation = invite(facilitator, max_uses="3")
    response = facilitator.get(f"/s/cooperer/invitations/{invitation.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'value="http://cercle.test/rejoindre/{invitation.token}"' in html
    img = html[html.index('<img class="qr"') : html.index(">", html.index('<img class="qr"'))]
    assert 'src="data:image/svg+xml' in img
    assert "Utilisable 3 fois." in unescape(html)
    qr = facilitator.get(f"/s/cooperer/invitations/{invitation.id}/qr.svg")
    assert qr.status_code == 200
    assert qr.mimetype == "image/svg+xml"
    svg = ET.fromstring(qr.data)
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"


def test_invitation_validation(personas, facilitator):
    for data, message in [
        ({"role": "patron", "days": "14"}, "Rôle inconnu"),
        ({"role": "reader", "days": "0"}, "La durée va de 1 à 365 jours."),
        ({"role": "reader", "days": "abc"}, "Ce champ attend un nombre entier."),
        (
            {"role": "reader", "days": "3", "max_uses": "0"},
            "Le nombre d'utilisations va de 1 à 10000.",
        ),
    ]:
        response = facilitator.post("/s/cooperer/invitations", data=data)
        assert response.status_code == 400, data
        assert message in text_of(response)
        assert "Membres et invitations</h1>" in text_of(response)
    assert count(Invitation) == 0


def test_participant_cannot_invite_or_see_invitations(personas, client_for, facilitator):
    invitation = invite(facilitator)
    participant = client_for(personas.participant)
    assert (
        participant.post("/s/cooperer/invitations", data={"role": "facilitator"}).status_code == 403
    )
    assert participant.get(f"/s/cooperer/invitations/{invitation.id}").status_code == 403
    assert participant.get(f"/s/cooperer/invitations/{invitation.id}/qr.svg").status_code == 403
    assert count(Invitation) == 1


# --- joining -----------------------------------------------------------------------


NEWCOMER = {"name": "Nadia Nouvelle", "email": "Nadia@Asso.example", "password": "solidaire-2026"}


def test_newcomer_joins_with_the_short_form(personas, facilitator, anonymous):
    invitation = invite(facilitator, role="participant", max_uses="2")
    form = anonymous.get(f"/rejoindre/{invitation.token}")
    assert form.status_code == 200
    assert "Rejoindre « Coopérer sur le territoire »" in text_of(form)
    response = anonymous.post(f"/rejoindre/{invitation.token}", data=NEWCOMER)
    assert response.status_code == 302
    assert response.headers["Location"] == "/s/cooperer/"
    user = db.session.scalar(select(User).where(User.email == "nadia@asso.example"))
    assert user.name == "Nadia Nouvelle"
    assert user.password_hash != NEWCOMER["password"]
    assert check_password_hash(user.password_hash, NEWCOMER["password"])
    assert role_in(personas.space, user) == "participant"
    assert invitation.uses == 1
    # signed in: the space opens without asking again
    home = anonymous.get("/s/cooperer/")
    assert home.status_code == 200
    assert "Bienvenue dans l'espace « Coopérer sur le territoire » !" in text_of(home)
    assert "Nadia Nouvelle" in text_of(home)


def test_signed_in_person_joins_with_the_invitation_role(personas, facilitator, client_for):
    invitation = invite(facilitator, role="reader")
    outsider = client_for(personas.outsider)
    page = text_of(outsider.get(f"/rejoindre/{invitation.token}"))
    assert "Connecté·e en tant que Lou Extérieure." in page
    assert 'name="password"' not in page
    response = outsider.post(f"/rejoindre/{invitation.token}")
    assert response.status_code == 302
    assert role_in(personas.space, personas.outsider) == "reader"
    assert invitation.uses == 1
    assert count(User) == 5


def test_joining_never_lowers_a_role(personas, facilitator, client_for):
    invitation = invite(facilitator, role="reader")
    client_for(personas.participant).post(f"/rejoindre/{invitation.token}")
    assert role_in(personas.space, personas.participant) == "participant"


@pytest.mark.parametrize("state", ["expired", "revoked", "used up", "unknown"])
def test_unusable_links_are_404_with_a_clear_message(personas, facilitator, anonymous, state):
    invitation = invite(facilitator, max_uses="1")
    token = invitation.token
    if state == "expired":
        invitation.expires_at = utcnow() - dt.timedelta(minutes=1)
    elif state == "revoked":
        facilitator.post(f"/s/cooperer/invitations/{invitation.id}/revoquer")
        assert invitation.revoked_at is not None
    elif state == "used up":
        invitations.accept(token, personas.outsider)
    else:
        token = "pas-un-vrai-jeton"
    db.session.commit()
    users_before = count(User)
    for response in (
        anonymous.get(f"/rejoindre/{token}"),
        anonymous.post(f"/rejoindre/{token}", data={**NEWCOMER, "email": "autre@asso.example"}),
    ):
        assert response.status_code == 404
        assert "Ce lien d'invitation n'est plus valable. Demandez-en un nouveau." in text_of(
            response
        )
    assert count(User) == users_before


def test_uses_are_counted_until_the_limit(personas, facilitator, client_for):
    invitation = invite(facilitator, max_uses="2")
    assert client_for(personas.outsider).post(f"/rejoindre/{invitation.token}").status_code == 302
    assert client_for(personas.admin).post(f"/rejoindre/{invitation.token}").status_code == 302
    assert invitation.uses == 2
    newcomer = client_for(None).post(f"/rejoindre/{invitation.token}", data=NEWCOMER)
    assert newcomer.status_code == 404
    assert invitation.uses == 2
    members_page = text_of(facilitator.get("/s/cooperer/membres"))
    assert "utilisé 2 fois / 2" in members_page and "expiré" in members_page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"email": "pas-une-adresse"}, "Cette adresse e-mail n'est pas valide."),
        ({"password": "court"}, "Le mot de passe doit compter au moins 8 caractères."),
        ({"email": "part@cercle.test"}, "Un compte existe déjà avec cette adresse."),
        ({"email": "PART@Cercle.test"}, "Un compte existe déjà avec cette adresse."),
        ({"name": "  "}, "Indiquez un nom."),
        ({"name": "n" * 81}, "Le nom dépasse 80 caractères."),
    ],
)
def test_bad_join_input_creates_nothing(personas, facilitator, anonymous, fields, message):
    invitation = invite(facilitator)
    response = anonymous.post(f"/rejoindre/{invitation.token}", data={**NEWCOMER, **fields})
    assert response.status_code == 400
    html = text_of(response)
    assert message in html
    assert 'value="Nadia Nouvelle"' in html or "name" in fields  # the form keeps what was typed
    assert count(User) == 5 and count(Membership) == 3
    assert invitation.uses == 0
    assert anonymous.get("/s/cooperer/").status_code == 302  # still not signed in


def test_join_form_with_missing_fields_is_400(personas, facilitator, anonymous):
    invitation = invite(facilitator)
    response = anonymous.post(f"/rejoindre/{invitation.token}", data={})
    assert response.status_code == 400
    assert count(User) == 5
