"""The workshop's page kinds (issue 10): fiche statut, fiche projet, retour d'expérience,
carte mentale and tableau Métaplan, declared in the registry of ``wiki.kinds``.

Their starting text is a data file of ``wiki/page_templates`` (French, editable per instance
by an admin). The mind map and the Métaplan board get their own views and renditions from
their modules later; declared here now so the picker and the API already create them.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .kinds import CONTENT, Choice, PageKind, SharedType, register

#: the legal forms a fiche statut is written for (DOMAIN.md), in the order offered
LEGAL_FORMS = {
    "association": _l("Association loi 1901"),
    "union_associations": _l("Union d'associations"),
    "scop": _l("SCOP"),
    "scic": _l("SCIC"),
    "cae": _l("CAE"),
    "gie": _l("GIE"),
    "groupement_employeurs": _l("Groupement d'employeurs"),
    "convention_partenariat": _l("Convention de partenariat"),
    "autre": _l("Autre forme"),
}

FICHE_STATUT = register(
    PageKind(
        "fiche_statut",
        label=_l("Fiche statut"),
        description=_l(
            "Une forme juridique décrite section par section, à comparer avec les autres fiches."
        ),
        template="fiche_statut",
        choice=Choice(
            name="legal_form",
            label=_l("Forme juridique"),
            options=LEGAL_FORMS,
            title=_l("Fiche statut – %(choice)s"),
        ),
        comparable=True,
        order=10,
    )
)

FICHE_PROJET = register(
    PageKind(
        "fiche_projet",
        label=_l("Fiche projet"),
        description=_l(
            "Le canevas d'un projet de coopération : territoire, enjeux, niveau de coopération…"
        ),
        template="fiche_projet",
        default_title=_l("Fiche projet – "),
        comparable=True,
        order=20,
    )
)

MIND_MAP = register(
    PageKind(
        "mind_map",
        label=_l("Carte mentale"),
        description=_l("Des idées en arborescence, construites ensemble."),
        template="mind_map",
        default_title=_l("Carte mentale"),
        order=30,
    )
)

METAPLAN = register(
    PageKind(
        "metaplan",
        # cards, clusters and the board's settings beside the text; the server writes them
        # all, and ``content`` is the board's Markdown rendition (``wiki.metaplan``)
        shared_types={
            CONTENT: SharedType.TEXT,
            "cards": SharedType.MAP,
            "clusters": SharedType.MAP,
            "board": SharedType.MAP,
        },
        server_written=True,
        # its Markdown is the rendition of the cards: a typed text would be lost at the
        # next board change, so the editor, the API and the live channel refuse it
        text_editable=False,
        locked_text=_l(
            "Le texte de ce tableau est produit par ses cartes : modifiez-les depuis le tableau."
        ),
        label=_l("Tableau Métaplan"),
        description=_l("Chacun écrit ses cartes, puis le groupe les regroupe et vote."),
        template="metaplan",
        default_title=_l("Tableau Métaplan"),
        order=40,
    )
)

EXPERIENCE = register(
    PageKind(
        "experience",
        label=_l("Retour d'expérience"),
        description=_l("Raconter une coopération vécue : ce qui a marché, ce qui a coincé."),
        template="experience",
        default_title=_l("Retour d'expérience – "),
        # content, not a label: the same section page whatever language its first writer reads
        section_title="Retours d'expérience",
        order=60,
    )
)
