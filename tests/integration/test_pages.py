"""Pages: tree, slugs, rename with redirects and links, move, trash, rendering, HTML cache."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from wiki import navigation, page_html, page_trash, pages
from wiki.db import db
from wiki.models import Page, Revision


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[dict[str, str | None]] = []
        self._current: dict | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._current = {**dict(attrs), "text": ""}
            self.links.append(self._current)

    def handle_data(self, data):
        if self._current is not None:
            self._current["text"] += data

    def handle_endtag(self, tag):
        if tag == "a":
            self._current = None


def links(html: str, css_class: str | None = None) -> list[dict]:
    parser = _Links()
    parser.feed(html)
    found = parser.links
    if css_class is not None:
        found = [a for a in found if css_class in (a.get("class") or "").split()]
    return found


def body_of(html: str) -> str:
    """Only the rendered page text, not the sidebar or the menus."""
    start = re.search(r'<div class="markdown-body"[^>]*>', html).end()
    return html[start : html.index("</article>", start)]


@pytest.fixture
def facilitator(personas, client_for):
    return client_for(personas.facilitator)


def create(client, title: str, markdown: str = "", **extra):
    return client.post(
        "/s/cooperer/nouvelle-page", data={"title": title, "markdown": markdown, **extra}
    )


def live_titles(personas) -> list[str]:
    return [p.title for p in navigation.live_pages(personas.space)]


# --- creating -----------------------------------------------------------------------


def test_create_with_accented_title_gives_readable_slug(personas, facilitator):
    response = create(facilitator, "Coopération économique", "Faire **ensemble**.")
    assert response.status_code == 302
    assert response.headers["Location"] == "/s/cooperer/p/cooperation-economique"
    page = facilitator.get("/s/cooperer/p/cooperation-economique")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<h1>Coopération économique</h1>" in html
    assert "<strong>ensemble</strong>" in html
    stored = db.session.scalar(select(Page).where(Page.slug == "cooperation-economique"))
    assert stored.created_by_id == personas.facilitator.id
    assert stored.revision_number == 1


def test_duplicate_titles_get_numbered_slugs(personas, facilitator):
    assert create(facilitator, "Notes").headers["Location"] == "/s/cooperer/p/notes"
    assert create(facilitator, "Notes").headers["Location"] == "/s/cooperer/p/notes-2"
    assert create(facilitator, "notes !").headers["Location"] == "/s/cooperer/p/notes-3"
    assert sorted(p.slug for p in navigation.live_pages(personas.space)) == [
        "notes",
        "notes-2",
        "notes-3",
    ]


def test_create_refuses_empty_title_and_writes_nothing(personas, facilitator):
    response = create(facilitator, "   ", "Du texte")
    assert response.status_code == 400
    assert "Le titre est obligatoire." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Page.id))) == 0


def test_create_page_form_prefills_parent_and_title(personas, facilitator):
    parent = pages.create_page(personas.facilitator, personas.space, "Fiches statuts")
    html = facilitator.get(f"/s/cooperer/nouvelle-page?titre=SCIC&parent={parent.id}").get_data(
        as_text=True
    )
    assert 'name="title" value="SCIC"' in html
    assert f'<option value="{parent.id}" selected>Fiches statuts</option>' in html


# --- tree ---------------------------------------------------------------------------


def test_page_tree_nests_children_under_parents(personas, facilitator):
    space, user = personas.space, personas.facilitator
    fiches = pages.create_page(user, space, "Fiches statuts")
    create(facilitator, "SCIC", parent_id=str(fiches.id))
    scic = db.session.scalar(select(Page).where(Page.slug == "scic"))
    pages.create_page(user, space, "Sociétariat", parent_id=scic.id)
    pages.create_page(user, space, "Association loi 1901", parent_id=fiches.id)
    pages.create_page(user, space, "Bienvenue")

    tree = navigation.page_tree(space)
    shape = [
        (n.page.title, [(c.page.title, [gc.page.title for gc in c.children]) for c in n.children])
        for n in tree
    ]
    assert shape == [
        ("Bienvenue", []),
        ("Fiches statuts", [("Association loi 1901", []), ("SCIC", ["Sociétariat"])]),
    ]
    home = facilitator.get("/s/cooperer/").get_data(as_text=True)
    # the nested list shows SCIC inside the "Fiches statuts" item
    fiches_item = home[home.index(">Fiches statuts</a>") :]
    assert fiches_item.index('<ul class="tree">') < fiches_item.index(">SCIC</a>")


def test_create_under_unknown_parent_is_refused(personas, facilitator):
    response = create(facilitator, "Orpheline", parent_id="999999")
    assert response.status_code == 404  # the form again, with why: that parent is missing
    assert "La page parente n'existe pas dans cet espace." in unescape(
        response.get_data(as_text=True)
    )
    assert db.session.scalar(select(func.count(Page.id))) == 0


# --- rename -------------------------------------------------------------------------


@pytest.fixture
def renamed(personas, facilitator):
    """ "Programme" linked from "Accueil", then renamed to "Programme de la journée"."""
    space, user = personas.space, personas.facilitator
    target = pages.create_page(user, space, "Programme", "Le déroulé.")
    pages.create_page(user, space, "Accueil", "Voir le [[Programme]] du jour.")
    response = facilitator.post(
        "/s/cooperer/p/programme/modifier",
        data={"title": "Programme de la journée", "markdown": "Le déroulé.", "base_revision": "1"},
    )
    assert response.status_code == 302
    return target


def test_rename_changes_slug_and_redirects_old_url(renamed, facilitator):
    assert renamed.slug == "programme-de-la-journee"
    assert renamed.revision_number == 2
    old = facilitator.get("/s/cooperer/p/programme")
    assert old.status_code == 301
    assert old.headers["Location"] == "/s/cooperer/p/programme-de-la-journee"
    new = facilitator.get("/s/cooperer/p/programme-de-la-journee")
    assert new.status_code == 200
    assert "<h1>Programme de la journée</h1>" in new.get_data(as_text=True)


def test_links_to_old_title_still_resolve_after_rename(renamed, facilitator):
    html = body_of(facilitator.get("/s/cooperer/p/accueil").get_data(as_text=True))
    [link] = links(html, "wikilink")
    assert link["href"] == "/s/cooperer/p/programme-de-la-journee"
    assert "wikilink-missing" not in link["class"]
    assert link["text"] == "Programme"


def test_backlinks_still_list_the_linking_page_after_rename(renamed, facilitator):
    assert [p.title for p in navigation.backlinks(renamed)] == ["Accueil"]
    html = facilitator.get("/s/cooperer/p/programme-de-la-journee").get_data(as_text=True)
    backlinks = html[html.index("Pages qui citent celle-ci") :]
    assert '<a href="/s/cooperer/p/accueil">Accueil</a>' in backlinks


def test_renaming_back_reuses_the_old_slug(renamed, personas, facilitator):
    pages.update_page(personas.facilitator, renamed, title="Programme")
    assert renamed.slug == "programme"
    assert facilitator.get("/s/cooperer/p/programme").status_code == 200
    moved = facilitator.get("/s/cooperer/p/programme-de-la-journee")
    assert moved.status_code == 301
    assert moved.headers["Location"] == "/s/cooperer/p/programme"


# --- move ---------------------------------------------------------------------------


@pytest.fixture
def family(personas):
    space, user = personas.space, personas.facilitator
    grand = pages.create_page(user, space, "Grand-parent")
    parent = pages.create_page(user, space, "Parent", parent_id=grand.id)
    child = pages.create_page(user, space, "Enfant", parent_id=parent.id)
    other = pages.create_page(user, space, "Autre")
    return grand, parent, child, other


def test_move_under_another_page(family, facilitator, personas):
    grand, _parent, _child, other = family
    response = facilitator.post("/s/cooperer/p/autre/deplacer", data={"parent_id": str(grand.id)})
    assert response.status_code == 302
    assert other.parent_id == grand.id
    tree = navigation.page_tree(personas.space)
    assert [n.page.title for n in tree] == ["Grand-parent"]
    assert sorted(c.page.title for c in tree[0].children) == ["Autre", "Parent"]
    # back to the root with an empty choice
    facilitator.post("/s/cooperer/p/autre/deplacer", data={"parent_id": ""})
    assert other.parent_id is None


def test_move_to_a_position_among_siblings(family, facilitator, personas):
    def root_titles() -> list[str]:
        return [n.page.title for n in navigation.page_tree(personas.space)]

    grand, parent, _child, _other = family
    pages.create_page(personas.facilitator, personas.space, "Bienvenue")
    assert root_titles() == ["Autre", "Bienvenue", "Grand-parent"]  # all at 0: by title
    # "0 = en premier", as the form says
    facilitator.post("/s/cooperer/p/grand-parent/deplacer", data={"parent_id": "", "position": "0"})
    assert root_titles() == ["Grand-parent", "Autre", "Bienvenue"]
    facilitator.post("/s/cooperer/p/autre/deplacer", data={"parent_id": "", "position": "1"})
    assert root_titles() == ["Grand-parent", "Autre", "Bienvenue"]
    facilitator.post("/s/cooperer/p/autre/deplacer", data={"parent_id": "", "position": "99"})
    assert root_titles() == ["Grand-parent", "Bienvenue", "Autre"]
    # moved under another page at a position: placed among its new siblings
    facilitator.post(
        "/s/cooperer/p/bienvenue/deplacer", data={"parent_id": str(grand.id), "position": "0"}
    )
    tree = navigation.page_tree(personas.space)
    assert [c.page.title for c in tree[0].children] == ["Bienvenue", "Parent"]
    assert parent.position == 1


@pytest.mark.parametrize("target", ["self", "child", "grandchild"])
def test_move_under_itself_or_a_descendant_is_refused(family, facilitator, target):
    grand, parent, child, _other = family
    destination = {"self": grand, "child": parent, "grandchild": child}[target]
    response = facilitator.post(
        "/s/cooperer/p/grand-parent/deplacer", data={"parent_id": str(destination.id)}
    )
    assert response.status_code == 400
    assert (
        "Une page ne peut pas être rangée sous elle-même ni sous l’une de ses sous-pages."
        in response.get_data(as_text=True)
    )
    # said on the move form, where another place can be chosen
    assert 'id="f-parent"' in response.get_data(as_text=True)
    db.session.refresh(grand)
    assert grand.parent_id is None


def test_move_form_does_not_offer_the_page_itself(family, facilitator):
    html = facilitator.get("/s/cooperer/p/parent/deplacer").get_data(as_text=True)
    options = html[html.index('<select id="f-parent"') : html.index("</select>")]
    assert ">Grand-parent</option>" in options
    assert ">Parent</option>" not in options


# --- trash --------------------------------------------------------------------------


def test_delete_moves_children_up_and_hides_the_page(family, personas, facilitator):
    grand, parent, child, _other = family
    response = facilitator.post("/s/cooperer/p/parent/supprimer")
    assert response.status_code == 302
    assert response.headers["Location"] == "/s/cooperer/"
    assert parent.deleted_at is not None and parent.deleted_by_id == personas.facilitator.id
    assert child.parent_id == grand.id
    assert facilitator.get("/s/cooperer/p/parent").status_code == 404
    assert "Parent" not in live_titles(personas)
    tree = navigation.page_tree(personas.space)
    assert [
        c.page.title for c in tree[[n.page.title for n in tree].index("Grand-parent")].children
    ] == ["Enfant"]
    home = facilitator.get("/s/cooperer/").get_data(as_text=True)
    assert ">Parent</a>" not in home and ">Enfant</a>" in home


def test_facilitator_restores_from_trash(family, personas, facilitator):
    _grand, parent, _child, _other = family
    facilitator.post("/s/cooperer/p/parent/supprimer")
    trash = facilitator.get("/s/cooperer/corbeille")
    assert trash.status_code == 200
    assert "<strong>Parent</strong>" in trash.get_data(as_text=True)
    response = facilitator.post(f"/s/cooperer/corbeille/{parent.id}/restaurer")
    assert response.status_code == 302
    assert response.headers["Location"] == "/s/cooperer/p/parent"
    assert facilitator.get("/s/cooperer/p/parent").status_code == 200
    assert "Parent" in live_titles(personas)
    assert "La corbeille est vide." in facilitator.get("/s/cooperer/corbeille").get_data(
        as_text=True
    )


def test_participant_can_delete_but_not_see_trash_or_restore(family, personas, client_for):
    _grand, parent, _child, _other = family
    participant = client_for(personas.participant)
    assert participant.post("/s/cooperer/p/parent/supprimer").status_code == 302
    assert participant.get("/s/cooperer/corbeille").status_code == 403
    assert participant.post(f"/s/cooperer/corbeille/{parent.id}/restaurer").status_code == 403
    assert parent.deleted_at is not None


def test_restore_when_slug_was_taken_meanwhile_gives_a_new_slug(personas, facilitator):
    old = pages.create_page(personas.facilitator, personas.space, "Programme", "Ancien.")
    facilitator.post("/s/cooperer/p/programme/supprimer")
    # the title is free again: a new page takes the plain slug
    assert (
        create(facilitator, "Programme", "Nouveau.").headers["Location"]
        == "/s/cooperer/p/programme"
    )
    response = facilitator.post(f"/s/cooperer/corbeille/{old.id}/restaurer")
    assert response.status_code == 302
    assert old.slug == "programme-2"
    assert response.headers["Location"] == "/s/cooperer/p/programme-2"
    assert "Nouveau." in facilitator.get("/s/cooperer/p/programme").get_data(as_text=True)
    assert "Ancien." in facilitator.get("/s/cooperer/p/programme-2").get_data(as_text=True)


def test_link_to_title_of_trashed_page_reaches_its_replacement(personas, facilitator):
    pages.create_page(personas.facilitator, personas.space, "Programme", "Ancien.")
    pages.create_page(personas.facilitator, personas.space, "Accueil", "Voir [[Programme]].")
    facilitator.post("/s/cooperer/p/programme/supprimer")
    [missing] = links(body_of(facilitator.get("/s/cooperer/p/accueil").get_data(as_text=True)))
    assert "wikilink-missing" in missing["class"]
    create(facilitator, "Programme", "Nouveau.")
    [link] = links(body_of(facilitator.get("/s/cooperer/p/accueil").get_data(as_text=True)))
    assert link["href"] == "/s/cooperer/p/programme"
    assert "wikilink-missing" not in link["class"]


def test_restoring_a_page_whose_parent_is_still_in_the_trash_puts_it_at_the_root(family, personas):
    grand, parent, _child, _other = family
    page_trash.delete_page(personas.facilitator, parent)
    page_trash.delete_page(personas.facilitator, grand)
    restored = page_trash.restore_page(personas.facilitator, personas.space, parent.id)
    assert restored.parent_id is None
    assert "Parent" in [n.page.title for n in navigation.page_tree(personas.space)]


# --- links and rendering ----------------------------------------------------------


def test_missing_link_points_to_prefilled_create_form(personas, facilitator):
    pages.create_page(personas.facilitator, personas.space, "Accueil", "À écrire : [[Fiche SCOP]].")
    html = body_of(facilitator.get("/s/cooperer/p/accueil").get_data(as_text=True))
    [link] = links(html, "wikilink")
    assert link["class"].split() == ["wikilink", "wikilink-missing"]
    url = urlsplit(link["href"])
    assert url.path == "/s/cooperer/nouvelle-page"
    assert parse_qs(url.query) == {"titre": ["Fiche SCOP"]}
    form = facilitator.get(link["href"]).get_data(as_text=True)
    assert 'name="title" value="Fiche SCOP"' in form
    # following it creates the page, and the link then exists
    create(facilitator, "Fiche SCOP", "Une SCOP.")
    [link] = links(body_of(facilitator.get("/s/cooperer/p/accueil").get_data(as_text=True)))
    assert link["href"] == "/s/cooperer/p/fiche-scop"
    assert "wikilink-missing" not in link["class"]


MARKDOWN_TOUR = """# Programme

