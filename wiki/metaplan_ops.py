"""One handler per board intent (``wiki.metaplan.decide`` calls them under the room's lock).

Each reads the document's state and SQL, writes SQL (committed by ``decide``) and fills the
``BoardChange``. Phases: cards are written in every phase but voting (hidden while
"writing"), moved and grouped while "grouping", dotted while "voting".
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from .db import db
from .errors import Conflict, NotFound, ValidationError
from .metaplan import (
    MAX_VOTES,
    PHASES,
    BoardChange,
    Intent,
    _cluster_name,
    _colour,
    _own,
    _phase,
    _position,
    _private,
    _public,
    _row,
    _text,
    _votes_of,
)
from .metaplan_rendition import UNGROUPED, ordered_cards
from .models_metaplan import MetaplanCard, MetaplanVote

State = dict[str, Any]
Handler = Callable[[Intent, State, State, BoardChange], None]


def _key(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(9)


def add_card(intent: Intent, state: State, settings: State, change: BoardChange) -> None:
    _phase(settings, "writing", "reveal", "grouping")
    hidden = settings["phase"] == "writing"
    row = MetaplanCard(
        page_id=intent.page.id,
        key=_key("c"),
        author_id=intent.user.id,
        text=_text(intent.data),
        colour=_colour(intent.data),
        revealed=not hidden,
    )
    db.session.add(row)
    db.session.flush()
    change.answer = {"card": row.key}
    if hidden:
        change.set("board", "written", int(settings["written"]) + 1)
        change.private = {"card": _private(row)}
        return
    order = len(ordered_cards(state.get("cards") or {}, UNGROUPED))
    change.set("cards", row.key, _public(row, settings, order=float(order)))


def edit_card(intent: Intent, state: State, settings: State, change: BoardChange) -> None:
    _phase(settings, "writing", "reveal", "grouping")
    row = _own(intent, intent.data.get("card"))
    row.text = _text(intent.data)
    row.colour = _colour(intent.data, row.colour)
    change.answer = {"card": row.key}
    if not row.revealed:
        change.private = {"card": _private(row)}
        return
    current = (state.get("cards") or {}).get(row.key) or {}
    change.set("cards", row.key, {**current, "text": row.text, "colour": row.colour})


def delete_card(intent: Intent, state: State, settings: State, change: BoardChange) -> None:
    _phase(settings, "writing", "reveal", "grouping")
    row = _own(intent, intent.data.get("card"))
    db.session.execute(
        delete(MetaplanVote).where(
            MetaplanVote.page_id == intent.page.id, MetaplanVote.card_key == row.key
        )
    )
    db.session.delete(row)
    change.answer = {"card": row.key}
    if not row.revealed:
        change.set("board", "written", max(0, int(settings["written"]) - 1))
        change.private = {"deleted": row.key}
        return
    change.deletes["cards"] = [row.key]


def move_card(intent: Intent, state: State, settings: State, change: BoardChange) -> None:
    """Into a cluster (``""``: none) at ``position``; the target's cards are renumbered."""
    _phase(settings, "grouping")
    cards: State = state.get("cards") or {}
    key = intent.data.get("card")
    cluster = intent.data.get("cluster", UNGROUPED)
    if key not in cards:
        raise NotFound(_l("Cette carte n'existe plus."))
    if cluster != UNGROUPED and cluster not in (state.get("clusters") or {}):
        raise NotFound(_l("Ce groupe n'existe plus."))
    others = [k for k in ordered_cards(cards, cluster) if k != key]
    others.insert(_position(intent.data, len(others)), key)
    for order, other in enumerate(others):
        card = cards[other]
        if other == key or float(card.get("order") or 0) != order:
            change.set("cards", other, {**card, "cluster": cluster, "order": float(order)})
    change.answer = {"card": key, "cluster": cluster}


def add_cluster(intent: Intent, state: State, settings: State, change: BoardChange) -> None:
    _phase(settings, "grouping")
    clusters: State = state.get("clusters") or {}
    key = _key("g")
    change.set("clusters", key, {"name": _cluster_name(intent.data), "order": len(clusters)})
    change.answer = {"cluster": key}


def _cluster(state: State, key: Any) -> State:
    cluster = (state.get("clusters") or {}).get(key)
    if cluster is None:
        raise NotFound(_l("Ce groupe n'existe plus."))
    return cluster


def rename_cluster(intent: Intent, state: State, settings: State, change: BoardChange) -> None:
    _phase(settings, "grouping", "voting")
    key = intent.data.get("cluster")
    cluster = _cluster(state, key)
    change.set("clusters", key, {**cluster, "name": _cluster_name(intent.data)})
    change.answer = {"cluster": key}


