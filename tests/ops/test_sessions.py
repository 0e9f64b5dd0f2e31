"""Server-side sessions: sign-out ends a copied cookie too, a new password ends the other
sessions, the profile lists and ends them, a page view costs one lookup, HEAD is a read."""

from __future__ import annotations

from html import unescape

from sqlalchemy import event, func, select

from tests.conftest import PASSWORD, _forget_request_state
from wiki import sessions
from wiki.db import db
from wiki.models import LoginAttempt
from wiki.models_sessions import UserSession

REMEMBER = "remember_token"
DOMAIN = "cercle.test"  # the tests' SERVER_NAME: cookies are set for it


def text_of(response) -> str:
    return unescape(response.get_data(as_text=True))


def sign_in(client, email: str = "part@cercle.test", password: str = PASSWORD):
    response = client.post("/connexion", data={"email": email, "password": password})
    assert response.status_code == 302, text_of(response)
    return response


def signed_in(client) -> bool:
    return client.get("/profil").status_code == 200


def copy_cookies(source, target, names=("session", REMEMBER)) -> None:
    """What a thief does with a copied cookie jar."""
    for name in names:
        cookie = source.get_cookie(name, domain=DOMAIN)
        if cookie is not None:
            target.set_cookie(name, cookie.value, domain=DOMAIN)


def session_count(user) -> int:
    query = select(func.count(UserSession.id)).where(UserSession.user_id == user.id)
    return db.session.scalar(query)


def test_sign_in_opens_a_session_whose_key_is_stored_hashed(personas, anonymous):
    sign_in(anonymous)
    row = db.session.scalars(select(UserSession)).one()
    assert row.user_id == personas.participant.id
    cookie_value = anonymous.get_cookie("session", domain=DOMAIN).value
    assert row.key_hash not in cookie_value and len(row.key_hash) == 64


def test_sign_out_ends_a_copied_session_cookie(personas, anonymous, app):
    sign_in(anonymous)
    thief = app.test_client()
    copy_cookies(anonymous, thief, names=("session",))
    assert signed_in(thief)
    anonymous.post("/deconnexion")
    assert not signed_in(anonymous)
    assert not signed_in(thief)  # the server forgot the session: the copy opens nothing
    assert session_count(personas.participant) == 0


def test_sign_out_ends_a_copied_remember_cookie(personas, anonymous, app):
    sign_in(anonymous)
    thief = app.test_client()
    copy_cookies(anonymous, thief, names=(REMEMBER,))
    assert thief.get_cookie("session", domain=DOMAIN) is None
    assert signed_in(thief)  # "remember me" signs the copy in…
    anonymous.post("/deconnexion")
    stale = app.test_client()
    stale.set_cookie(REMEMBER, thief.get_cookie(REMEMBER, domain=DOMAIN).value, domain=DOMAIN)
    assert not signed_in(stale)  # …but not once the person signed out


def test_a_bare_user_id_in_a_signed_cookie_is_not_a_session(personas, app):
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(personas.participant.id)  # the format before sessions
    assert not signed_in(client)


def test_a_new_password_ends_the_other_sessions_not_this_one(personas, anonymous, app):
    phone, laptop = app.test_client(), anonymous
    sign_in(phone)
    sign_in(laptop)
    assert session_count(personas.participant) == 2
    response = laptop.post(
        "/profil",
        data={
            "name": "Sami",
            "color": "#2f6f9f",
            "current_password": PASSWORD,
            "new_password": "un-nouveau-secret",
        },
    )
    assert response.status_code == 302
    assert signed_in(laptop)
    assert not signed_in(phone)
    assert session_count(personas.participant) == 1


def test_a_profile_edit_without_new_password_ends_nothing(personas, anonymous, app):
    phone = app.test_client()
    sign_in(phone)
    sign_in(anonymous)
    anonymous.post("/profil", data={"name": "Sami", "color": "#2f6f9f"})
    assert signed_in(phone)


def test_the_profile_lists_sessions_and_ends_them(personas, anonymous, app):
    phone = app.test_client()
    phone.post(
        "/connexion",
        data={"email": "part@cercle.test", "password": PASSWORD},
        headers={"User-Agent": "Téléphone de Sami"},
    )
    sign_in(anonymous)
    html = text_of(anonymous.get("/profil"))
    assert "Mes sessions" in html and "Téléphone de Sami" in html and "cet appareil" in html
    phone_row = db.session.scalars(
        select(UserSession).where(UserSession.user_agent == "Téléphone de Sami")
    ).one()
    response = anonymous.post(f"/profil/sessions/{phone_row.id}/fermer")
    assert response.status_code == 302
    assert not signed_in(phone) and signed_in(anonymous)


def test_end_all_other_sessions(personas, anonymous, app):
    others = [app.test_client() for _ in range(3)]
    for client in [*others, anonymous]:
        sign_in(client)
    response = anonymous.post("/profil/sessions/fermer-les-autres")
    assert response.status_code == 302
    assert "Sessions fermées sur les autres appareils : 3." in text_of(anonymous.get("/profil"))
    assert not any(signed_in(client) for client in others)


def test_someone_elses_session_cannot_be_ended(personas, client_for):
    victim_row, _key = sessions.start(personas.reader)
    response = client_for(personas.participant).post(f"/profil/sessions/{victim_row.id}/fermer")
    assert response.status_code == 404
    assert db.session.get(UserSession, victim_row.id) is not None


def test_ending_ones_own_current_session_signs_out(personas, anonymous):
    sign_in(anonymous)
    row = db.session.scalars(select(UserSession)).one()
    assert anonymous.post(f"/profil/sessions/{row.id}/fermer").status_code == 302
    assert not signed_in(anonymous)


def test_a_page_view_costs_one_session_lookup(personas, client_for, app):
    client = client_for(personas.participant)
    client.get("/s/cooperer/")  # warm: the first request of a process catches up
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.get("/s/cooperer/").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert sum("user_sessions" in s for s in statements) == 1
    assert not any(s.lstrip().upper().startswith("UPDATE USER_SESSIONS") for s in statements)


def test_head_on_the_sign_in_page_is_not_an_attempt(personas, anonymous):
    for _ in range(12):
        response = anonymous.head("/connexion")
        assert response.status_code == 200
    assert db.session.scalar(select(func.count(LoginAttempt.id))) == 0
    sign_in(anonymous)  # no rate limit reached by the probes
    assert anonymous.head("/profil").status_code == 200


def test_ending_a_session_closes_its_live_connection(app, personas, anonymous):
    import collab
    from wiki import pages

    page = pages.create_page(personas.facilitator, personas.space, "Fiche", "Texte")
    phone = app.test_client()
    sign_in(phone)
    sign_in(anonymous)
    state = collab.get(app)
    state._started = True  # no flusher or housekeeper thread (they would outlive the database)
    live = []
    for client in (phone, anonymous):
        _forget_request_state()  # the test's app context is shared: each connection its own
        live.append(state.socketio.test_client(app, namespace="/collab", flask_test_client=client))
    try:
        for socket in live:
            assert socket.emit("join", {"page_id": page.id}, namespace="/collab", callback=True)[
                "ok"
            ]
        anonymous.post("/profil/sessions/fermer-les-autres")
        assert not live[0].is_connected("/collab")  # the phone's editor is closed at once
        assert live[1].is_connected("/collab")
        anonymous.post("/deconnexion")
        assert not live[1].is_connected("/collab")
    finally:
        for socket in live:
            if socket.is_connected("/collab"):
                socket.disconnect(namespace="/collab")
