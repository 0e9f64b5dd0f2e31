"""A facilitator opens a space, invites by link (with its QR code), a newcomer joins from a
second browser, and the facilitator changes that person's role on the members page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import collect_errors, sign_in

pytestmark = pytest.mark.browser

TITLE = "Mutualiser à Évreux — été 2026"


def _open_space(page: Page, base: str) -> str:
    page.goto(f"{base}/")
    page.get_by_role("link", name="Ouvrir un espace").click()
    page.get_by_label("Titre de l’accompagnement").fill(TITLE)
    page.get_by_label("Description").fill("Trois associations étudient un local partagé.")
    page.get_by_label("Premier jour d’atelier").fill("2026-06-18")
    page.get_by_label("Dernier jour d’atelier").fill("2026-06-19")
    page.get_by_label("Lisible par toute personne qui a le lien").check()
    page.get_by_role("button", name="Ouvrir l’espace").click()
    expect(page.get_by_text("Espace créé. Invitez maintenant les participant·es.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/s/mutualiser-a-evreux-ete-2026/membres$"))
    return page.url.removesuffix("membres")


def _create_invitation(page: Page, screenshot_dir) -> str:
    invite = page.locator("section").filter(
        has=page.get_by_role("heading", name="Inviter par lien")
    )
    invite.get_by_label("Rôle", exact=True).select_option(label="Participant·e")
    invite.get_by_label("Valable (jours)").fill("7")
    invite.get_by_label("Nombre d’utilisations (vide : illimité)").fill("25")
    invite.get_by_role("button", name="Créer le lien").click()
    expect(page.get_by_role("heading", name=f"Rejoignez « {TITLE} »")).to_be_visible()
    expect(page.get_by_text("Utilisable 25 fois.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Valable jusqu’au \d{1,2} \S+ 20\d\d\."))).to_be_visible()
    qr = page.get_by_role("img", name="QR code du lien d’invitation")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 100")
    link = page.get_by_label("Lien d’invitation").input_value()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/rejoindre/[\w-]+", link)
    page.screenshot(path=str(screenshot_dir / "invitation-qr.png"), full_page=True)
    return link


def test_open_space_invite_join_and_change_role(
    page: Page, browser: Browser, live_server: str, screenshot_dir
) -> None:
    errors = collect_errors(page)
    sign_in(page, live_server)
    space_url = _open_space(page, live_server)
    page.screenshot(path=str(screenshot_dir / "space-members-new.png"), full_page=True)
    link = _create_invitation(page, screenshot_dir)

    # the newcomer scans the QR code: a phone, and no account yet
    newcomer_context = browser.new_context(viewport={"width": 390, "height": 844})
    newcomer = newcomer_context.new_page()
    newcomer_errors = collect_errors(newcomer)
    try:
        newcomer.goto(link)
        assert newcomer.evaluate("document.documentElement.scrollWidth") <= 390
        expect(newcomer.get_by_role("heading", name=f"Rejoindre « {TITLE} »")).to_be_visible()
        expect(newcomer.get_by_text("Vous serez participant·e.")).to_be_visible()
        newcomer.get_by_label("Votre nom (tel que les autres le verront)").fill("Léa Dupré")
        newcomer.get_by_label("Adresse e-mail").fill("lea.dupre@example.org")
        newcomer.get_by_label("Choisissez un mot de passe").fill("coopérons-ensemble")
        newcomer.screenshot(path=str(screenshot_dir / "join-form.png"), full_page=True)
        newcomer.get_by_role("button", name="Rejoindre l’espace").click()
        expect(newcomer).to_have_url(space_url)
        expect(newcomer.get_by_text(f"Bienvenue dans l'espace « {TITLE} » !")).to_be_visible()
        expect(newcomer.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
        expect(newcomer.get_by_text("Atelier : 18 juin 2026 – 19 juin 2026")).to_be_visible()
        # a participant writes pages but does not manage the space
        expect(newcomer.get_by_role("link", name="Nouvelle page")).to_be_visible()
        expect(newcomer.get_by_role("link", name="Membres et invitations")).to_have_count(0)
        assert newcomer.evaluate("document.documentElement.scrollWidth") <= 390
        newcomer.screenshot(path=str(screenshot_dir / "join-landed.png"), full_page=True)
    finally:
        newcomer_context.close()

    page.goto(f"{space_url}membres")
    expect(page.get_by_text("utilisé 1 fois / 25")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Léa Dupré")
    expect(row.get_by_label("Rôle de Léa Dupré")).to_have_value("participant")
    row.get_by_label("Rôle de Léa Dupré").select_option(label="Lecteur·rice")
    row.get_by_role("button", name="Changer").click()
    expect(page.get_by_text("Rôle modifié.")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Léa Dupré")
    expect(row.get_by_label("Rôle de Léa Dupré")).to_have_value("reader")
    page.screenshot(path=str(screenshot_dir / "members-role-changed.png"), full_page=True)
    assert errors == [] and newcomer_errors == []


def test_public_space_is_readable_without_account(
    page: Page, browser: Browser, live_server: str
) -> None:
    errors = collect_errors(page)
    sign_in(page, live_server)
    space_url = _open_space(page, live_server)

    anonymous_context = browser.new_context()
    anonymous = anonymous_context.new_page()
    try:
        anonymous.goto(space_url)
        expect(anonymous.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
        expect(anonymous.get_by_role("link", name="Nouvelle page")).to_have_count(0)
    finally:
        anonymous_context.close()
    assert errors == []


def test_last_facilitator_cannot_step_down(page: Page, live_server: str, screenshot_dir) -> None:
    errors = collect_errors(page)
    sign_in(page, live_server)
    _open_space(page, live_server)
    row = page.get_by_role("row").filter(has_text="Camille Martin")
    row.get_by_label("Rôle de Camille Martin").select_option(label="Participant·e")
    row.get_by_role("button", name="Changer").click()
    expect(page.get_by_text("Un espace garde au moins un·e animateur·rice.")).to_be_visible()
    # the refusal is said on the members page itself, not on a dead-end error page
    expect(page.get_by_role("heading", name="Membres et invitations")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Camille Martin")
    expect(row.get_by_label("Rôle de Camille Martin")).to_have_value("facilitator")
    page.screenshot(path=str(screenshot_dir / "members-last-facilitator.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_role("link", name="Accueil").click()
    page.get_by_role("link", name="Membres et invitations").click()
    page.screenshot(path=str(screenshot_dir / "members-phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert errors == []
