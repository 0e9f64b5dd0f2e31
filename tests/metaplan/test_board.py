"""The board over ``/collab``: hidden cards are never sent, phases, grouping, dots, and the
rendition (SQLite and PostgreSQL)."""

from __future__ import annotations

from pycrdt import Doc, Map

import collab
from collab import protocol
from collab.store import SqlUpdateStore
from wiki.db import db
from wiki.models import Page


def test_hidden_cards_reach_nobody_but_their_author(personas, second_participant, join):
    anim, sami, noa = (
        join(personas.facilitator),
        join(personas.participant),
        join(second_participant),
    )
    projector = join(personas.reader)
    texts = {
        anim: "Carte secrète de Camille",
        sami: "Idée cachée de Sami",
        noa: "Proposition discrète de Noa",
    }
    for client, text in texts.items():
        ack = client.board("add_card", text=text, colour="bleu")
        assert ack["ok"], ack
    for client, text in texts.items():
        received = client.everything()
        assert text in received  # privately, to its author
        for other, other_text in texts.items():
            if other is not client:
                assert other_text not in received
        assert client.cards() == {}
        assert client.settings()["written"] == 3
        mine = client.board("mine")["cards"]
        assert [c["text"] for c in mine] == [text]
    seen = projector.everything()
    assert not any(t in seen for t in texts.values())
    for name in ("Camille", "Sami", "Noa"):
        assert name not in seen  # no author either
    assert projector.settings()["written"] == 3
    assert "3 cartes écrites" in projector.content()

    assert anim.board("set_phase", phase="reveal")["ok"]
    for client in (anim, sami, noa, projector):
        assert sorted(c["text"] for c in client.cards().values()) == sorted(texts.values())
        assert client.settings()["written"] == 0
    assert "Idée cachée de Sami — Sami Participant" in projector.content()


def test_reader_cannot_post_or_move(personas, join):
    anim, reader = join(personas.facilitator), join(personas.reader)
    anim.board("set_phase", phase="grouping")
    key = anim.board("add_card", text="Une carte")["card"]
    cluster = anim.board("add_cluster", name="Groupe")["cluster"]
    for op, data in (
        ("add_card", {"text": "intrus"}),
        ("move_card", {"card": key, "cluster": cluster}),
        ("set_phase", {"phase": "voting"}),
    ):
        ack = reader.board(op, **data)
        assert ack["ok"] is False and ack["error"]["code"] == "forbidden", ack
    assert list(anim.cards()) == [key]
    assert anim.cards()[key]["cluster"] == ""


def test_participant_cannot_change_the_phase_or_someone_elses_card(personas, join):
    anim, sami = join(personas.facilitator), join(personas.participant)
    key = anim.board("add_card", text="De Camille")["card"]
    assert sami.board("set_phase", phase="reveal")["error"]["code"] == "forbidden"
    assert sami.board("edit_card", card=key, text="Piraté")["error"]["code"] == "not_found"
    assert sami.board("delete_card", card=key)["error"]["code"] == "not_found"


def test_a_facilitator_removes_a_group_and_its_cards_go_back_without_one(personas, join):
    anim, sami = join(personas.facilitator), join(personas.participant)
    anim.board("set_phase", phase="grouping")
    loose = sami.board("add_card", text="Déjà sans groupe")["card"]
    first = sami.board("add_card", text="Un local")["card"]
    second = sami.board("add_card", text="Un emploi")["card"]
    group = sami.board("add_cluster", name="Moyens")["cluster"]
    for key in (first, second):
        assert sami.board("move_card", card=key, cluster=group)["ok"]
    refused = sami.board("delete_cluster", cluster=group)  # the facilitator's call
    assert refused["ok"] is False and refused["error"]["code"] == "forbidden"
    assert group in sami.doc.get("clusters", type=Map).to_py()
    assert anim.board("delete_cluster", cluster=group) == {"ok": True, "cluster": group}
    cards = sami.cards()
    assert group not in (sami.doc.get("clusters", type=Map).to_py() or {})
    assert {cards[k]["cluster"] for k in (loose, first, second)} == {""}  # none is lost
    order = sorted(cards, key=lambda k: cards[k]["order"])
    assert order == [loose, first, second]  # after the cards already without a group
    assert "## Moyens" not in anim.content()


