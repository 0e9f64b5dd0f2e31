"""The demo's workshop sheets (issue 10): two fiches statuts and a fiche projet, started from
their templates, with a few workshop notes under some sections (notes of a group, clearly
not legal advice), so the "tableau comparatif" has something to compare."""

from __future__ import annotations

from . import page_kinds, pages
from .comparison import sections
from .kind_templates import heading_key
from .models import Page, Space, User

NOTICE = "*Fiche co-écrite pendant l'atelier : des notes de travail, pas un avis juridique.*\n\n"
#: title, parent page, kind, legal form, notes by section
SHEETS: list[tuple[str, str | None, str, str | None, dict[str, str]]] = [
    (
        "Association loi 1901",
        "Fiches statuts",
        "fiche_statut",
        "association",
        {
            "Forme juridique et textes de référence": "Loi du 1er juillet 1901 (noté en groupe).",
            "Gouvernance et prise de décision": (
                "Chez les associations du groupe : une assemblée générale par an, un bureau "
                "ou une collégiale. Les règles sont celles que chacune écrit dans ses statuts."
            ),
            "Ce que ce statut permet pour coopérer": (
                "Piste évoquée : se regrouper en **union d'associations** pour mutualiser "
                "sans fusionner — à creuser ensemble."
            ),
        },
    ),
    (
        "SCIC",
        "Fiches statuts",
        "fiche_statut",
        "scic",
        {
            "Membres et sociétariat": (
                "Plusieurs catégories d'associés (salarié·es, bénéficiaires, collectivités…) : "
                "le nombre exact est à vérifier."
            ),
            "Ce que ce statut permet pour coopérer": (
                "Ce qui intéresse le groupe : réunir structures, habitant·es et collectivité "
                "autour de la même table."
            ),
            "Limites et points de vigilance": (
                "Question ouverte : qui accompagne une association qui voudrait devenir SCIC ?"
            ),
        },
    ),
    (
        "Fiche projet – Tiers-lieu partagé",
        None,
        "fiche_projet",
        None,
        {
            "État des lieux du territoire": (
                "Un bourg de 3 000 habitants, trois associations sans local fixe."
            ),
            "Enjeux et motivations": "Partager un lieu, des outils et un temps de salarié·e.",
        },
    ),
]


def with_notes(markdown: str, notes: dict[str, str]) -> str:
    """The template's text with ``notes`` written under their section's heading."""
    wanted = {heading_key(title): text for title, text in notes.items()}
    if not set(wanted) <= set(sections(markdown)):
        raise ValueError("a demo note names no section of the template")
    out: list[str] = []
    for line in markdown.split("\n"):
        out.append(line)
        key = heading_key(line.lstrip("#")) if line.startswith("#") else None
        if key in wanted:
            out.extend(["", wanted[key]])
    return NOTICE + "\n".join(out)


def seed(facilitator: User, space: Space, parents: dict[str, Page]) -> None:
    for title, parent, kind, legal_form, notes in SHEETS:
        parent_id = parents[parent].id if parent else None
        page = page_kinds.create(
            facilitator, space, kind, title, choice=legal_form, parent_id=parent_id
        )
        pages.update_page(
            facilitator, page, markdown=with_notes(page.markdown, notes), message="Notes du groupe"
        )
