"""The demo space: an accompaniment on cooperation, with pages, resources and three accounts."""

from __future__ import annotations

import datetime as dt

from . import accounts, demo_kinds, demo_memoire, demo_questionnaires, metaplan_demo, pages, spaces
from .models import User

DEMO_ACCOUNTS = {
    "animateur·rice": ("animation@demo.cercle.test", "Camille Martin", "cooperons-2026"),
    "participant·e": ("participant@demo.cercle.test", "Sami Benali", "participons-2026"),
    "lecteur·rice": ("lecture@demo.cercle.test", "Dominique Roux", "lisons-2026"),
}

PAGES: list[tuple[str, str | None, str]] = [
    (
        "Bienvenue",
        None,
        """Cet espace sert de **ressource** et de **mémoire** tout au long de l'accompagnement
« Les dynamiques de coopération, de la mutualisation à la fusion ».

## Avant la journée
- [ ] Répondre au questionnaire « Qui êtes-vous ? »
- [ ] Déposer une expérience de coopération dans les ressources
- [x] Découvrir le [[Programme de la journée]]

## Pendant la journée
Nous co-écrirons ensemble les [[Fiches statuts]] et la [[Cartographie des coopérations]].
""",
    ),
    (
        "Programme de la journée",
        None,
        """| Horaire | Séquence | Format |
|---|---|---|
| 9 h 30 | Accueil, météo d'arrivée | cercle |
| 10 h 00 | [[Définitions partagées]] | apports et échanges |
| 11 h 00 | [[Cartographie des coopérations]] | carte mentale collective |
| 14 h 00 | Modules au choix | petits groupes |
| 16 h 30 | Retours à chaud | tour de parole |

## Les modules de l'après-midi
1. Quels statuts pour mieux coopérer ? → [[Fiches statuts]]
2. Outils numériques collaboratifs
3. Animation : protocole de réunion, outils de décision
4. Accélérateur de projet
""",
    ),
    (
        "Définitions partagées",
        None,
        """## Coopération
Agir ensemble vers un but commun, en gardant chacun son autonomie.

## Mutualisation
Partager des moyens (locaux, salarié·es, matériel) pour réduire les coûts ou gagner en qualité.

## Fusion
Deux structures ou plus n'en forment plus qu'une : le degré le plus intégré de la coopération.

> « Faire ensemble, faire avec, faire corps » : trois niveaux de coopération.
""",
    ),
    (
        "Fiches statuts",
        None,
        """Une fiche par forme juridique, pour comparer ce que chaque statut permet pour coopérer.

- [[Association loi 1901]]
- [[SCIC]]
- [[Groupement d'employeurs]] (à écrire ensemble)
""",
    ),
    (
        "Cartographie des coopérations",
        None,
        """# Cartographie des coopérations

- Coopérations en cours
  - Mutualisation d'un local (Maison des associations)
  - Groupement d'achat
- Projets à venir
  - Tiers-lieu partagé au bourg
  - Emploi partagé entre trois associations
  - Festival des associations du territoire
- Freins
  - Temps disponible
  - Peur de perdre son identité
- Attentes
  - Mieux connaître les statuts
""",
    ),
]

#: demo pages of a workshop kind (issue 10): the map of the group's cooperations
KINDS = {"Cartographie des coopérations": "mind_map"}


def _ensure_user(email: str, name: str, password: str, *, can_create: bool = False) -> User:
    return accounts.find_by_email(email) or accounts.create_user(
        email, name, password, can_create_spaces=can_create
    )


def logins() -> dict[str, tuple[str, str]]:
    """Role → (email, password) of the demo accounts."""
    return {role: (email, password) for role, (email, _name, password) in DEMO_ACCOUNTS.items()}


