"""Accounts: hashed passwords, signing in, the rate limit, profile and language."""

from __future__ import annotations

import datetime as dt
from html import unescape

import pytest
from sqlalchemy import func, select, update

from tests.conftest import PASSWORD
from wiki import accounts
from wiki.db import db
from wiki.errors import TooManyAttempts, ValidationError
from wiki.models import LoginAttempt, User, utcnow


def text_of(response) -> str:
    return unescape(response.get_data(as_text=True))


def sign_in(client, email: str, password: str, **extra):
    return client.post("/connexion", data={"email": email, "password": password, **extra})


# --- passwords ---------------------------------------------------------------------


def test_passwords_are_hashed_never_stored_plain(app):
    user = accounts.create_user("Claire@Exemple.org", "  Claire   Dupont ", "un-mot-de-passe")
    stored = db.session.scalar(select(User.password_hash).where(User.id == user.id))
    assert stored != "un-mot-de-passe"
    assert "un-mot-de-passe" not in stored
    assert stored.startswith(("scrypt:", "pbkdf2:"))
    assert (user.email, user.name) == ("claire@exemple.org", "Claire Dupont")
    assert user.color.startswith("#") and len(user.color) == 7
    assert not user.is_admin and not user.can_create_spaces


def test_two_accounts_with_the_same_password_get_different_hashes(app):
    first = accounts.create_user("a@exemple.org", "A", "meme-mot-de-passe")
    second = accounts.create_user("b@exemple.org", "B", "meme-mot-de-passe")
    assert first.password_hash != second.password_hash


@pytest.mark.parametrize(
    ("email", "name", "password", "message"),
    [
        ("pas-une-adresse", "Nom", "assez-long", "Cette adresse e-mail n'est pas valide."),
        ("a@b", "Nom", "assez-long", "Cette adresse e-mail n'est pas valide."),
        ("ok@exemple.org", "", "assez-long", "Indiquez un nom."),
        ("ok@exemple.org", "Nom", "court", "Le mot de passe doit compter au moins 8 caractères."),
        ("ok@exemple.org", "Nom", "x" * 1001, "Ce mot de passe est trop long."),
    ],
)
def test_create_user_validation(app, email, name, password, message):
    with pytest.raises(ValidationError) as caught:
        accounts.create_user(email, name, password)
    assert caught.value.message == message
    assert db.session.scalar(select(func.count(User.id))) == 0


def _change_password(user, current: str, new: str) -> None:
    accounts.update_profile(
        user, name=user.name, color=user.color, current_password=current, new_password=new
    )


def test_change_password(personas):
    user = personas.participant
    with pytest.raises(ValidationError) as caught:
        _change_password(user, "mauvais", "nouveau-secret")
    assert caught.value.message == "Le mot de passe actuel est incorrect."
    _change_password(user, PASSWORD, "nouveau-secret")
    assert accounts.authenticate(user.email, "nouveau-secret").id == user.id
    with pytest.raises(ValidationError):
        accounts.authenticate(user.email, PASSWORD)


def test_profile_is_all_or_nothing(personas):
    user = personas.participant
    with pytest.raises(ValidationError):
        accounts.update_profile(
            user, name="Nouveau nom", color="#123456", current_password="faux", new_password="x" * 9
        )
    db.session.rollback()
    db.session.refresh(user)
    assert user.name == "Sami Participant"
    assert user.color != "#123456"


# --- signing in -------------------------------------------------------------------


