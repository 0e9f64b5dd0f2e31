"""The board over HTTP: its pages, intents with the socket's checks, "Transformer en page",
and the rendition searched and diffed like a page (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import re

from sqlalchemy import select

import search
from collab.hub import check_write
from wiki import accounts, revisions
from wiki.db import db
from wiki.models import Page


def _intent(client, page, op, **data):
    return client.post(f"/metaplan/{page.id}/intention", json={"op": op, **data})


def test_board_and_projector_pages(personas, client_for, board_page):
    client = client_for(personas.participant)
    url = f"/s/{personas.space.slug}/p/{board_page.slug}"
    html = client.get(url).get_data(as_text=True)
    assert "data-metaplan" in html and "Envoyer" in html and "Transformer en page" not in html
    projector = client.get(f"/metaplan/{board_page.id}/projecteur").get_data(as_text=True)
    assert "metaplan--projector" in projector and "Envoyer" not in projector
    manager = client_for(personas.facilitator).get(url).get_data(as_text=True)
    assert "Transformer en page" in manager


def test_reader_cannot_post_or_move_over_http(personas, client_for, board_page, join):
    watcher = join(personas.reader)
    reader, anim = client_for(personas.reader), client_for(personas.facilitator)
    assert _intent(reader, board_page, "add_card", text="Intrus").status_code == 403
    assert _intent(anim, board_page, "set_phase", phase="grouping").status_code == 200
    key = _intent(anim, board_page, "add_card", text="Une carte").get_json()["card"]
    group = _intent(anim, board_page, "add_cluster", name="G").get_json()["cluster"]
    moved = _intent(reader, board_page, "move_card", card=key, cluster=group)
    assert moved.status_code == 403
    assert watcher.cards()[key]["cluster"] == ""  # the HTTP intents reached the live room
    assert (
        client_for(personas.outsider).post(f"/metaplan/{board_page.id}/intention").status_code
        == 404
    )
    assert _intent(reader, board_page, "nimporte").status_code == 400


def test_participant_card_is_hidden_until_the_reveal_over_http(
    personas, client_for, board_page, join
):
    watcher = join(personas.facilitator)
    sami = client_for(personas.participant)
    assert _intent(sami, board_page, "add_card", text="Secret de Sami").status_code == 200
    assert watcher.cards() == {} and "Secret de Sami" not in watcher.everything()
    _intent(client_for(personas.facilitator), board_page, "set_phase", phase="reveal")
    assert [c["text"] for c in watcher.cards().values()] == ["Secret de Sami"]


def _board(client, page):
    _intent(client, page, "set_phase", phase="grouping")
    first = _intent(client, page, "add_card", text="Mutualiser un local").get_json()["card"]
    second = _intent(client, page, "add_card", text="Partager un emploi").get_json()["card"]
    group = _intent(client, page, "add_cluster", name="Moyens communs").get_json()["cluster"]
    _intent(client, page, "move_card", card=first, cluster=group)
    _intent(client, page, "set_phase", phase="voting")
    _intent(client, page, "vote", card=first)
    _intent(client, page, "vote", card=first)
    return first, second


def test_transform_into_a_page(app, personas, client_for, board_page):
    anim = client_for(personas.facilitator)
    _board(anim, board_page)
    response = anim.post(f"/metaplan/{board_page.id}/transformer")
    assert response.status_code == 303
    page = db.session.scalars(
        select(Page).where(Page.kind == "page", Page.title.like("Tableau%"))
    ).one()
    assert page.markdown == (
        "## Moyens communs\n\n- Mutualiser un local — Camille Animatrice (2 gommettes)\n\n"
        "## Cartes sans groupe\n\n- Partager un emploi — Camille Animatrice\n"
    )
    assert page.parent_id == board_page.parent_id
    board_html = anim.get(f"/s/{personas.space.slug}/p/{board_page.slug}").get_data(as_text=True)
    assert f"/p/{page.slug}" in board_html  # linked from the board
    participant = client_for(personas.reader)
    assert participant.post(f"/metaplan/{board_page.id}/transformer").status_code == 403


def test_rendition_is_searched_and_diffed(app, personas, client_for, board_page):
    anim = client_for(personas.facilitator)
    _intent(anim, board_page, "set_phase", phase="reveal")
    _intent(anim, board_page, "add_card", text="Une zorglubienne idée")
    # nobody has the board open: each intent was written back and kept as a revision
    assert search.flush(30)
    found = [i.hit.title for i in search.run_search(personas.reader, "zorglubienne").items]
    assert found == ["Tableau"]
    first = revisions.history(board_page)
    numbers = sorted(r.number for r in db.session.scalars(first))
    diff = revisions.compare(board_page, numbers[0], numbers[-1])
    assert diff.words_added >= 3


def test_the_boards_text_is_not_typed_over(app, personas, client_for, board_page):
    """Its Markdown is the cards' rendition: the API, the editor and the live channel refuse
    a typed text (it would be lost at the next board change), and no "Modifier" is shown."""
    anim = client_for(personas.facilitator)
    _intent(anim, board_page, "set_phase", phase="reveal")
    _intent(anim, board_page, "add_card", text="Vraie carte")
    db.session.expire_all()
    before = db.session.get(Page, board_page.id).markdown
    assert "Vraie carte" in before
    token = accounts.create_token(personas.participant)
    refused = app.test_client().put(
        f"/api/v1/pages/{board_page.id}",
        json={"markdown": "Tapé à la main"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert refused.status_code == 403 and "cartes" in refused.json["error"]["message"]
    edit_url = f"/s/{personas.space.slug}/p/{board_page.slug}/modifier"
    writer = client_for(personas.participant)
    assert writer.get(edit_url).status_code == 403
    assert writer.post(edit_url, data={"markdown": "Tapé"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Page, board_page.id).markdown == before
    assert not check_write(personas.participant, board_page).writable
    board_url = f"/s/{personas.space.slug}/p/{board_page.slug}"
    for url in (board_url, board_url + "/historique"):
        html = anim.get(url).get_data(as_text=True)
        assert "/modifier" not in html, url


def test_the_boards_words_come_from_the_template(personas, client_for, board_page):
    """The script's words are translated by the page (``data-labels``), French by default;
    the projector offers "Plein écran" (hidden until the script finds the Fullscreen API)."""
    client = client_for(personas.facilitator)
    html = client.get(f"/s/{personas.space.slug}/p/{board_page.slug}").get_data(as_text=True)
    found = re.search(r"data-labels='([^']*)'", html)
    assert found is not None
    labels = json.loads(found.group(1).replace("&#34;", '"').replace("&amp;", "&"))
    assert labels["rename"] == "Renommer" and labels["save"] == "Enregistrer"
    assert "Sans groupe" in labels["delete_cluster_confirm"]
    assert labels["votes_other"] == "{n} gommettes"
    projector = client.get(f"/metaplan/{board_page.id}/projecteur").get_data(as_text=True)
    assert re.search(r"<button[^>]*data-fullscreen hidden>Plein écran</button>", projector)