def delete_cluster(intent: Intent, state: State, settings: State, change: BoardChange) -> None:
    """Its cards go back among the cards without a group (none is lost)."""
    _phase(settings, "grouping")
    key = intent.data.get("cluster")
    _cluster(state, key)
    cards: State = state.get("cards") or {}
    start = len(ordered_cards(cards, UNGROUPED))
    for offset, card_key in enumerate(ordered_cards(cards, key)):
        change.set(
            "cards", card_key, {**cards[card_key], "cluster": UNGROUPED, "order": start + offset}
        )
    change.deletes["clusters"] = [key]
    change.answer = {"cluster": key}


def _card_votes(intent: Intent, state: State, key: str, change: BoardChange) -> None:
    card = (state.get("cards") or {})[key]
    change.set("cards", key, {**card, "votes": _votes_of(intent, card_key=key)})
    change.answer = {"card": key, "left": -1}


def vote(intent: Intent, state: State, settings: State, change: BoardChange) -> None:
    """One dot on a card, within the person's ``votes`` dots."""
    _phase(settings, "voting")
    key = intent.data.get("card")
    if key not in (state.get("cards") or {}):
        raise NotFound(_l("Cette carte n'existe plus."))
    given = _votes_of(intent, user_id=intent.user.id)
    if given >= int(settings["votes"]):
        raise Conflict(_l("Vous avez donné toutes vos gommettes."))
    db.session.add(MetaplanVote(page_id=intent.page.id, card_key=key, user_id=intent.user.id))
    db.session.flush()
    _card_votes(intent, state, key, change)
    change.answer["left"] = int(settings["votes"]) - given - 1


def unvote(intent: Intent, state: State, settings: State, change: BoardChange) -> None:
    _phase(settings, "voting")
    key = intent.data.get("card")
    mine = db.session.scalar(
        select(MetaplanVote).where(
            MetaplanVote.page_id == intent.page.id,
            MetaplanVote.card_key == key,
            MetaplanVote.user_id == intent.user.id,
        )
    )
    if mine is None or key not in (state.get("cards") or {}):
        raise NotFound(_l("Vous n'avez pas de gommette sur cette carte."))
    db.session.delete(mine)
    db.session.flush()
    _card_votes(intent, state, key, change)
    change.answer["left"] = int(settings["votes"]) - _votes_of(intent, user_id=intent.user.id)


def set_phase(intent: Intent, state: State, settings: State, change: BoardChange) -> None:
    """Any phase but "writing" reveals the hidden cards (once revealed, a card stays so)."""
    phase = intent.data.get("phase")
    if phase not in PHASES:
        raise ValidationError(_l("Étape inconnue."), field="phase")
    change.set("board", "phase", phase)
    change.answer = {"phase": phase}
    if phase == "writing":
        return
    hidden = db.session.scalars(
        select(MetaplanCard)
        .where(MetaplanCard.page_id == intent.page.id, MetaplanCard.revealed.is_(False))
        .order_by(MetaplanCard.id)
    ).all()
    start = len(ordered_cards(state.get("cards") or {}, UNGROUPED))
    for offset, row in enumerate(hidden):
        row.revealed = True
        change.set("cards", row.key, _public(row, settings, order=float(start + offset)))
    change.set("board", "written", 0)


def set_anonymous(intent: Intent, state: State, settings: State, change: BoardChange) -> None:
    anonymous = intent.data.get("anonymous")
    if not isinstance(anonymous, bool):
        raise ValidationError(_l("Anonyme : oui ou non."), field="anonymous")
    change.set("board", "anonymous", anonymous)
    settings = {**settings, "anonymous": anonymous}
    for key, card in (state.get("cards") or {}).items():
        author = _public(_row(intent, key), settings)["author"]
        if card.get("author") != author:
            change.set("cards", key, {**card, "author": author})
    change.answer = {"anonymous": anonymous}


def set_votes(intent: Intent, state: State, settings: State, change: BoardChange) -> None:
    votes = intent.data.get("votes")
    if isinstance(votes, bool) or not isinstance(votes, int) or not 1 <= votes <= MAX_VOTES:
        raise ValidationError(_l("De 1 à %(max)s gommettes.", max=MAX_VOTES), field="votes")
    change.set("board", "votes", votes)
    change.answer = {"votes": votes}


def mine(intent: Intent, state: State, settings: State, change: BoardChange) -> None:
    """The person's own hidden cards (after a reload, on another device)."""
    rows = db.session.scalars(
        select(MetaplanCard)
        .where(
            MetaplanCard.page_id == intent.page.id,
            MetaplanCard.author_id == intent.user.id,
            MetaplanCard.revealed.is_(False),
        )
        .order_by(MetaplanCard.id)
    ).all()
    given = _votes_of(intent, user_id=intent.user.id)
    change.answer = {"cards": [_private(r) for r in rows], "left": int(settings["votes"]) - given}


_ALL = (add_card, edit_card, delete_card, move_card, add_cluster, rename_cluster, delete_cluster)
HANDLERS: dict[str, Handler] = {
    f.__name__: f for f in (*_ALL, vote, unvote, set_phase, set_anonymous, set_votes, mine)
}