def test_grouping_and_votes_limited_to_n(app, personas, second_participant, join, board_page):
    anim, sami = join(personas.facilitator), join(personas.participant)
    anim.board("set_phase", phase="grouping")
    first = sami.board("add_card", text="Mutualiser un local", colour="vert")["card"]
    second = sami.board("add_card", text="Un emploi partagé")["card"]
    group = sami.board("add_cluster", name="Moyens")["cluster"]
    assert sami.board("move_card", card=second, cluster=group, position=0)["ok"]
    assert sami.board("move_card", card=first, cluster=group, position=0)["ok"]
    cards = anim.cards()
    assert cards[first]["cluster"] == cards[second]["cluster"] == group
    assert cards[first]["order"] < cards[second]["order"]
    assert sami.board("rename_cluster", cluster=group, name="Moyens partagés")["ok"]

    assert anim.board("vote", card=first)["error"]["code"] == "wrong_phase"
    anim.board("set_votes", votes=2)
    anim.board("set_phase", phase="voting")
    assert sami.board("vote", card=first)["left"] == 1
    assert sami.board("vote", card=first)["left"] == 0
    refused = sami.board("vote", card=second)
    assert refused["ok"] is False and refused["error"]["code"] == "conflict"
    assert anim.board("vote", card=second)["ok"]
    assert sami.board("unvote", card=first)["left"] == 1
    cards = anim.cards()
    assert (cards[first]["votes"], cards[second]["votes"]) == (1, 1)
    text = anim.content()
    assert "## Moyens partagés" in text
    assert "- Mutualiser un local — Sami Participant (1 gommette)" in text
    assert text.index("Mutualiser") < text.index("Un emploi partagé")

    # the server's document and its stored log agree with what clients received
    with app.app_context():
        updates, _ = SqlUpdateStore(db.engine).load(board_page.id)
    doc = Doc()
    for update in updates:
        doc.apply_update(update)
    assert doc.get("cards", type=Map).to_py() == anim.cards()
    room = collab.get(app).hub.registry.get(board_page.id)
    assert room.map_state()["cards"] == sami.cards()


def test_anonymous_board_shows_no_author(personas, join):
    anim, sami = join(personas.facilitator), join(personas.participant)
    anim.board("set_anonymous", anonymous=True)
    sami.board("add_card", text="Sans nom")
    anim.board("set_phase", phase="reveal")
    assert [c["author"] for c in anim.cards().values()] == [None]
    assert "Sami" not in anim.everything()
    anim.board("set_anonymous", anonymous=False)
    assert [c["author"] for c in anim.cards().values()] == ["Sami Participant"]


def test_forged_yjs_updates_to_the_board_are_refused(personas, join, board_page):
    """A new card, a changed count (an item continuing a neighbour: no root named) and a
    bare deletion (a delete set only): all refused, nothing changed."""
    anim, sami = join(personas.facilitator), join(personas.participant)
    anim.board("set_phase", phase="reveal")
    key = anim.board("add_card", text="Vraie carte")["card"]
    assert key in sami.cards()

    def forge(edit) -> bytes:
        forged = Doc()
        forged.apply_update(sami.doc.get_update())
        before = forged.get_state()
        edit(forged.get("cards", type=Map))
        return forged.get_update(before)

    def more_votes(cards) -> None:
        cards[key] = {**cards[key], "votes": 50}

    def remove(cards) -> None:
        del cards[key]

    for update in (
        forge(lambda cards: cards.__setitem__("faux", {"text": "Carte forgée"})),
        forge(more_votes),
        forge(remove),
    ):
        ack = sami.socket.emit(
            "yjs",
            board_page.id,
            protocol.update_message(update),
            namespace="/collab",
            callback=True,
        )
        # refused as a typed text (the kind's text is not editable) before its roots are read
        assert ack["ok"] is False and ack["error"]["code"] == "forbidden", ack
    assert set(anim.cards()) == {key} and anim.cards()[key]["votes"] == 0


def test_wrong_inputs_are_refused_in_words(personas, join):
    anim = join(personas.facilitator)
    for data in (
        {"op": "add_card", "text": ""},
        {"op": "add_card", "text": "x" * 201},
        {"op": "add_card", "text": "ok", "colour": "violet"},
        {"op": "nimporte"},
        {"op": "set_votes", "votes": 0},
        {"op": "set_phase", "phase": "fin"},
    ):
        op = data.pop("op")
        ack = anim.board(op, **data)
        assert ack["ok"] is False and ack["error"]["message"], (op, ack)
    ack = anim.socket.emit("board", "pas un objet", namespace="/collab", callback=True)
    assert ack["ok"] is False


def test_board_page_for_another_kind_is_refused(personas, join):
    from wiki import pages

    page = pages.create_page(personas.facilitator, personas.space, "Texte", "Bonjour")
    client = join(personas.facilitator, page)
    ack = client.board("add_card", text="x")
    assert ack["ok"] is False and ack["error"]["code"] == "not_found"
    assert db.session.get(Page, page.id).markdown == "Bonjour"


def test_archived_space_refuses_every_intent(personas, join):
    import datetime as dt

    anim = join(personas.facilitator)
    personas.space.archived_at = dt.datetime(2026, 12, 1)
    db.session.commit()
    for op, data in (("add_card", {"text": "Trop tard"}), ("set_phase", {"phase": "reveal"})):
        ack = anim.board(op, **data)
        assert ack["ok"] is False and ack["error"]["code"] == "archived", ack
    assert anim.board("mine")["ok"]  # reading one's own cards is still allowed
