"""The demo's Métaplan board (issue 10): cards written by two people, revealed, grouped
into two clusters and dotted, through the same intents a workshop sends (``metaplan.act``),
so its live document, rendition and history are what a real board would have."""

from __future__ import annotations

from . import metaplan, pages
from .models import Page, Space, User

TITLE = "Métaplan : ce qui nous freine pour coopérer"
#: (who: 0 facilitator / 1 participant, text, colour, cluster index or None)
CARDS = [
    (1, "Le manque de temps entre deux projets", "jaune", 0),
    (0, "Peur de perdre notre identité associative", "rose", 1),
    (1, "Des financements pensés structure par structure", "bleu", 0),
    (0, "On ne connaît pas bien les autres structures", "vert", 1),
    (1, "Qui porte la coordination ?", "orange", None),
]
CLUSTERS = ["Moyens et temps", "Confiance et identité"]
#: (who, card index): the dots given
VOTES = [(1, 0), (1, 0), (1, 2), (0, 1), (0, 3)]


def seed(facilitator: User, participant: User, space: Space) -> Page:
    board = pages.create_page(facilitator, space, TITLE, "", kind="metaplan")
    people = (facilitator, participant)
    keys = [
        metaplan.act(people[who], board, {"op": "add_card", "text": text, "colour": colour})["card"]
        for who, text, colour, _cluster in CARDS
    ]
    metaplan.act(facilitator, board, {"op": "set_phase", "phase": "grouping"})
    groups = [
        metaplan.act(facilitator, board, {"op": "add_cluster", "name": name})["cluster"]
        for name in CLUSTERS
    ]
    for key, (_who, _text, _colour, cluster) in zip(keys, CARDS, strict=True):
        if cluster is not None:
            move = {"op": "move_card", "card": key, "cluster": groups[cluster]}
            metaplan.act(participant, board, move)
    metaplan.act(facilitator, board, {"op": "set_phase", "phase": "voting"})
    for who, card in VOTES:
        metaplan.act(people[who], board, {"op": "vote", "card": keys[card]})
    return board
