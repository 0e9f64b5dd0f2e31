"""Who may do what, checked in the service layer (role × action), then over HTTP."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import func, select

from tests.conftest import make_user
from wiki import invitations, page_trash, pages, revisions, spaces
from wiki.db import db
from wiki.errors import CercleError
from wiki.models import Membership, Page, Space, utcnow

ROLES = ["admin", "facilitator", "participant", "reader", "outsider", "anonymous"]
ACTIONS = [
    "read space",
    "create page",
    "edit",
    "rename",
    "move",
    "delete",
    "view trash",
    "restore from trash",
    "restore revision",
    "manage members",
    "create invitation",
    "change settings",
]
EVERYTHING = dict.fromkeys(ACTIONS, "ok")
PARTICIPANT = {
    **EVERYTHING,
    **dict.fromkeys(
        [
            "view trash",
            "restore from trash",
            "manage members",
            "create invitation",
            "change settings",
        ],
        "PermissionDenied",
    ),
}
READER = {**dict.fromkeys(ACTIONS, "PermissionDenied"), "read space": "ok"}


def only_reading(write_error: str) -> dict[str, str]:
    return {**dict.fromkeys(ACTIONS, write_error), "read space": "ok"}


@dataclass
class Scene:
    space: Space
    author: object
    users: dict[str, object]


def actor(personas, role: str):
    if role == "anonymous":
        return AnonymousUserMixin()
    return getattr(personas, role)


def scene(personas, *, visibility: str = "members") -> Scene:
    personas.space.visibility = visibility
    db.session.commit()
    return Scene(personas.space, personas.facilitator, {})


def _page(sc: Scene, title: str, markdown: str = "Texte.") -> Page:
    return pages.create_page(sc.author, sc.space, title, markdown)


def _do(action: str, user, sc: Scene, newcomer) -> None:
    """Run one action with fresh objects made by the facilitator beforehand."""
    space = sc.space
    if action == "read space":
        spaces.get_space(user, space.slug)
    elif action == "create page":
        pages.create_page(user, space, "Une page de plus")
    elif action == "edit":
        pages.update_page(user, sc.users["edit"], markdown="Texte changé.")
    elif action == "rename":
        pages.update_page(user, sc.users["rename"], title="Titre changé")
    elif action == "move":
        pages.move_page(user, sc.users["move"], sc.users["move-parent"].id)
    elif action == "delete":
        page_trash.delete_page(user, sc.users["delete"])
    elif action == "view trash":
        page_trash.trash(user, space)
    elif action == "restore from trash":
        page_trash.restore_page(user, space, sc.users["trashed"].id)
    elif action == "restore revision":
        revisions.restore_revision(user, sc.users["two-versions"], 1)
    elif action == "manage members":
        spaces.add_member(user, space, newcomer, "participant")
    elif action == "create invitation":
        invitations.create_invitation(user, space, "participant", days=7)
    elif action == "change settings":
        spaces.update_space(
            user,
            space,
            title="Nouveau titre",
            description="",
            starts_on=None,
            ends_on=None,
            visibility=space.visibility,
        )
    else:  # pragma: no cover - a typo in ACTIONS
        raise AssertionError(action)


def _prepare(sc: Scene) -> None:
    for name in ("edit", "rename", "move", "move-parent", "delete"):
        sc.users[name] = _page(sc, f"Page {name}")
    sc.users["trashed"] = _page(sc, "Page jetée")
    page_trash.delete_page(sc.author, sc.users["trashed"])
    sc.users["two-versions"] = _page(sc, "Deux versions", "Première version.")
    pages.update_page(sc.author, sc.users["two-versions"], markdown="Seconde version.")


def outcomes(personas, role: str, *, visibility: str = "members", archived: bool = False) -> dict:
    results = {}
    for action in ACTIONS:
        sc = scene(personas, visibility=visibility)
        _prepare(sc)
        newcomer = make_user(f"nouveau-{len(results)}@cercle.test", "Nouvelle Personne")
        if archived:
            sc.space.archived_at = utcnow()
            db.session.commit()
        try:
            _do(action, actor(personas, role), sc, newcomer)
            results[action] = "ok"
        except CercleError as error:
            db.session.rollback()
            results[action] = type(error).__name__
        if archived:
            sc.space.archived_at = None
            db.session.commit()
    return results


MEMBERS_ONLY = {
    "admin": EVERYTHING,
    "facilitator": EVERYTHING,
    "participant": PARTICIPANT,
    "reader": READER,
    "outsider": dict.fromkeys(ACTIONS, "NotFound"),
    "anonymous": dict.fromkeys(ACTIONS, "AuthenticationRequired"),
}
BY_LINK = {
    **MEMBERS_ONLY,
    "outsider": only_reading("PermissionDenied"),
    "anonymous": only_reading("AuthenticationRequired"),
}
ARCHIVED = {
    "admin": {**only_reading("ArchivedSpace"), "view trash": "ok"},
    "facilitator": {**only_reading("ArchivedSpace"), "view trash": "ok"},
    "participant": {**only_reading("ArchivedSpace"), "view trash": "PermissionDenied"},
    "reader": {**only_reading("ArchivedSpace"), "view trash": "PermissionDenied"},
    "outsider": dict.fromkeys(ACTIONS, "NotFound"),
    "anonymous": dict.fromkeys(ACTIONS, "AuthenticationRequired"),
}


@pytest.mark.parametrize("role", ROLES)
def test_matrix_members_only_space(personas, role):
    assert outcomes(personas, role) == MEMBERS_ONLY[role]


@pytest.mark.parametrize("role", ROLES)
def test_matrix_space_readable_by_link(personas, role):
    assert outcomes(personas, role, visibility="link") == BY_LINK[role]


@pytest.mark.parametrize("role", ROLES)
def test_matrix_archived_space_is_read_only_for_everyone(personas, role):
    assert outcomes(personas, role, archived=True) == ARCHIVED[role]


def test_archived_error_is_a_423_with_a_french_message(personas):
    page = pages.create_page(personas.facilitator, personas.space, "Mémoire", "Texte.")
    personas.space.archived_at = utcnow()
    db.session.commit()
    with pytest.raises(CercleError) as caught:
        pages.update_page(personas.facilitator, page, markdown="Autre texte.")
    assert caught.value.status == 423
    assert (
        caught.value.message == "Cet espace est archivé : il se consulte mais ne se modifie plus."
    )
    assert page.markdown == "Texte."


def test_anonymous_as_none_is_treated_like_a_visitor(personas):
    with pytest.raises(CercleError) as caught:
        spaces.get_space(None, personas.space.slug)
    assert caught.value.status == 401
    personas.space.visibility = "link"
    db.session.commit()
    assert spaces.get_space(None, personas.space.slug).id == personas.space.id
    with pytest.raises(CercleError) as caught:
        pages.create_page(None, personas.space, "Intrus")
    assert caught.value.status == 401


# --- the same rules seen through HTTP ---------------------------------------------


@pytest.fixture
def programme(personas) -> Page:
    return pages.create_page(personas.facilitator, personas.space, "Programme", "Le programme.")


def _page_count() -> int:
    return db.session.scalar(select(func.count(Page.id)).where(Page.deleted_at.is_(None)))


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("facilitator", 200),
        ("participant", 200),
        ("reader", 200),
        ("admin", 200),
        ("outsider", 404),
    ],
)
def test_http_read_members_only_space(personas, client_for, programme, role, status):
    client = client_for(getattr(personas, role))
    assert client.get("/s/cooperer/").status_code == status
    assert client.get("/s/cooperer/p/programme").status_code == status


def test_http_anonymous_is_sent_to_sign_in_on_members_only_space(personas, anonymous, programme):
    response = anonymous.get("/s/cooperer/p/programme")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/connexion?next=")


@pytest.mark.parametrize(
    ("role", "status"),
    [("participant", 200), ("reader", 403), ("outsider", 404)],
)
def test_http_edit_form_by_role(personas, client_for, programme, role, status):
    assert (
        client_for(getattr(personas, role)).get("/s/cooperer/p/programme/modifier").status_code
        == status
    )


def test_http_reader_cannot_save(personas, client_for, programme):
    response = client_for(personas.reader).post(
        "/s/cooperer/p/programme/modifier", data={"title": "Programme", "markdown": "Lu et changé."}
    )
    assert response.status_code == 403
    assert "Votre rôle dans cet espace ne permet pas cette action." in response.get_data(
        as_text=True
    )
    assert programme.markdown == "Le programme."


def test_http_link_space_readable_by_anyone_writable_by_nobody_outside(
    personas, client_for, anonymous, programme
):
    personas.space.visibility = "link"
    db.session.commit()
    assert anonymous.get("/s/cooperer/").status_code == 200
    view = anonymous.get("/s/cooperer/p/programme")
    assert view.status_code == 200
    assert "Le programme." in view.get_data(as_text=True)
    assert "/modifier" not in view.get_data(as_text=True)
    before = _page_count()
    response = anonymous.post(
        "/s/cooperer/nouvelle-page", data={"title": "Intrus", "markdown": "x"}
    )
    assert response.status_code == 302 and response.headers["Location"].startswith("/connexion")
    response = client_for(personas.outsider).post(
        "/s/cooperer/nouvelle-page", data={"title": "Intrus", "markdown": "x"}
    )
    assert response.status_code == 403
    assert _page_count() == before


def test_http_archived_space_readable_but_writes_get_423(personas, client_for, programme):
    personas.space.archived_at = utcnow()
    db.session.commit()
    facilitator = client_for(personas.facilitator)
    view = facilitator.get("/s/cooperer/p/programme")
    assert view.status_code == 200
    assert "Archivé" in view.get_data(as_text=True)
    assert "/modifier" not in view.get_data(as_text=True)
    assert client_for(personas.reader).get("/s/cooperer/p/programme").status_code == 200
    before = _page_count()
    for client, url, data in [
        (
            facilitator,
            "/s/cooperer/p/programme/modifier",
            {"title": "Programme", "markdown": "Non."},
        ),
        (facilitator, "/s/cooperer/nouvelle-page", {"title": "Encore", "markdown": "Non."}),
        (facilitator, "/s/cooperer/p/programme/supprimer", {}),
        (
            client_for(personas.participant),
            "/s/cooperer/p/programme/modifier",
            {"title": "Programme", "markdown": "Non."},
        ),
        (
            client_for(personas.reader),
            "/s/cooperer/p/programme/modifier",
            {"title": "Programme", "markdown": "Non."},
        ),
        (client_for(personas.admin), "/s/cooperer/invitations", {"role": "reader"}),
    ]:
        response = client.post(url, data=data)
        assert response.status_code == 423, url
        assert "Cet espace est archivé" in response.get_data(as_text=True)
    assert _page_count() == before
    db.session.refresh(programme)
    assert programme.markdown == "Le programme." and programme.revision_number == 1
    # the facilitator still sees who belongs to the space, and the trash
    assert facilitator.get("/s/cooperer/membres").status_code == 200
    assert facilitator.get("/s/cooperer/corbeille").status_code == 200


def test_membership_rows_untouched_by_refused_member_changes(personas):
    before = db.session.scalars(select(Membership.role).order_by(Membership.id)).all()
    with pytest.raises(CercleError):
        spaces.set_role(personas.participant, personas.space, personas.reader.id, "facilitator")
    db.session.rollback()
    assert db.session.scalars(select(Membership.role).order_by(Membership.id)).all() == before
