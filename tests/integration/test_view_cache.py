"""A page view's cost: the partial tree, conditional requests (ETag / 304), the kept copies of
anonymous views, and the number of database queries a view makes."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import event

from wiki import memoire_curation, pages, spaces
from wiki.db import db
from wiki.tree_view import NEIGHBOURS

URL = "/s/cooperer/p/{}"


@pytest.fixture
def facilitator(personas, client_for):
    return client_for(personas.facilitator)


@pytest.fixture
def link_space(personas):
    """The space opened to anyone with the link: its views are anonymous."""
    space = personas.space
    space.visibility = "link"
    db.session.commit()
    return space


def tree_of(html: str) -> str:
    start = html.index('<div class="tree-holder" data-tree>')
    return html[start : html.index("</div>", start)]


def titles_in(tree: str) -> list[str]:
    return re.findall(r'<a href="/s/cooperer/p/[^"]+"[^>]*>([^<]+)</a>', tree)


@pytest.fixture
def wide_tree(personas):
    """40 pages at the top; "Section 20" holds 30 pages, "Fiche 15" of them holds 2."""
    user, space = personas.facilitator, personas.space
    tops = [pages.create_page(user, space, f"Haut {n:02d}") for n in range(40)]
    section = pages.create_page(user, space, "Section 20", parent_id=tops[20].id)
    fiches = [
        pages.create_page(user, space, f"Fiche {n:02d}", parent_id=section.id) for n in range(30)
    ]
    for n in range(2):
        pages.create_page(user, space, f"Annexe {n}", parent_id=fiches[15].id)
    return tops, section, fiches


# --- the partial tree --------------------------------------------------------------------


def test_page_view_shows_its_path_neighbours_and_children_not_the_whole_tree(
    wide_tree, facilitator
):
    html = facilitator.get(URL.format("fiche-15")).get_data(as_text=True)
    tree = tree_of(html)
    shown = titles_in(tree)
    assert {"Haut 20", "Section 20", "Fiche 15", "Annexe 0", "Annexe 1"} <= set(shown)
    window = 2 * NEIGHBOURS + 1
    assert len([t for t in shown if t.startswith("Haut")]) == window
    assert len([t for t in shown if t.startswith("Fiche")]) == window
    assert f"Fiche {15 - NEIGHBOURS:02d}" in shown and f"Fiche {15 + NEIGHBOURS:02d}" in shown
    assert f"Fiche {15 - NEIGHBOURS - 1:02d}" not in shown
    # the cuts say what they leave out, and lead to the whole tree
    before, after = 15 - NEIGHBOURS, 30 - (15 + NEIGHBOURS + 1)
    assert f"… {before} autres pages" in tree and f"… {after} autres pages" in tree
    assert "Tout afficher (73 pages)" in tree
    assert tree.count('href="/s/cooperer/arbre" data-tree-all') >= 3
    assert re.search(r'href="/s/cooperer/p/fiche-15" aria-current="page">Fiche 15<', tree)
    assert len(html) < 20_000


def test_a_folded_branch_says_how_many_pages_it_holds(wide_tree, facilitator):
    tree = tree_of(facilitator.get(URL.format("section-20")).get_data(as_text=True))
    assert "Annexe 0" not in tree
    assert "(2 sous-pages)" in tree


def test_the_whole_tree_is_a_page_and_a_fragment(wide_tree, facilitator):
    page = facilitator.get("/s/cooperer/arbre")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<h1>Toutes les pages</h1>" in html
    assert len(titles_in(tree_of(html))) == 73
    fragment = facilitator.get("/s/cooperer/arbre?fragment=1").get_data(as_text=True)
    assert fragment.lstrip().startswith('<div class="tree-holder" data-tree>')
    assert "<html" not in fragment and len(titles_in(fragment)) == 73
    assert "Tout afficher" not in fragment and "autres pages" not in fragment


def test_the_whole_tree_follows_the_space_permissions(wide_tree, client_for, personas):
    assert client_for(personas.outsider).get("/s/cooperer/arbre?fragment=1").status_code == 404


def test_a_small_tree_is_shown_whole_without_a_link_to_itself(personas, facilitator):
    for title in ("Accueil", "Programme"):
        pages.create_page(personas.facilitator, personas.space, title)
    tree = tree_of(facilitator.get(URL.format("accueil")).get_data(as_text=True))
    assert titles_in(tree) == ["Accueil", "Programme"]
    assert "Tout afficher" not in tree and "data-tree-all" not in tree


def test_space_home_keeps_the_whole_tree(wide_tree, facilitator):
    html = facilitator.get("/s/cooperer/").get_data(as_text=True)
    assert len(titles_in(tree_of(html))) == 73


def test_the_tree_is_redrawn_when_a_page_is_renamed_or_hidden(wide_tree, facilitator, personas):
    assert ">Haut 21</a>" in tree_of(facilitator.get(URL.format("haut-20")).get_data(True))
    tops, _section, _fiches = wide_tree
    pages.update_page(personas.facilitator, tops[21], title="Haut 21 renommée")
    memoire_curation.set_hidden(personas.facilitator, personas.space, tops[19].id, True)
    tree = tree_of(facilitator.get(URL.format("haut-20")).get_data(as_text=True))
    assert ">Haut 21 renommée</a>" in tree and ">Haut 21</a>" not in tree
    assert re.search(r">Haut 19</a> <span class=\"badge[^\"]*badge-hors-memoire", tree)


# --- backlinks -------------------------------------------------------------------------


def test_backlinks_follow_links_added_and_removed_elsewhere(personas, facilitator):
    user, space = personas.facilitator, personas.space
    target = pages.create_page(user, space, "Programme", "Le déroulé.")
    source = pages.create_page(user, space, "Accueil", "Bonjour.")
    assert "Pages qui citent" not in facilitator.get(URL.format("programme")).get_data(True)
    pages.update_page(user, source, markdown="Voir [[Programme]].")
    html = facilitator.get(URL.format("programme")).get_data(as_text=True)
    assert "Pages qui citent celle-ci" in html and ">Accueil</a>" in html
    pages.update_page(user, source, markdown="Plus de lien.")
    assert "Pages qui citent" not in facilitator.get(URL.format(target.slug)).get_data(True)


def test_a_save_that_keeps_the_links_does_not_redraw_the_tree(personas):
    user, space = personas.facilitator, personas.space
    page = pages.create_page(user, space, "Accueil", "Voir [[Programme]].")
    version = db.session.get(type(space), space.id).tree_version
    pages.update_page(user, page, markdown="Voir [[Programme]], encore.")
    db.session.refresh(space)
    assert space.tree_version == version


# --- conditional requests ------------------------------------------------------------------


def test_coming_back_to_an_unchanged_page_gets_a_304(personas, facilitator):
    pages.create_page(personas.facilitator, personas.space, "Accueil", "Bonjour.")
    first = facilitator.get(URL.format("accueil"))
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "private, no-cache"
    assert "Cookie" in first.headers["Vary"]
    again = facilitator.get(URL.format("accueil"), headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag


def test_a_new_version_answers_200_with_another_etag(personas, facilitator):
    page = pages.create_page(personas.facilitator, personas.space, "Accueil", "Bonjour.")
    etag = facilitator.get(URL.format("accueil")).headers["ETag"]
    pages.update_page(personas.facilitator, page, markdown="Bonsoir.")
    after = facilitator.get(URL.format("accueil"), headers={"If-None-Match": etag})
    assert after.status_code == 200 and "Bonsoir." in after.get_data(as_text=True)
    assert after.headers["ETag"] != etag


def test_an_etag_is_never_reused_across_people_or_roles(personas, client_for):
    pages.create_page(personas.facilitator, personas.space, "Accueil", "Bonjour.")
    reader = client_for(personas.reader)
    etag = reader.get(URL.format("accueil")).headers["ETag"]
    other = client_for(personas.participant).get(
        URL.format("accueil"), headers={"If-None-Match": etag}
    )
    assert other.status_code == 200 and "Sami Participant" in other.get_data(as_text=True)
    spaces.set_role(personas.facilitator, personas.space, personas.reader.id, "participant")
    promoted = reader.get(URL.format("accueil"), headers={"If-None-Match": etag})
    assert promoted.status_code == 200 and ">Modifier</a>" in promoted.get_data(as_text=True)


def test_a_message_to_show_is_never_answered_304(personas, facilitator):
    pages.create_page(personas.facilitator, personas.space, "Accueil", "Bonjour.")
    etag = facilitator.get(URL.format("accueil")).headers["ETag"]
    with facilitator.session_transaction() as session:
        session["_flashes"] = [("success", "Page enregistrée.")]
    shown = facilitator.get(URL.format("accueil"), headers={"If-None-Match": etag})
    assert shown.status_code == 200 and "Page enregistrée." in shown.get_data(as_text=True)


def test_the_archive_changes_the_etag(personas, facilitator):
    pages.create_page(personas.facilitator, personas.space, "Accueil", "Bonjour.")
    etag = facilitator.get(URL.format("accueil")).headers["ETag"]
    personas.space.archived_at = dt.datetime(2026, 12, 1)
    db.session.commit()
    after = facilitator.get(URL.format("accueil"), headers={"If-None-Match": etag})
    assert after.status_code == 200 and "Espace archivé" in after.get_data(as_text=True)


# --- anonymous views ------------------------------------------------------------------------


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_anonymous_readers_share_one_rendering_with_their_own_token(
    personas, link_space, app, monkeypatch
):
    pages.create_page(personas.facilitator, link_space, "Accueil", "Bonjour.")
    renders = []
    from wiki.views import pages as page_views

    real = page_views.render_template
    monkeypatch.setattr(
        page_views, "render_template", lambda *a, **k: renders.append(a[0]) or real(*a, **k)
    )
    first, second = app.test_client(), app.test_client()
    html_1 = first.get(URL.format("accueil")).get_data(as_text=True)
    html_2 = second.get(URL.format("accueil")).get_data(as_text=True)
    assert renders == ["pages/view.html"]
    assert "Bonjour." in html_2 and "\x00" not in html_2
    assert _token(html_1) != _token(html_2)
    # each token works for its own session: the language form is not broken by the copy
    for client, html in ((first, html_1), (second, html_2)):
        switched = client.post(
            "/langue", data={"csrf_token": _token(html), "locale": "en", "next": "/"}
        )
        assert switched.status_code == 302
    english = second.get(URL.format("accueil")).get_data(as_text=True)
    assert 'lang="en"' in english and renders == ["pages/view.html"] * 2


def test_an_anonymous_copy_follows_every_change_of_the_page(personas, link_space, anonymous):
    page = pages.create_page(personas.facilitator, link_space, "Accueil", "Bonjour.")
    assert "Bonjour." in anonymous.get(URL.format("accueil")).get_data(as_text=True)
    pages.update_page(personas.facilitator, page, markdown="Bonsoir.")
    assert "Bonsoir." in anonymous.get(URL.format("accueil")).get_data(as_text=True)
    pages.set_live_text(page.id, "Le texte en direct.")
    assert "Le texte en direct." in anonymous.get(URL.format("accueil")).get_data(True)
    link_space.title = "Un autre nom"
    db.session.commit()
    assert "Un autre nom" in anonymous.get(URL.format("accueil")).get_data(as_text=True)
    link_space.visibility = "members"
    db.session.commit()
    assert anonymous.get(URL.format("accueil")).status_code in (302, 401, 404)


# --- queries ------------------------------------------------------------------------------


@pytest.fixture
def count_queries():
    def counting():
        statements: list[str] = []

        def record(_conn, _cursor, statement, *_args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        return statements, lambda: event.remove(db.engine, "before_cursor_execute", record)

    return counting


def test_a_page_view_makes_few_queries(
    wide_tree, personas, facilitator, link_space, app, count_queries
):
    anonymous = app.test_client()
    for client in (facilitator, anonymous):
        client.get(URL.format("fiche-15"))  # fills the caches
    statements, stop = count_queries()
    try:
        assert facilitator.get(URL.format("fiche-15")).status_code == 200
        signed_in = len(statements)
        statements.clear()
        assert anonymous.get(URL.format("fiche-15")).status_code == 200
        anonymous_count = len(statements)
    finally:
        stop()
    # signed in: the session, the person, the space, the page, the role (permission, buttons)
    assert signed_in <= 9, statements
    # anonymous, kept copy: the space and the page
    assert anonymous_count <= 3
