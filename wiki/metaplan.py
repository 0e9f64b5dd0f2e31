"""The Métaplan board's rules: who may do what in which phase, and what each intent changes.

The server is the board's only writer. A client sends an intent (``collab.board``: the
``board`` event); ``parse`` checks its shape and the person's permission, then ``decide``
runs under the room's lock on the live document's state (plain data) and returns a
``BoardChange``: what to set and delete in the ``cards``/``clusters``/``board`` maps, the new
rendition for ``content``, and what only the author receives. So nobody forges a card or
gives more dots than the facilitator allows, and the board converges like text does.

Hidden means not sent: a card written during "writing" is a SQL row only (``models_metaplan``)
and the document holds a count (``board.written``); its author gets it privately. The reveal
moves every hidden card into the document at once. Services never touch ``request``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from . import revision_messages
from .db import db
from .errors import Conflict, NotFound, ValidationError
from .metaplan_rendition import COLOURS, DEFAULT_COLOUR, UNGROUPED, board_markdown, one_line
from .models import Page, User
from .models_metaplan import CARD_TEXT_MAX, MetaplanCard, MetaplanVote
from .permissions import Action, allowed, require

PHASES = ("writing", "reveal", "grouping", "voting")
DEFAULT_VOTES = 3
MAX_VOTES = 20
CLUSTER_NAME_MAX = 80
DEFAULTS = {"phase": "writing", "anonymous": False, "votes": DEFAULT_VOTES, "written": 0}
#: intents only a facilitator sends (``Action.MANAGE``): the settings, and removing a group
#: (it undoes the room's grouping of its cards at once)
SETTINGS_OPS = frozenset({"set_phase", "set_anonymous", "set_votes"})
FACILITATOR_OPS = SETTINGS_OPS | {"delete_cluster"}
OPS = frozenset(
    {"add_card", "edit_card", "delete_card", "move_card", "add_cluster", "rename_cluster"}
    | {"delete_cluster", "vote", "unvote", "mine"}
    | SETTINGS_OPS
)
WRONG_PHASE = _l("Ce n'est pas possible à cette étape du tableau.")


class WrongPhase(Conflict):
    code = "wrong_phase"


@dataclass
class Intent:
    user: User
    page: Page
    op: str
    data: dict[str, Any]
    manager: bool


@dataclass
class BoardChange:
    """A ``collab.rooms.MapChange``, plus what goes to the author only and the answer."""

    sets: dict[str, dict[str, Any]] = field(default_factory=dict)
    deletes: dict[str, list[str]] = field(default_factory=dict)
    content: str | None = None
    #: for the author's own connections: {"card": {...}} or {"deleted": key}
    private: dict[str, Any] | None = None
    answer: dict[str, Any] = field(default_factory=dict)

    def set(self, root: str, key: str, value: Any) -> None:
        self.sets.setdefault(root, {})[key] = value


def parse(user: User, page: Page, data: Any) -> Intent:
    """The intent's shape and who may send it (``Action.EDIT``; ``FACILITATOR_OPS``
    ``MANAGE``). The archive state is checked by ``require`` too."""
    if page.kind != "metaplan":
        raise NotFound(_l("Cette page n'est pas un tableau Métaplan."))
    if not isinstance(data, dict) or data.get("op") not in OPS:
        raise ValidationError(_l("Action du tableau inconnue."))
    op = str(data["op"])
    if op == "mine":
        require(user, page.space, Action.READ)
    else:
        require(user, page.space, Action.MANAGE if op in FACILITATOR_OPS else Action.EDIT)
    return Intent(user, page, op, data, allowed(user, page.space, Action.MANAGE))


#: app.extensions key of the live channel's actor (``collab.board`` registers it)
ACTOR_KEY = "cercle.metaplan_actor"
Actor = Callable[[Intent], "BoardChange"]


def register_actor(app: Flask, actor: Actor) -> None:
    """The live channel applies intents (``wiki`` imports nothing from ``collab``)."""
    app.extensions[ACTOR_KEY] = actor


def act(user: User, page: Page, data: Any) -> dict[str, Any]:
    """An intent from outside the live channel (HTTP, the demo): checked by ``parse``,
    then applied by the same room as a socket's (one write path); the answer."""
    intent = parse(user, page, data)
    actor = current_app.extensions.get(ACTOR_KEY)
    if actor is None:
        raise Conflict(_l("Le tableau en direct n'est pas disponible."))
    return {"ok": True, **actor(intent).answer}


def board_settings(state: dict[str, Any]) -> dict[str, Any]:
    return {**DEFAULTS, **(state.get("board") or {})}


def decide(intent: Intent, state: dict[str, Any]) -> BoardChange:
    """What ``intent`` changes in a board whose document holds ``state`` (room lock held)."""
    change = BoardChange()
    settings = board_settings(state)
    from .metaplan_ops import HANDLERS  # the handlers use this module's helpers

    HANDLERS[intent.op](intent, state, settings, change)
    db.session.commit()
    if change.sets or change.deletes:
        change.content = board_markdown(_after(state, change))
    return change