def seed() -> None:
    """Create the demo space, its accounts, pages and resources."""
    users = {
        role: _ensure_user(email, name, password, can_create=role == "animateur·rice")
        for role, (email, name, password) in DEMO_ACCOUNTS.items()
    }
    facilitator = users["animateur·rice"]
    today = dt.date.today()
    space = spaces.create_space(
        facilitator,
        "Coopérer sur le territoire — accompagnement DLA",
        description=(
            "Accompagnement collectif « de la mutualisation à la fusion » : questionnaire, "
            "ressources, fiches statuts co-écrites et mémoire de la journée."
        ),
        starts_on=today + dt.timedelta(days=14),
        ends_on=today + dt.timedelta(days=14),
    )
    spaces.join_space(space, users["participant·e"], "participant")
    spaces.join_space(space, users["lecteur·rice"], "reader")
    by_title = {}
    for title, parent, markdown in PAGES:
        parent_id = by_title[parent].id if parent else None
        by_title[title] = pages.create_page(
            facilitator, space, title, markdown, parent_id=parent_id, kind=KINDS.get(title, "page")
        )
    pages.update_page(
        users["participant·e"],
        by_title["Cartographie des coopérations"],
        markdown=by_title["Cartographie des coopérations"].markdown
        + "  - Construire une réponse commune aux appels à projets\n",
        message="Ajout d'une attente",
    )
    demo_kinds.seed(facilitator, space, by_title)  # fiches statuts and projet (issue 10)
    _seed_resources(facilitator, users["participant·e"], space)
    demo_questionnaires.seed(facilitator, users["participant·e"], space)
    metaplan_demo.seed(facilitator, users["participant·e"], space)  # a Métaplan board
    demo_memoire.seed(  # a saved mémoire, its cover, two credit choices (issue 11)
        facilitator, users["participant·e"], users["lecteur·rice"], space, by_title
    )


def _seed_resources(facilitator: User, participant: User, space) -> None:
    """A link, a participant's experience (Markdown) and a small map (PNG made here)."""
    import io
    from pathlib import Path

    from flask import current_app

    from . import resources

    limits = {
        "max_bytes": current_app.config["UPLOAD_MAX_BYTES"],
        "upload_dir": Path(current_app.config["UPLOAD_DIR"]),
    }
    resources.add_link(
        facilitator,
        space,
        url="https://www.avise.org/",
        title="Avise — ressources de l'ESS",
        description="Fiches pratiques sur les statuts et les formes de coopération.",
        tags="statuts, ess",
    )
    experience = (
        "# Retour d'expérience — mutualisation d'un local\n\n"
        "Trois associations partagent depuis deux ans un local en centre-bourg.\n\n"
        "- Une convention de partenariat fixe la répartition des charges.\n"
        "- Un planning partagé évite les conflits d'usage.\n"
        "- Point de vigilance : prévoir qui signe le bail.\n"
    )
    resources.add_file(
        participant,
        space,
        filename="retour-experience-local.md",
        stream=io.BytesIO(experience.encode()),
        title="Retour d'expérience — mutualisation d'un local",
        description="Ce qui a marché, ce qui a coincé.",
        tags="expérience, mutualisation",
        **limits,
    )
    resources.add_file(
        facilitator,
        space,
        filename="cartographie.png",
        stream=io.BytesIO(_demo_map_png()),
        title="Carte des coopérations du territoire",
        tags="cartographie",
        **limits,
        description="Premier jet de la carte : à compléter pendant la journée.",
    )


def _demo_map_png(width: int = 160, height: int = 100) -> bytes:
    """Three coloured "structures" linked by a band, as a PNG (zlib + struct, no imaging lib)."""
    import struct
    import zlib

    dots = ((40, 35, b"\x2f\x6f\x9f"), (120, 35, b"\xf0\xa2\x02"), (80, 72, b"\x2e\x7d\x46"))

    def pixel(x: int, y: int) -> bytes:
        for cx, cy, colour in dots:
            if (x - cx) ** 2 + (y - cy) ** 2 <= 14**2:
                return colour
        return b"\xc9\xd3\xde" if abs(y - 50) <= 2 and 30 <= x <= 130 else b"\xf5\xf6\xf8"

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    rows = b"".join(b"\x00" + b"".join(pixel(x, y) for x in range(width)) for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )
