"""API tokens people control: create one in the profile (shown once), list, revoke; a
revoked token is refused at once over HTTP and its open live connection is closed."""

from __future__ import annotations

import re
from html import unescape

from sqlalchemy import select

import collab
from wiki import accounts, pages, tokens
from wiki.db import db
from wiki.models import ApiToken

NS = "/collab"


def text_of(response) -> str:
    return unescape(response.get_data(as_text=True))


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_the_profile_creates_a_token_shown_once(personas, client_for, anonymous):
    client = client_for(personas.participant)
    response = client.post("/profil/jetons", data={"token_name": "Script d'export"})
    assert response.status_code == 201
    secret = re.search(r'value="(cercle_[^"]+)"', response.get_data(as_text=True)).group(1)
    assert accounts.user_for_token(secret).id == personas.participant.id
    later = text_of(client.get("/profil"))
    assert "Script d'export" in later and secret not in later
    token = db.session.scalars(select(ApiToken)).one()
    assert token.name == "Script d'export" and secret not in token.token_hash


def test_the_profile_lists_and_revokes_tokens(personas, client_for, anonymous):
    _token, secret = tokens.create(personas.participant, "Tableau de bord")
    assert anonymous.get("/api/v1/spaces", headers=bearer(secret)).status_code == 200
    client = client_for(personas.participant)
    html = text_of(client.get("/profil"))
    assert "Tableau de bord" in html and "Dernière utilisation" in html
    assert "jamais" not in html.split("Tableau de bord", 1)[1].split("</tr>", 1)[0]
    response = client.post(f"/profil/jetons/{_token.id}/revoquer")
    assert response.status_code == 302
    refused = anonymous.get("/api/v1/spaces", headers=bearer(secret))
    assert refused.status_code == 401
    assert "Tableau de bord" not in text_of(client.get("/profil"))


def test_nobody_revokes_someone_elses_token(personas, client_for):
    token, secret = tokens.create(personas.reader, "À moi")
    response = client_for(personas.participant).post(f"/profil/jetons/{token.id}/revoquer")
    assert response.status_code == 404
    assert accounts.user_for_token(secret).id == personas.reader.id


def test_api_lists_the_callers_tokens_never_their_secret(personas, anonymous):
    mine, secret = tokens.create(personas.participant, "CLI")
    other, _ = tokens.create(personas.participant, "Autre")
    tokens.create(personas.reader, "Pas à vous")
    response = anonymous.get("/api/v1/tokens", headers=bearer(secret))
    assert response.status_code == 200
    listed = response.get_json()
    assert [t["name"] for t in listed] == ["Autre", "CLI"]
    assert {t["id"]: t["current"] for t in listed} == {mine.id: True, other.id: False}
    assert set(listed[0]) == {"id", "name", "created_at", "last_used_at", "current"}
    assert secret not in response.get_data(as_text=True)
    assert mine.token_hash not in response.get_data(as_text=True)
    assert next(t for t in listed if t["current"])["last_used_at"] is not None


def test_api_revokes_a_token_at_once(personas, anonymous):
    caller, secret = tokens.create(personas.participant, "Principal")
    spare, spare_secret = tokens.create(personas.participant, "Secours")
    response = anonymous.delete(f"/api/v1/tokens/{spare.id}", headers=bearer(secret))
    assert response.status_code == 204
    assert anonymous.get("/api/v1/tokens", headers=bearer(spare_secret)).status_code == 401
    again = anonymous.delete(f"/api/v1/tokens/{spare.id}", headers=bearer(secret))
    assert again.status_code == 404
    # revoking the token one calls with is allowed: a script can sign itself out
    assert (
        anonymous.delete(f"/api/v1/tokens/{caller.id}", headers=bearer(secret)).status_code == 204
    )
    assert anonymous.get("/api/v1/tokens", headers=bearer(secret)).status_code == 401


def test_api_refuses_someone_elses_token_and_absurd_ids(personas, anonymous):
    theirs, their_secret = tokens.create(personas.reader, "Lectrice")
    _mine, secret = tokens.create(personas.participant, "Sami")
    for token_id in (theirs.id, 2**31, 10**30):
        response = anonymous.delete(f"/api/v1/tokens/{token_id}", headers=bearer(secret))
        assert response.status_code == 404, token_id
    assert accounts.user_for_token(their_secret) is not None


def test_the_openapi_document_states_the_token_routes(anonymous):
    document = anonymous.get("/api/v1/openapi.json").get_json()
    assert set(document["paths"]["/api/v1/tokens"]) == {"get"}
    delete = document["paths"]["/api/v1/tokens/{id}"]["delete"]
    assert delete["parameters"][0]["schema"]["maximum"] == tokens.ID_MAX
    assert "secret" not in str(document["components"]["schemas"]["ApiToken"]).lower()


def test_revoking_a_token_closes_its_open_live_connection(app, personas, anonymous):
    page = pages.create_page(personas.facilitator, personas.space, "Fiche", "Texte")
    revoked, secret = tokens.create(personas.participant, "Éditeur")
    _kept, kept_secret = tokens.create(personas.participant, "Autre éditeur")
    state = collab.get(app)
    state._started = True  # no flusher or housekeeper thread (they would outlive the database)
    sockets = [
        state.socketio.test_client(app, namespace=NS, auth={"token": s})
        for s in (secret, kept_secret)
    ]
    try:
        for socket in sockets:
            joined = socket.emit("join", {"page_id": page.id}, namespace=NS, callback=True)
            assert joined["ok"] is True
        response = anonymous.delete(f"/api/v1/tokens/{revoked.id}", headers=bearer(kept_secret))
        assert response.status_code == 204
        assert not sockets[0].is_connected(NS)  # closed by the server, at once
        assert sockets[1].is_connected(NS)  # the other token's connection stays
        assert state.hub.sids_of(token_id=revoked.id) == []
        again = state.socketio.test_client(app, namespace=NS, auth={"token": secret})
        assert not again.is_connected(NS)  # and it cannot come back
    finally:
        for socket in sockets:
            if socket.is_connected(NS):
                socket.disconnect(namespace=NS)


def test_the_command_line_names_a_token(app, personas):
    result = app.test_cli_runner().invoke(
        args=["tokens", "create", "part@cercle.test", "--name", "Sauvegarde nocturne"]
    )
    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    token = tokens.find(secret)
    assert token.name == "Sauvegarde nocturne" and token.user_id == personas.participant.id
    too_long = app.test_cli_runner().invoke(
        args=["tokens", "create", "part@cercle.test", "--name", "x" * 81]
    )
    assert too_long.exit_code == 1 and "80 caractères" in too_long.output


def test_revoking_a_token_closes_its_live_results_connection(app, personas, anonymous):
    """The questionnaires' live wall (/results) is closed like the editor's connection."""
    revoked, secret = tokens.create(personas.participant, "Écran")
    _kept, kept_secret = tokens.create(personas.participant, "Autre écran")
    state = collab.get(app)
    state._started = True  # no flusher or housekeeper thread (they would outlive the database)
    results_ns = "/results"
    sockets = [
        state.socketio.test_client(app, namespace=results_ns, auth={"token": s})
        for s in (secret, kept_secret)
    ]
    try:
        assert all(socket.is_connected(results_ns) for socket in sockets)
        response = anonymous.delete(f"/api/v1/tokens/{revoked.id}", headers=bearer(kept_secret))
        assert response.status_code == 204
        assert not sockets[0].is_connected(results_ns)
        assert sockets[1].is_connected(results_ns)
    finally:
        for socket in sockets:
            if socket.is_connected(results_ns):
                socket.disconnect(namespace=results_ns)