def _after(state: dict[str, Any], change: BoardChange) -> dict[str, Any]:
    """The state once ``change`` is applied (for the rendition)."""
    after = {name: dict(state.get(name) or {}) for name in ("cards", "clusters", "board")}
    for name, values in change.sets.items():
        after[name].update(values)
    for name, keys in change.deletes.items():
        for key in keys:
            after[name].pop(key, None)
    return after


# --- helpers -------------------------------------------------------------------------------


def _text(data: dict[str, Any]) -> str:
    text = one_line(data.get("text") if isinstance(data.get("text"), str) else "")
    if not text:
        raise ValidationError(_l("Écrivez quelque chose sur la carte."), field="text")
    if len(text) > CARD_TEXT_MAX:
        raise ValidationError(
            _l("Une carte tient en %(max)s caractères.", max=CARD_TEXT_MAX), field="text"
        )
    return text


def _colour(data: dict[str, Any], default: str = DEFAULT_COLOUR) -> str:
    colour = data.get("colour", default)
    if colour not in COLOURS:
        raise ValidationError(_l("Cette couleur n'est pas proposée."), field="colour")
    return str(colour)


def _phase(settings: dict[str, Any], *phases: str) -> None:
    if settings["phase"] not in phases:
        raise WrongPhase(WRONG_PHASE)


def _row(intent: Intent, key: Any) -> MetaplanCard:
    row = db.session.scalar(
        select(MetaplanCard).where(
            MetaplanCard.page_id == intent.page.id, MetaplanCard.key == str(key)
        )
    )
    if row is None:
        raise NotFound(_l("Cette carte n'existe plus."))
    return row


def _own(intent: Intent, key: Any) -> MetaplanCard:
    """A card its author, or a facilitator, may change; someone else's hidden card is
    "not found" (its existence is not even confirmed)."""
    row = _row(intent, key)
    if row.author_id != intent.user.id and not (intent.manager and row.revealed):
        raise NotFound(_l("Cette carte n'existe plus."))
    return row


def _public(row: MetaplanCard, settings: dict[str, Any], **extra: Any) -> dict[str, Any]:
    author = None
    if not settings["anonymous"] and row.author_id is not None:
        author = db.session.get(User, row.author_id).name
    card = {"text": row.text, "colour": row.colour, "author": author, "cluster": UNGROUPED}
    return {**card, "order": 0.0, "votes": 0, **extra}


def _private(row: MetaplanCard) -> dict[str, Any]:
    return {"key": row.key, "text": row.text, "colour": row.colour}


def _votes_of(intent: Intent, **where: Any) -> int:
    query = select(func.count(MetaplanVote.id)).where(MetaplanVote.page_id == intent.page.id)
    for name, value in where.items():
        query = query.where(getattr(MetaplanVote, name) == value)
    return int(db.session.scalar(query) or 0)


def _position(data: dict[str, Any], size: int) -> int:
    position = data.get("position", size)
    if isinstance(position, bool) or not isinstance(position, int):
        raise ValidationError(_l("Position attendue : un nombre."), field="position")
    return max(0, min(position, size))


def _cluster_name(data: dict[str, Any]) -> str:
    name = one_line(data.get("name") if isinstance(data.get("name"), str) else "")
    if not name or len(name) > CLUSTER_NAME_MAX:
        raise ValidationError(
            _l("Un nom de groupe de 1 à %(max)s caractères.", max=CLUSTER_NAME_MAX), field="name"
        )
    return name


def transform_to_page(user: User, board: Page) -> Page:
    """ "Transformer en page": an ordinary page holding the board's Markdown (its live text,
    which the server keeps equal to the rendition), under the board's parent, linked from
    the board (a board turned again points at its latest page)."""
    from . import live, pages
    from .models_metaplan import MetaplanPage

    require(user, board.space, Action.EDIT)
    markdown = live.current_text(board)
    page = pages.create_page(
        user,
        board.space,
        str(_l("%(title)s (synthèse)", title=board.title)),
        markdown if markdown is not None else board.markdown,
        parent_id=board.parent_id,
        message=revision_messages.coded(revision_messages.BOARD_CONVERTED, board.title),
    )
    link = db.session.get(MetaplanPage, board.id) or MetaplanPage(board_id=board.id, page_id=0)
    link.page_id = page.id
    db.session.add(link)
    db.session.commit()
    return page


def linked_page(board: Page) -> Page | None:
    """The page the board was last turned into, if it still exists."""
    from .models_metaplan import MetaplanPage

    link = db.session.get(MetaplanPage, board.id)
    page = db.session.get(Page, link.page_id) if link is not None else None
    return page if page is not None and not page.is_deleted else None
