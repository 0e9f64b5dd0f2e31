"""A seeded corpus of realistic French wiki pages (coopération, ESS, associations).

``build_corpus(1000)`` always returns the same pages for the same seed: a page tree of
section pages (roots), pages filed at the root, pages nested one or two levels deep, each
page 1–3 KB of Markdown with headings, paragraphs, lists, sometimes a table or a quote,
and a few ``[[wikilinks]]`` to other titles of the corpus.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from wiki.slugs import slugify

DEFAULT_SEED = 20260
ROOT_SHARE = 0.5  # content pages filed at the root; the others are nested
DEEP_SHARE = 0.1  # content pages nested two levels deep
MIN_BYTES, MAX_BYTES = 1000, 3000
MAX_BLOCKS = 40
# Characters An Otter Wiki strips from page names, and the wikilink brackets.
FORBIDDEN_IN_TITLES = frozenset("/\\?|$.!#[]")

FORMS = (
    "SCIC",
    "SCOP",
    "CAE",
    "GIE",
    "SAS ESUS",
    "Association loi 1901",
    "Fondation",
    "Union d'associations",
    "Coopérative d'habitants",
    "Groupement d'employeurs",
)
BODIES = (
    ("conseil d'administration", "le conseil d'administration"),
    ("assemblée générale", "l'assemblée générale"),
    ("comité de pilotage", "le comité de pilotage"),
    ("bureau", "le bureau"),
    ("collège des salarié·es", "le collège des salarié·es"),
    ("commission finances", "la commission finances"),
    ("groupe de travail numérique", "le groupe de travail numérique"),
)
TOPICS = (
    "gouvernance partagée",
    "mutualisation des locaux",
    "prise de décision par consentement",
    "modèle économique",
    "bénévolat",
    "facilitation",
    "outils numériques libres",
    "fusion d'associations",
    "sociétariat",
    "réserves impartageables",
    "achats groupés",
    "communication interne",
    "animation de réunion",
    "appels à projets",
    "emploi partagé",
)
PLACES = (
    "Lyon",
    "Rennes",
    "Lille",
    "Marseille",
    "Nantes",
    "Grenoble",
    "Clermont-Ferrand",
    "Besançon",
    "Montreuil",
    "Saint-Étienne",
    "Tours",
    "Poitiers",
    "Albi",
    "Quimper",
)
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
ACTORS = (
    "la SCIC",
    "l'association",
    "la coopérative",
    "le collectif",
    "la fédération",
    "le tiers-lieu",
    "la CAE",
    "l'union d'associations",
    "le réseau local",
)
ACTIONS = (
    "mutualiser un poste de coordination",
    "partager un local",
    "répondre ensemble à un appel à projets",
    "ouvrir son sociétariat aux usager·es",
    "créer une caisse de solidarité",
    "organiser des achats groupés",
    "rédiger une charte commune",
    "préparer un rapprochement",
    "former ses bénévoles",
)
SENTENCES = (
    "{actor} a choisi de {action} avec ses partenaires {of_place}.",
    "Le sujet « {topic} » revient à chaque réunion ; {body} souhaite le trancher.",
    "Les membres souhaitent {action} avant la fin de l'exercice.",
    "Un premier bilan sur « {topic} » montre qu'il faut du temps et un cadre clair.",
    "Pour {body}, le principe est acquis, sous réserve d'un budget prévisionnel.",
    "À {place}, {actor} expérimente depuis deux ans une démarche autour du thème « {topic} ».",
    "Chacun garde son autonomie : coopérer n'est pas fusionner.",
    "Les salarié·es et les bénévoles ont été associé·es dès le départ.",
    "Il reste à préciser qui porte le projet et avec quels moyens.",
    "Les excédents sont affectés en priorité aux réserves impartageables.",
    "Une convention de partenariat fixe la durée, la répartition des coûts et la sortie.",
    "Nous proposons de revenir sur « {topic} » à la prochaine réunion ({body}).",
    "{actor} {of_place} partage ses outils sous licence libre.",
    "La décision se prend par consentement, après un tour de clarification.",
)
ITEMS = (
    "Identifier les besoins communs",
    "Comparer les statuts possibles",
    "Chiffrer les économies",
    "Consulter les adhérent·es",
    "Rédiger une convention",
    "Prévoir une clause de sortie",
    "Désigner un binôme référent",
    "Planifier un point d'étape",
    "Informer les financeurs",
    "Mettre à jour le règlement intérieur",
    "Ouvrir un espace de documentation partagé",
)


@dataclass(frozen=True)
class CorpusPage:
    index: int
    title: str
    parent: int | None
    markdown: str


def _title_makers() -> dict[str, Callable[[random.Random], str]]:
    return {
        "Fiches statuts": lambda r: f"Fiche statut — {r.choice(FORMS)} n°{r.randint(1, 99)}",
        "Comptes rendus": lambda r: (
            f"Compte rendu — {r.choice(BODIES)[0]} du {r.randint(1, 28)} {r.choice(MONTHS)} "
            f"{r.randint(2019, 2026)}"
        ),
        "Ateliers": lambda r: f"Atelier {r.choice(TOPICS)} n°{r.randint(1, 40)}",
        "Retours d'expérience": lambda r: (
            f"Retour d'expérience — {r.choice(ACTORS)} {_of(r.choice(PLACES))} ({r.randint(1, 30)})"
        ),
        "Guides pratiques": lambda r: f"Guide pratique : {r.choice(TOPICS)} ({r.choice(PLACES)})",
        "Territoires": lambda r: f"Territoire — {r.choice(PLACES)}, {r.choice(TOPICS)}",
        "Glossaire": lambda r: f"Glossaire : {r.choice(TOPICS)} et {r.choice(FORMS)}",
    }


def _unique_title(
    rng: random.Random, make: Callable[[random.Random], str], seen: set[str], index: int
) -> str:
    title = make(rng)
    for _attempt in range(50):
        if slugify(title) not in seen:
            break
        title = make(rng)
    else:
        title = f"{title} ({index})"
    seen.add(slugify(title))
    return title


def _pick_parent(rng: random.Random, section: int, nested: dict[int, list[int]]) -> int | None:
    draw = rng.random()
    if draw < ROOT_SHARE:
        return None
    if draw < 1 - DEEP_SHARE or not nested[section]:
        return section
    return rng.choice(nested[section])


def _plan(count: int, rng: random.Random) -> list[tuple[str, int | None]]:
    """(title, parent index) for every page, parents always before their children."""
    makers = _title_makers()
    sections = list(makers)[: max(1, min(len(makers), count // 20))]
    seen = {slugify(s) for s in sections}
    plan: list[tuple[str, int | None]] = [(s, None) for s in sections]
    nested: dict[int, list[int]] = {i: [] for i in range(len(sections))}
    for index in range(len(sections), count):
        section = rng.randrange(len(sections))
        title = _unique_title(rng, makers[sections[section]], seen, index)
        parent = _pick_parent(rng, section, nested)
        if parent == section:
            nested[section].append(index)
        plan.append((title, parent))
    return plan[:count]


def _of(place: str) -> str:
    return ("d'" if place[0] in "AEIOUÉ" else "de ") + place


def _sentence(rng: random.Random) -> str:
    place = rng.choice(PLACES)
    text = rng.choice(SENTENCES).format(
        actor=rng.choice(ACTORS),
        action=rng.choice(ACTIONS),
        place=place,
        of_place=_of(place),
        topic=rng.choice(TOPICS),
        body=rng.choice(BODIES)[1],
    )
    return text[:1].upper() + text[1:]


def _paragraph(rng: random.Random, links: list[str]) -> str:
    sentences = [_sentence(rng) for _ in range(rng.randint(2, 5))]
    if links and rng.random() < 0.6:
        sentences.append(f"Voir aussi [[{links.pop()}]].")
    return " ".join(sentences)


def _list_block(rng: random.Random) -> str:
    items = rng.sample(ITEMS, rng.randint(3, 6))
    style = rng.choice(("- ", "1. ", "- [ ] "))
    return "\n".join(f"{style}{item}" for item in items)


def _table_block(rng: random.Random) -> str:
    rows = [
        f"| {rng.choice(ITEMS)} | {rng.choice(ACTORS)} | {rng.randint(1, 28)} "
        f"{rng.choice(MONTHS)} |"
        for _ in range(rng.randint(3, 6))
    ]
    return "\n".join(["| Étape | Qui | Échéance |", "|---|---|---|", *rows])


def _block(rng: random.Random, links: list[str], table_done: bool) -> str:
    draw = rng.random()
    if draw < 0.15 and not table_done:
        return _table_block(rng)
    if draw < 0.4:
        return _list_block(rng)
    if draw < 0.47:
        return "> « " + _sentence(rng).rstrip(".") + " »"
    return _paragraph(rng, links)


def _markdown(rng: random.Random, title: str, links: list[str]) -> str:
    target = rng.randint(MIN_BYTES, MAX_BYTES)
    parts = [f"# {title}", _paragraph(rng, links)]
    for n in range(MAX_BLOCKS):
        if len("\n\n".join(parts).encode()) >= target - 150:
            break
        if n % 2 == 0:
            parts.append(f"## {rng.choice(TOPICS).capitalize()}")
        parts.append(_block(rng, links, any(p.startswith("| Étape") for p in parts)))
    parts.extend(f"- [[{link}]]" for link in links)  # links not placed in a paragraph
    return "\n\n".join(parts) + "\n"


def build_corpus(count: int = 1000, seed: int = DEFAULT_SEED) -> list[CorpusPage]:
    rng = random.Random(seed)
    plan = _plan(count, rng)
    titles = [title for title, _parent in plan]
    pages = []
    for index, (title, parent) in enumerate(plan):
        others = [t for t in rng.sample(titles, min(len(titles), 5)) if t != title]
        links = others[: rng.randint(2, 4)]
        pages.append(CorpusPage(index, title, parent, _markdown(rng, title, links)))
    check_corpus(pages)
    return pages


def check_corpus(pages: list[CorpusPage]) -> None:
    slugs = Counter(slugify(p.title) for p in pages)
    duplicates = [s for s, n in slugs.items() if n > 1]
    if duplicates:
        raise ValueError(f"duplicate titles: {duplicates[:5]}")
    for page in pages:
        if FORBIDDEN_IN_TITLES & set(page.title):
            raise ValueError(f"forbidden character in title {page.title!r}")
        if page.parent is not None and page.parent >= page.index:
            raise ValueError(f"page {page.index} comes before its parent")


def ancestry(pages: list[CorpusPage], page: CorpusPage) -> list[str]:
    """Titles from the root down to ``page`` (bounded by the tree depth)."""
    titles = [page.title]
    parent = page.parent
    for _level in range(len(pages)):
        if parent is None:
            break
        titles.append(pages[parent].title)
        parent = pages[parent].parent
    return titles[::-1]


def describe(pages: list[CorpusPage]) -> str:
    depths = Counter(len(ancestry(pages, p)) - 1 for p in pages)
    sizes = sorted(len(p.markdown.encode()) for p in pages)
    links = sum(p.markdown.count("[[") for p in pages)
    shape = ", ".join(f"depth {d}: {n}" for d, n in sorted(depths.items()))
    return (
        f"{len(pages)} pages ({shape}); {sizes[0]}–{sizes[-1]} bytes, "
        f"median {sizes[len(sizes) // 2]} bytes; {links} wikilinks"
    )


def create_pages(author: Any, space: Any, pages: list[CorpusPage]) -> list[str]:
    """Create the corpus in ``space`` through the service layer (in an app context), parents
    first; the view path of each page, in corpus order."""
    from wiki import pages as wiki_pages

    ids: list[int] = []
    paths: list[str] = []
    for item in pages:
        parent_id = ids[item.parent] if item.parent is not None else None
        page = wiki_pages.create_page(author, space, item.title, item.markdown, parent_id=parent_id)
        ids.append(page.id)
        paths.append(f"/s/{quote(space.slug)}/p/{quote(page.slug)}")
    return paths