def test_sign_in_with_the_form(personas, anonymous):
    page = anonymous.get("/connexion")
    assert page.status_code == 200
    assert "<h1>Connexion</h1>" in text_of(page)
    response = sign_in(anonymous, "  PART@cercle.test ", PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = text_of(anonymous.get("/"))
    assert "Sami Participant" in home and "Mes espaces" in home
    # signed in: the sign-in page sends you on
    assert anonymous.get("/connexion").status_code == 302


def test_sign_in_goes_back_where_you_were(personas, anonymous):
    response = anonymous.get("/s/cooperer/")
    assert response.status_code == 302
    login_url = response.headers["Location"]
    assert login_url == "/connexion?next=/s/cooperer/?"
    form = text_of(anonymous.get(login_url))
    assert 'name="next" value="/s/cooperer/?"' in form
    response = sign_in(anonymous, "part@cercle.test", PASSWORD, next="/s/cooperer/")
    assert response.headers["Location"] == "/s/cooperer/"


@pytest.mark.parametrize(
    ("email", "password"),
    [("part@cercle.test", "mauvais-mot-de-passe"), ("inconnu@cercle.test", PASSWORD), ("", "")],
)
def test_sign_in_failure_is_a_french_400(personas, anonymous, email, password):
    response = sign_in(anonymous, email, password)
    assert response.status_code == 400
    html = text_of(response)
    assert "Adresse e-mail ou mot de passe incorrect." in html
    assert f'value="{email}"' in html  # the address stays in the form
    assert anonymous.get("/s/cooperer/").status_code == 302  # still signed out


def test_sign_out(personas, anonymous):
    sign_in(anonymous, "part@cercle.test", PASSWORD)
    response = anonymous.post("/deconnexion")
    assert response.status_code == 302 and response.headers["Location"] == "/connexion"
    assert "Vous êtes déconnecté·e." in text_of(anonymous.get("/connexion"))
    assert anonymous.get("/s/cooperer/").status_code == 302


# --- rate limit -------------------------------------------------------------------


def test_ten_failures_block_even_the_right_password(personas, anonymous):
    for _ in range(10):
        assert sign_in(anonymous, "part@cercle.test", "mauvais").status_code == 400
    response = sign_in(anonymous, "part@cercle.test", PASSWORD)
    assert response.status_code == 429
    assert "Trop de tentatives de connexion. Réessayez dans quelques minutes." in text_of(response)
    assert anonymous.get("/s/cooperer/").status_code == 302


def test_nine_failures_still_let_the_right_password_in(personas, anonymous):
    for _ in range(9):
        sign_in(anonymous, "part@cercle.test", "mauvais")
    assert sign_in(anonymous, "part@cercle.test", PASSWORD).status_code == 302
    # success clears the count for that address
    assert (
        db.session.scalar(
            select(func.count(LoginAttempt.id)).where(LoginAttempt.key == "email:part@cercle.test")
        )
        == 0
    )


def test_rate_limit_counts_per_email_whatever_the_case(personas):
    for _ in range(10):
        with pytest.raises(ValidationError):
            accounts.authenticate("Part@Cercle.test", "mauvais", remote_addr=f"10.0.0.{_}")
    with pytest.raises(TooManyAttempts) as caught:
        accounts.authenticate("part@cercle.test", PASSWORD, remote_addr="10.0.1.1")
    assert caught.value.status == 429
    # another person is not blocked (different e-mail, different address)
    assert accounts.authenticate("lect@cercle.test", PASSWORD, remote_addr="10.0.2.2").id == (
        personas.reader.id
    )


def test_failures_older_than_15_minutes_no_longer_count(personas):
    for _ in range(10):
        with pytest.raises(ValidationError):
            accounts.authenticate("part@cercle.test", "mauvais", remote_addr="10.0.0.1")
    db.session.execute(update(LoginAttempt).values(created_at=utcnow() - dt.timedelta(minutes=16)))
    db.session.commit()
    assert accounts.authenticate("part@cercle.test", PASSWORD, remote_addr="10.0.0.1").id == (
        personas.participant.id
    )


# --- profile and language ---------------------------------------------------------


def test_profile_edit(personas, client_for):
    client = client_for(personas.participant)
    assert 'value="Sami Participant"' in text_of(client.get("/profil"))
    response = client.post("/profil", data={"name": "Sami B.", "color": "#B5462A", "locale": "fr"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/profil"
    user = personas.participant
    assert (user.name, user.color, user.locale) == ("Sami B.", "#b5462a", "fr")
    assert "Profil enregistré." in text_of(client.get("/profil"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "Sami", "color": "rouge"}, "Choisissez une couleur valide."),
        ({"name": "Sami", "color": "#12345"}, "Choisissez une couleur valide."),
        ({"name": "Sami", "color": "#123456;"}, "Choisissez une couleur valide."),
        ({"name": "   ", "color": "#123456"}, "Indiquez un nom."),
        ({"name": "Sami", "color": "#123456", "locale": "de"}, "Langue inconnue."),
        ({}, "Choisissez une couleur valide."),
    ],
)
def test_profile_bad_input_is_400_and_changes_nothing(personas, client_for, data, message):
    response = client_for(personas.participant).post("/profil", data=data)
    assert response.status_code == 400
    assert message in text_of(response)
    db.session.expire_all()
    assert (personas.participant.name, personas.participant.color) == (
        "Sami Participant",
        "#2f6f9f",
    )


def test_profile_needs_sign_in(anonymous):
    response = anonymous.get("/profil")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/connexion")


def test_language_switch_to_english(anonymous, app):
    response = anonymous.post("/langue", data={"locale": "en", "next": "/connexion"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/connexion"
    assert '<html lang="en">' in anonymous.get("/connexion").get_data(as_text=True)
    anonymous.post("/langue", data={"locale": "fr"})
    assert '<html lang="fr">' in anonymous.get("/connexion").get_data(as_text=True)


def test_unknown_language_is_ignored(anonymous):
    anonymous.post("/langue", data={"locale": "xx"})
    assert '<html lang="fr">' in anonymous.get("/connexion").get_data(as_text=True)


def test_default_language_is_french_whatever_the_browser(anonymous):
    assert '<html lang="fr">' in anonymous.get("/connexion").get_data(as_text=True)
    english = anonymous.get("/connexion", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert '<html lang="fr">' in english.get_data(as_text=True)


def test_profile_language_is_used_when_signed_in(personas, client_for):
    accounts.update_profile(personas.reader, name="Dominique", color="#123456", locale="en")
    client = client_for(personas.reader)
    assert '<html lang="en">' in client.get("/s/cooperer/").get_data(as_text=True)


# --- API tokens ---------------------------------------------------------------------


def test_api_tokens_are_stored_hashed(personas):
    token = accounts.create_token(personas.participant)
    assert token.startswith("cercle_")
    assert accounts.user_for_token(token).id == personas.participant.id
    assert accounts.user_for_token(token + "x") is None
    assert accounts.user_for_token("") is None
    assert accounts.user_for_token("x" * 500) is None