| Horaire | Séquence |
|---|:-:|
| 9 h 30 | Accueil |

## Avant la journée

- [ ] Répondre au questionnaire
- [x] Lire le programme

## Pendant la journée

Texte.
"""


def test_markdown_features_show_in_the_page(personas, facilitator):
    pages.create_page(personas.facilitator, personas.space, "Tour", MARKDOWN_TOUR)
    html = facilitator.get("/s/cooperer/p/tour").get_data(as_text=True)
    body = body_of(html)
    assert "<th>Horaire</th>" in body
    assert '<td class="align-center">Accueil</td>' in body
    assert '<input class="task-list-item-checkbox" disabled type="checkbox"> Répondre' in body
    assert '<input class="task-list-item-checkbox" checked disabled type="checkbox"> Lire' in body
    assert '<h1 id="programme">Programme</h1>' in body
    assert '<h2 id="avant-la-journee">Avant la journée</h2>' in body
    toc = html[
        html.index('<nav class="toc"') : html.index("</nav>", html.index('<nav class="toc"'))
    ]
    assert "Sommaire" in toc
    assert '<a href="#avant-la-journee">Avant la journée</a>' in toc
    assert '<a href="#pendant-la-journee">Pendant la journée</a>' in toc


def test_no_table_of_contents_for_a_single_heading(personas, facilitator):
    pages.create_page(personas.facilitator, personas.space, "Court", "# Seul titre\n\nTexte.")
    html = facilitator.get("/s/cooperer/p/court").get_data(as_text=True)
    assert '<h1 id="seul-titre">Seul titre</h1>' in html
    assert 'class="toc"' not in html and "Sommaire" not in html


# --- rendered HTML cache ----------------------------------------------------------


@pytest.fixture
def render_calls(monkeypatch) -> list[str]:
    calls: list[str] = []
    real = page_html.render_markdown

    def counting(markdown, *resolvers):
        calls.append(markdown)
        return real(markdown, *resolvers)

    monkeypatch.setattr(page_html, "render_markdown", counting)
    return calls


def test_viewing_twice_renders_once(personas, facilitator, render_calls):
    pages.create_page(personas.facilitator, personas.space, "Accueil", "Bonjour [[Programme]].")
    assert facilitator.get("/s/cooperer/p/accueil").status_code == 200
    assert facilitator.get("/s/cooperer/p/accueil").status_code == 200
    assert len(render_calls) == 1


def test_new_revision_renders_again(personas, facilitator, render_calls):
    page = pages.create_page(personas.facilitator, personas.space, "Accueil", "Bonjour.")
    facilitator.get("/s/cooperer/p/accueil")
    facilitator.post(
        "/s/cooperer/p/accueil/modifier",
        data={
            "title": "Accueil",
            "markdown": "Bonsoir.",
            "base_revision": str(page.revision_number),
        },
    )
    html = facilitator.get("/s/cooperer/p/accueil").get_data(as_text=True)
    assert "Bonsoir." in html and "Bonjour." not in html
    assert render_calls == ["Bonjour.", "Bonsoir."]
    facilitator.get("/s/cooperer/p/accueil")
    assert len(render_calls) == 2


def test_new_link_target_renders_again(personas, facilitator, render_calls):
    pages.create_page(personas.facilitator, personas.space, "Accueil", "Voir [[Programme]].")
    before = body_of(facilitator.get("/s/cooperer/p/accueil").get_data(as_text=True))
    assert "wikilink-missing" in before
    create(facilitator, "Programme", "Le déroulé.")
    after = body_of(facilitator.get("/s/cooperer/p/accueil").get_data(as_text=True))
    assert "wikilink-missing" not in after
    assert 'href="/s/cooperer/p/programme"' in after
    assert render_calls.count("Voir [[Programme]].") == 2


def test_page_revision_rows_match_saves(personas, facilitator):
    create(facilitator, "Journal", "Un.")
    page = db.session.scalar(select(Page).where(Page.slug == "journal"))
    numbers = db.session.scalars(
        select(Revision.number).where(Revision.page_id == page.id).order_by(Revision.number)
    ).all()
    assert numbers == [1]
