"""The demo space's mémoire (issue 11): a saved selection under a cover, a working page
kept out of it, and two credit choices (initials, not at all), so a newcomer opens the
builder filled in."""

from __future__ import annotations

from . import credits, memoire, memoire_curation
from .models import Space, User

INTRODUCTION = (
    "Ce mémoire rassemble ce que le groupe a produit pendant l'accompagnement « de la "
    "mutualisation à la fusion » : les définitions partagées, la cartographie des "
    "coopérations, les fiches statuts co-écrites et les ressources déposées.\n\n"
    "Il se lit dans l'ordre, mais chaque partie tient seule."
)


def seed(facilitator: User, participant: User, reader: User, space: Space, by_title: dict) -> None:
    programme = by_title.get("Programme de la journée")
    if programme is not None:  # a working page: in the space, not in the mémoire
        memoire_curation.set_hidden(facilitator, space, programme.id, True)
    memoire.save_cover(
        facilitator,
        space,
        {
            "title": "Coopérer sur le territoire — mémoire de l'accompagnement",
            "subtitle": "Dispositif local d'accompagnement, parcours collectif",
            "funder": "Dispositif local d'accompagnement (DLA), avec le soutien de la Région",
            "licence": "CC BY-SA 4.0",
            "introduction": INTRODUCTION,
        },
    )
    chosen, _available = memoire_curation.builder_lists(space)
    refs = [entry.ref for entry in chosen]
    resources = [ref for ref in refs if ref.item_kind == "resources"]
    others = [ref for ref in refs if ref.item_kind != "resources"]
    # the resources right after the welcome page, as the facilitator arranged it
    ordered = others[:1] + resources + others[1:]
    memoire.save_selection(facilitator, space, [ref.as_json() for ref in ordered])
    credits.set_consent(participant, space, "initials", "Association Les Jardins du Bourg")
    credits.set_consent(reader, space, "none")
