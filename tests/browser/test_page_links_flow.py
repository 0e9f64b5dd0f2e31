"""Pages as a facilitator lives with them: rename and move (old addresses and ``[[links]]``
keep working), trash and restore, a rich page (table, tasks, table of contents), a link to a
missing page that leads to writing it, and the backlinks that follow."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .conftest import collect_errors, sign_in

pytestmark = pytest.mark.browser

SPACE = "/s/cooperer-sur-le-territoire-accompagnement-dla"


def _tree(page: Page):
    return page.get_by_role("complementary", name="Pages de l’espace")


def test_rename_and_move_keep_links_working(page: Page, live_server: str, screenshot_dir) -> None:
    errors = collect_errors(page)
    base = live_server + SPACE
    sign_in(page, live_server)

    page.goto(f"{base}/p/programme-de-la-journee")
    page.get_by_role("link", name="Modifier").click()
    page.get_by_label("Titre", exact=True).fill("Déroulé de la journée")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page).to_have_url(f"{base}/p/deroule-de-la-journee")
    expect(page.get_by_role("heading", level=1, name="Déroulé de la journée")).to_be_visible()
    expect(page.locator(".markdown-body table")).to_contain_text("Accueil, météo d'arrivée")

    # an address someone bookmarked before the rename still answers
    page.goto(f"{base}/p/programme-de-la-journee")
    expect(page).to_have_url(f"{base}/p/deroule-de-la-journee")

    # "[[Programme de la journée]]" written on the welcome page still leads to it
    page.goto(f"{base}/p/bienvenue")
    link = page.locator(".markdown-body").get_by_role("link", name="Programme de la journée")
    expect(link).not_to_have_class("wikilink wikilink-missing")
    link.click()
    expect(page).to_have_url(f"{base}/p/deroule-de-la-journee")

    # move "SCIC" out of "Fiches statuts", first at the root of the space
    page.goto(f"{base}/p/scic")
    expect(_tree(page).locator("li li").get_by_role("link", name="SCIC")).to_be_visible()
    page.get_by_role("link", name="Déplacer").click()
    page.get_by_label("Ranger sous").select_option(label="— à la racine de l’espace —")
    page.get_by_label("Position parmi les pages voisines (0 = en premier)").fill("0")
    page.screenshot(path=str(screenshot_dir / "page-move-form.png"), full_page=True)
    page.get_by_role("button", name="Déplacer").click()
    expect(page.get_by_text("Page déplacée.")).to_be_visible()
    expect(page).to_have_url(f"{base}/p/scic")
    top_level = _tree(page).locator("> details > [data-tree] > ul > li > a")
    expect(top_level.first).to_have_text("SCIC")
    expect(_tree(page).locator("li li").get_by_role("link", name="SCIC")).to_have_count(0)
    page.goto(f"{base}/p/fiches-statuts")
    page.locator(".markdown-body").get_by_role("link", name="SCIC").click()
    expect(page).to_have_url(f"{base}/p/scic")
    page.screenshot(path=str(screenshot_dir / "page-moved.png"), full_page=True)

    # under one of its own sub-pages: refused on the form itself, which stays usable
    page.goto(f"{base}/p/fiches-statuts/deplacer")
    page.get_by_label("Ranger sous").select_option(label="Association loi 1901")
    page.get_by_role("button", name="Déplacer").click()
    expect(page.locator(".flash-error")).to_have_text(
        "Une page ne peut pas être rangée sous elle-même ni sous l’une de ses sous-pages."
    )
    expect(page.get_by_role("heading", name="Déplacer « Fiches statuts »")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "page-move-refused.png"), full_page=True)
    assert errors == []


def test_trash_and_restore(page: Page, live_server: str, screenshot_dir) -> None:
    errors = collect_errors(page)
    base = live_server + SPACE
    sign_in(page, live_server)
    dialogs: list[str] = []

    def accept(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    page.goto(f"{base}/p/cartographie-des-cooperations")
    page.get_by_role("button", name="Supprimer").click()
    expect(page).to_have_url(f"{base}/")  # the confirmation was answered: it was asked first
    assert dialogs and "corbeille" in dialogs[0]
    expect(
        page.get_by_text("Page « Cartographie des coopérations » mise à la corbeille.")
    ).to_be_visible()
    pages_card = page.locator("section.card").filter(has_text="Les pages")
    expect(pages_card.get_by_role("link", name="Cartographie des coopérations")).to_have_count(0)

    # links to it now offer to write it again, and its address is gone
    page.goto(f"{base}/p/bienvenue")
    link = page.locator(".markdown-body").get_by_role("link", name="Cartographie des coopérations")
    expect(link).to_have_class("wikilink wikilink-missing")
    response = page.goto(f"{base}/p/cartographie-des-cooperations")
    assert response is not None and response.status == 404

    page.goto(f"{base}/")
    page.get_by_role("link", name="Corbeille").click()
    expect(page.get_by_role("heading", level=1, name="Corbeille")).to_be_visible()
    row = page.locator("li.row").filter(has_text="Cartographie des coopérations")
    expect(row).to_contain_text("supprimée le")
    page.screenshot(path=str(screenshot_dir / "trash.png"), full_page=True)
    row.get_by_role("button", name="Restaurer").click()
    expect(page).to_have_url(f"{base}/p/cartographie-des-cooperations")
    expect(page.get_by_text("Page « Cartographie des coopérations » restaurée.")).to_be_visible()
    expect(page.locator(".markdown-body")).to_contain_text("Groupement d'achat")
    page.goto(f"{base}/corbeille")
    expect(page.get_by_text("La corbeille est vide.")).to_be_visible()
    assert errors == []


def _assert_page_beside_sidebar(page: Page) -> None:
    """On a wide screen the page sits right of the page tree, at full width, even under
    a flash message (which once took the sidebar's grid cell and squeezed the page)."""
    sidebar = page.get_by_role("complementary", name="Pages de l’espace").bounding_box()
    article = page.locator("article.page").bounding_box()
    assert sidebar and article
    assert article["x"] > sidebar["x"] + sidebar["width"]
    assert article["width"] > 600
    assert abs(article["y"] - sidebar["y"]) < 5


RICH_PAGE = """Compte rendu de la matinée.

## Tour de table
| Structure | Statut | Salarié·es |
|---|---|--:|
| Les Jardins partagés | association | 4 |
| Coop'Énergie | SCIC | 12 |

## Suites à donner
- [x] Partager les photos du Métaplan
- [ ] Relire la fiche [[Convention de partenariat]]

## Questions ouvertes
Qui porte le bail du local ?
"""


def test_rich_page_missing_link_and_backlinks(page: Page, live_server: str, screenshot_dir) -> None:
    errors = collect_errors(page)
    base = live_server + SPACE
    sign_in(page, live_server)
    page.goto(f"{base}/nouvelle-page")
    page.get_by_label("Titre", exact=True).fill("Retours de la matinée")
    page.get_by_role("button", name="Créer la page").click()  # then its live editor
    expect(page.get_by_text("Page créée.")).to_be_visible()
    page.get_by_label("Texte").fill(RICH_PAGE)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page).to_have_url(f"{base}/p/retours-de-la-matinee")
    _assert_page_beside_sidebar(page)

    body = page.locator(".markdown-body")
    table = body.get_by_role("table")
    expect(table.get_by_role("columnheader")).to_have_text(["Structure", "Statut", "Salarié·es"])
    expect(table.get_by_role("row")).to_have_count(3)
    expect(table.get_by_role("cell", name="12")).to_have_css("text-align", "right")
    boxes = body.get_by_role("checkbox")
    expect(boxes).to_have_count(2)
    expect(boxes.first).to_be_checked()
    expect(boxes.nth(1)).not_to_be_checked()

    toc = page.get_by_role("navigation", name="Sommaire")
    expect(toc.get_by_role("link")).to_have_text(
        ["Tour de table", "Suites à donner", "Questions ouvertes"]
    )
    toc.get_by_role("link", name="Questions ouvertes").click()
    assert page.url.endswith("#questions-ouvertes")
    expect(page.get_by_role("heading", level=2, name="Questions ouvertes")).to_be_in_viewport()
    page.screenshot(path=str(screenshot_dir / "page-rich.png"), full_page=True)

    missing = body.get_by_role("link", name="Convention de partenariat")
    expect(missing).to_have_class("wikilink wikilink-missing")
    missing.click()
    expect(page.get_by_role("heading", level=1, name="Nouvelle page")).to_be_visible()
    expect(page.get_by_label("Titre", exact=True)).to_have_value("Convention de partenariat")
    page.get_by_role("button", name="Créer la page").click()
    page.get_by_label("Texte").fill("Coopérer **sans créer** de nouvelle structure.")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page).to_have_url(f"{base}/p/convention-de-partenariat")

    backlinks = page.locator("section.backlinks")
    expect(backlinks.get_by_role("heading", name="Pages qui citent celle-ci")).to_be_visible()
    expect(backlinks.get_by_role("link")).to_have_text(["Retours de la matinée"])
    page.screenshot(path=str(screenshot_dir / "page-backlinks.png"), full_page=True)
    backlinks.get_by_role("link", name="Retours de la matinée").click()
    expect(body.get_by_role("link", name="Convention de partenariat")).to_have_class("wikilink")
    assert errors == []
