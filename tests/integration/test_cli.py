"""Command line: users, API tokens and the demo space, through Flask's CLI runner."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from wiki import accounts, navigation, pages
from wiki.db import db
from wiki.demo import DEMO_ACCOUNTS
from wiki.models import Membership, Page, Space, User


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=list(args))


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


# --- users -------------------------------------------------------------------------


def test_users_create(cli):
    result = cli(
        "users", "create", "Claire@Exemple.org", "--name", "Claire", "--password", "secret-123"
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Compte créé : claire@exemple.org"
    user = accounts.find_by_email("claire@exemple.org")
    assert (user.name, user.is_admin, user.can_create_spaces) == ("Claire", False, False)
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))
    assert accounts.authenticate("claire@exemple.org", "secret-123").id == user.id


def test_users_create_admin(cli):
    result = cli(
        "users",
        "create",
        "admin@exemple.org",
        "--name",
        "Admin",
        "--password",
        "secret-123",
        "--admin",
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Compte créé : admin@exemple.org (admin)"
    user = accounts.find_by_email("admin@exemple.org")
    assert user.is_admin and user.can_create_spaces


def test_users_create_space_creator(cli):
    result = cli(
        "users",
        "create",
        "anim@exemple.org",
        "--name",
        "Anim",
        "--password",
        "secret-123",
        "--can-create-spaces",
    )
    assert result.exit_code == 0, result.output
    user = accounts.find_by_email("anim@exemple.org")
    assert user.can_create_spaces and not user.is_admin


def test_users_create_duplicate_email_is_a_clear_error(cli):
    assert (
        cli("users", "create", "a@exemple.org", "--name", "A", "--password", "secret-123").exit_code
        == 0
    )
    result = cli("users", "create", "A@EXEMPLE.org", "--name", "B", "--password", "autre-secret")
    assert result.exit_code == 1
    assert "Error: Un compte existe déjà avec cette adresse." in result.output
    assert "Traceback" not in result.output
    assert count(User) == 1
    assert accounts.find_by_email("a@exemple.org").name == "A"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["pas-une-adresse", "--name", "X", "--password", "secret-123"],
            "Cette adresse e-mail n'est pas valide.",
        ),
        (
            ["x@exemple.org", "--name", "X", "--password", "court"],
            "Le mot de passe doit compter au moins 8 caractères.",
        ),
    ],
)
def test_users_create_invalid_input(cli, args, message):
    result = cli("users", "create", *args)
    assert result.exit_code == 1
    assert message in result.output
    assert count(User) == 0


def test_users_create_requires_name_and_password(cli):
    result = cli("users", "create", "x@exemple.org")
    assert result.exit_code == 2
    assert count(User) == 0


# --- tokens ------------------------------------------------------------------------


def test_tokens_create_prints_a_working_token_on_the_last_line(cli):
    cli("users", "create", "api@exemple.org", "--name", "Robot", "--password", "secret-123")
    result = cli("tokens", "create", "API@exemple.org")
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0] == "Jeton créé (il ne sera plus affiché) :"
    token = lines[-1]
    assert token.startswith("cercle_") and " " not in token
    user = accounts.user_for_token(token)
    assert user is not None and user.email == "api@exemple.org"
    # each call makes a new token; both work
    second = cli("tokens", "create", "api@exemple.org").output.strip().splitlines()[-1]
    assert second != token
    assert accounts.user_for_token(second).id == user.id == accounts.user_for_token(token).id


def test_tokens_create_for_unknown_email(cli):
    result = cli("tokens", "create", "personne@exemple.org")
    assert result.exit_code == 1
    assert "Aucun compte pour personne@exemple.org." in result.output


# --- demo --------------------------------------------------------------------------


def _printed_logins(output: str) -> dict[str, tuple[str, str]]:
    logins = {}
    for line in output.splitlines()[2:]:
        role, email, _slash, password = line.split()
        logins[role] = (email, password)
    return logins


def test_demo_then_demo_if_empty(cli):
    first = cli("demo")
    assert first.exit_code == 0, first.output
    lines = first.output.splitlines()
    assert lines[:2] == [
        "Espace de démonstration créé.",
        "Comptes de démonstration (adresse / mot de passe) :",
    ]
    logins = _printed_logins(first.output)
    assert set(logins) == set(DEMO_ACCOUNTS)
    for role, (email, password) in logins.items():
        assert email == DEMO_ACCOUNTS[role][0]
        assert accounts.authenticate(email, password).email == email
    counts = (count(Space), count(Page), count(User), count(Membership))
    # 7 pages + 1 fiche projet + 2 answered questionnaires + 1 Métaplan board; 3 accounts +
    # 5 voices who answered
    assert counts == (1, 11, 8, 8)

    second = cli("demo", "--if-empty")
    assert second.exit_code == 0, second.output
    assert second.output.splitlines()[0] == "Des espaces existent déjà : démo non recréée."
    assert _printed_logins(second.output) == logins
    assert (count(Space), count(Page), count(User), count(Membership)) == counts


def test_demo_if_empty_on_an_empty_instance_creates_the_demo(cli):
    result = cli("demo", "--if-empty")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "Espace de démonstration créé."
    assert count(Space) == 1


def test_demo_space_content(cli):
    cli("demo")
    space = db.session.scalar(select(Space))
    tree = {n.page.title: [c.page.title for c in n.children] for n in navigation.page_tree(space)}
    assert tree["Fiches statuts"] == ["Association loi 1901", "SCIC"]
    roles = sorted(m.role for m in db.session.scalars(select(Membership)))
    assert roles == ["facilitator", *["participant"] * 6, "reader"]
    cartographie, _moved = pages.find_by_slug(space, "cartographie-des-cooperations")
    assert cartographie.revision_number == 2
    assert [p.title for p in navigation.backlinks(cartographie)] == [
        "Bienvenue",
        "Programme de la journée",
    ]
