"""The resource area: a facilitator uploads a PDF and an image and adds a link, filters them,
shows the image in a page; a participant shares their own; refused files say why, in French."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.search.conftest import pdf_bytes
from wiki import demo

from .conftest import collect_errors, sign_in

pytestmark = pytest.mark.browser

SPACE = "/s/cooperer-sur-le-territoire-accompagnement-dla"
MB = 1024 * 1024
PDF = pdf_bytes("Charte de coopération entre trois associations")
PNG = demo._demo_map_png()


@pytest.fixture
def live_config() -> dict:
    # a small limit, so both refusals (by the service, by Werkzeug) are quick to reach
    return {"UPLOAD_MAX_BYTES": 1 * MB}


def _add_file(page: Page, base: str, name: str, mime: str, data: bytes, **fields: str) -> None:
    page.goto(f"{base}/ressources/")
    page.get_by_role("link", name="Ajouter une ressource").click()
    expect(page.get_by_role("link", name="Un fichier")).to_have_attribute("aria-current", "page")
    page.get_by_label("Fichier", exact=True).set_input_files(
        {"name": name, "mimeType": mime, "buffer": data}
    )
    _fill_and_submit(page, **fields)


def _fill_and_submit(page: Page, title: str = "", description: str = "", tags: str = "") -> None:
    page.get_by_label("Titre", exact=True).fill(title)
    page.get_by_label("Description (facultatif)").fill(description)
    page.get_by_label("Étiquettes (facultatif)").fill(tags)
    page.get_by_role("button", name="Ajouter", exact=True).click()


def _card(page: Page, title: str):
    # a link's heading also says "(lien externe, nouvel onglet)"
    heading = page.get_by_role("heading", name=re.compile(rf"^{re.escape(title)}( \(|$)"))
    return page.locator("li.resource-card").filter(has=heading)


def _expect_titles(page: Page, titles: list[str]) -> None:
    """The resources listed, in order (a link's title also says it opens a new tab)."""
    suffix = r"( \(lien externe, nouvel onglet\))?"
    expect(page.locator(".resource-title")).to_have_text(
        [re.compile(rf"^\s*{re.escape(t)}{suffix}\s*$") for t in titles]
    )


def _unnamed_links(page: Page) -> list[str]:
    """Links a keyboard or screen-reader user reaches that say nothing (e.g. an image
    with alt="" as the only content)."""
    return page.evaluate(
        """() => [...document.querySelectorAll("a[href]")]
            .filter(a => a.tabIndex >= 0 && !a.closest("[aria-hidden=true]"))
            .filter(a => !(a.innerText.trim() || a.getAttribute("aria-label")
                || [...a.querySelectorAll("img[alt]")].some(i => i.alt.trim())))
            .map(a => a.outerHTML)"""
    )


def test_facilitator_adds_filters_and_embeds(page: Page, live_server: str, screenshot_dir) -> None:
    errors = collect_errors(page)
    base = live_server + SPACE
    sign_in(page, live_server)

    _add_file(
        page,
        base,
        "charte-cooperation.pdf",
        "application/pdf",
        PDF,
        title="Charte de coopération",
        description="Le texte signé par les trois associations.",
        tags="statuts, gouvernance",
    )
    expect(page.get_by_text("Ressource « Charte de coopération » ajoutée.")).to_be_visible()
    pdf_card = _card(page, "Charte de coopération")
    expect(pdf_card).to_contain_text("PDF · ")
    expect(pdf_card).to_contain_text("Le texte signé par les trois associations.")
    expect(pdf_card.get_by_role("link", name="gouvernance")).to_be_visible()
    expect(pdf_card.get_by_role("link", name=re.compile("^Télécharger"))).to_be_visible()

    _add_file(
        page,
        base,
        "plan-du-local.png",
        "image/png",
        PNG,
        title="Plan du local partagé",
        tags="mutualisation, local",
    )
    image_card = _card(page, "Plan du local partagé")
    expect(image_card.locator(".resource-thumb img")).to_have_js_property("complete", True)
    assert image_card.locator(".resource-thumb img").evaluate("img => img.naturalWidth") == 160

    page.get_by_role("link", name="Ajouter une ressource").click()
    page.get_by_role("link", name="Un lien").click()
    page.get_by_label("Adresse du lien").fill("https://www.les-scop.coop/")
    _fill_and_submit(page, title="Les Scop", description="Le réseau des Scop.", tags="Statuts")
    expect(page.get_by_text("Ressource « Les Scop » ajoutée.")).to_be_visible()
    expect(_card(page, "Les Scop")).to_contain_text("Lien vers www.les-scop.coop")
    page.screenshot(path=str(screenshot_dir / "resources-list.png"), full_page=True)
    assert _unnamed_links(page) == []

    filters = page.get_by_role("navigation", name="Filtrer les ressources")
    filters.get_by_role("link", name=re.compile(r"^statuts \d")).click()
    _expect_titles(page, ["Les Scop", "Charte de coopération", "Avise — ressources de l'ESS"])
    expect(page.get_by_text("3 ressources · étiquette « statuts »")).to_be_visible()
    filters.get_by_role("link", name="Liens").click()
    _expect_titles(page, ["Les Scop", "Avise — ressources de l'ESS"])
    filters.get_by_role("link", name="Documents").click()
    _expect_titles(page, ["Charte de coopération"])
    filters.get_by_role("link", name="Images").click()
    expect(page.get_by_text("Aucune ressource ne correspond à ce filtre.")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "resources-filter-empty.png"), full_page=True)
    page.get_by_role("link", name="Tout afficher").click()
    filters.get_by_role("link", name="Images").click()
    _expect_titles(page, ["Plan du local partagé", "Carte des coopérations du territoire"])

    snippet = _card(page, "Plan du local partagé").get_by_label(
        "Pour afficher cette image dans une page, copiez :"
    )
    markdown = snippet.input_value()
    assert re.fullmatch(r"!\[Plan du local partagé\]\(/s/[\w-]+/ressources/\d+/fichier\)", markdown)
    page.goto(f"{base}/nouvelle-page")
    page.get_by_label("Titre", exact=True).fill("Le local")
    page.get_by_role("button", name="Créer la page").click()  # then its live editor
    page.get_by_label("Texte").fill(f"Voici le plan :\n\n{markdown}\n")
    page.get_by_role("button", name="Enregistrer").click()
    image = page.locator(".markdown-body").get_by_role("img", name="Plan du local partagé")
    expect(image).to_have_js_property("complete", True)
    assert image.evaluate("img => img.naturalWidth") == 160
    page.screenshot(path=str(screenshot_dir / "page-with-image.png"), full_page=True)
    assert errors == []


def test_participant_shares_an_experience(page: Page, live_server: str, screenshot_dir) -> None:
    errors = collect_errors(page)
    base = live_server + SPACE
    sign_in(page, live_server, "participant·e")
    _add_file(
        page,
        base,
        "notre-experience.md",
        "text/markdown",
        "# Groupement d'employeurs\n\nDeux salariées partagées entre trois structures.\n".encode(),
        title="",  # the file name, without its extension, serves as title
        description="Notre expérience à Bernay.",
        tags="expérience",
    )
    expect(page.get_by_text("Ressource « notre-experience » ajoutée.")).to_be_visible()
    mine = _card(page, "notre-experience")
    expect(mine).to_contain_text("Ajouté par Sami Benali")
    expect(mine.get_by_role("button", name="Supprimer")).to_be_visible()
    # the facilitator's resources are not the participant's to delete
    expect(_card(page, "Avise — ressources de l'ESS").get_by_role("button")).to_have_count(0)
    page.get_by_role("navigation", name="Filtrer les ressources").get_by_role(
        "link", name=re.compile(r"^expérience \d")
    ).click()
    _expect_titles(page, ["notre-experience", "Retour d'expérience — mutualisation d'un local"])
    page.screenshot(path=str(screenshot_dir / "resources-participant.png"), full_page=True)
    assert errors == []


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "rapport.pdf",
            b"MZ\x90\x00\x03\x00\x00\x00 This program cannot be run in DOS mode",
            "Ce type de fichier n'est pas accepté. Formats possibles : PDF",
        ),
        (  # refused by the service while copying
            "gros.pdf",
            b"%PDF-1.4\n" + b"0" * (MB + 10),
            "Le fichier dépasse la taille maximale autorisée (1 Mo).",
        ),
        (  # refused by Werkzeug before the view runs
            "enorme.pdf",
            b"%PDF-1.4\n" + b"0" * (3 * MB),
            "Le fichier dépasse la taille maximale autorisée (1 Mo).",
        ),
    ],
    ids=["fake", "over-limit", "over-request-limit"],
)
def test_refused_files_say_why(
    page: Page, live_server: str, screenshot_dir, name: str, data: bytes, message: str
) -> None:
    errors = collect_errors(page)
    base = live_server + SPACE
    sign_in(page, live_server, "participant·e")
    _add_file(page, base, name, "application/pdf", data, title="Rapport annuel")
    alert = page.locator(".flash-error")
    expect(alert).to_contain_text(message)
    expect(page.get_by_role("heading", name="Ajouter une ressource")).to_be_visible()
    expect(page.get_by_label("Fichier", exact=True)).to_be_visible()
    page.screenshot(path=str(screenshot_dir / f"resources-refused-{name}.png"), full_page=True)
    page.goto(f"{base}/ressources/")
    expect(page.get_by_role("heading", name="Rapport annuel")).to_have_count(0)
    assert errors == []
