"""The questionnaire builder in Chromium: create, add questions, reorder by keyboard (focus
kept), autosave, preview as a participant sees it, then a participant answers on a phone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import serve, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SPACE = "/s/cooperer-sur-le-territoire-accompagnement-dla"


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    with serve(tmp_path_factory.mktemp("questionnaire-builder")) as url:
        yield url


def watch(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return errors


def person(browser: Browser, base: str, role: str, **viewport) -> tuple[Page, list[str]]:
    context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900})
    page = context.new_page()
    errors = watch(page)
    sign_in(page, base, role)
    return page, errors


def add_question(page: Page, type_label: str, label: str) -> None:
    page.get_by_label("Ajouter une question").select_option(label=type_label)
    page.get_by_role("button", name="Ajouter", exact=True).click()
    title = page.locator("[data-b-question]").last.get_by_label("Intitulé de la question")
    expect(title).to_be_focused()
    title.fill(label)


def saved(page: Page) -> None:
    expect(page.locator("[data-b-status]")).to_have_text("Enregistré")
    page.wait_for_function("() => window.cercleBuilder.pending() === 0")


def labels(page: Page) -> list[str]:
    return page.locator("[data-b-question] [data-b-field=label]").evaluate_all(
        "(inputs) => inputs.map((i) => i.value)"
    )


def test_build_reorder_preview_answer(browser: Browser, server: str, screenshot_dir) -> None:
    camille, errors = person(browser, server, "animateur·rice")
    camille.goto(server + SPACE + "/nouveau-questionnaire")
    camille.get_by_label("Titre").fill("Météo d’arrivée")
    camille.get_by_label("Questionnaire vide").check()
    camille.get_by_role("button", name="Créer et construire").click()
    expect(camille.get_by_role("heading", name="Météo d’arrivée")).to_be_visible()

    add_question(camille, "Réponse courte", "Votre prénom")
    camille.locator("[data-b-question]").last.get_by_label("Réponse obligatoire").check()
    add_question(camille, "Choix unique", "Comment arrivez-vous ?")
    options = camille.locator("[data-b-question]").last.get_by_label("Propositions, une par ligne")
    options.fill("En forme\nFatigué·e\nCurieux·se")
    add_question(camille, "Échelle (1 à 5…)", "Votre énergie")
    saved(camille)
    assert labels(camille) == ["Votre prénom", "Comment arrivez-vous ?", "Votre énergie"]

    # keyboard: Alt+↑ twice on the last question's label; the focus stays in that field
    energy = camille.locator("[data-b-question]").last.get_by_label("Intitulé de la question")
    energy.focus()
    camille.keyboard.press("Alt+ArrowUp")
    camille.keyboard.press("Alt+ArrowUp")
    expect(camille.locator("[data-b-question] [data-b-field=label]").first).to_be_focused()
    assert labels(camille) == ["Votre énergie", "Votre prénom", "Comment arrivez-vous ?"]
    expect(camille.locator("[data-b-announce]")).to_have_text(
        "Question déplacée en position 1 sur 3."
    )
    # the "Descendre" button of the first question: focus stays on the button
    down = camille.locator("[data-b-question]").first.get_by_role("button", name="Descendre")
    down.click()
    expect(
        camille.locator("[data-b-question]").nth(1).get_by_role("button", name="Descendre")
    ).to_be_focused()
    assert labels(camille) == ["Votre prénom", "Votre énergie", "Comment arrivez-vous ?"]
    saved(camille)

    camille.reload()  # the order and every field were stored
    assert labels(camille) == ["Votre prénom", "Votre énergie", "Comment arrivez-vous ?"]
    expect(
        camille.locator("[data-b-question]").nth(2).get_by_label("Propositions, une par ligne")
    ).to_have_value("En forme\nFatigué·e\nCurieux·se")
    camille.get_by_role("button", name="Aperçu").click()
    preview = camille.locator("[data-b-preview-pane]")
    expect(preview.get_by_text("Aperçu : c’est ce que voient")).to_be_visible()
    expect(preview.locator(".q-label")).to_have_text(
        ["1. Votre prénom (obligatoire)", "2. Votre énergie", "3. Comment arrivez-vous ?"]
    )
    expect(preview.get_by_label("Curieux·se")).to_be_visible()
    camille.screenshot(
        path=str(screenshot_dir / "questionnaire-builder-preview.png"), full_page=True
    )
    camille.get_by_role("button", name="Revenir à la construction").click()
    camille.screenshot(path=str(screenshot_dir / "questionnaire-builder.png"), full_page=True)
    page_url = camille.get_by_role("link", name="Répondre").get_attribute("href")

    sami, sami_errors = person(browser, server, "participant·e", width=390, height=844)
    sami.goto(server + page_url)
    send = sami.get_by_role("button", name="Envoyer mes réponses")
    send.click()  # nothing filled: refused in place, announced, focus on the question
    expect(sami.locator("[data-q-alert]")).to_contain_text("Des réponses manquent")
    expect(sami.get_by_label("1. Votre prénom (obligatoire)")).to_be_focused()
    expect(sami.get_by_label("1. Votre prénom (obligatoire)")).to_have_attribute(
        "aria-invalid", "true"
    )
    sami.get_by_label("1. Votre prénom (obligatoire)").fill("Sami")
    sami.locator("label.q-point", has_text="4").click()
    sami.get_by_label("Curieux·se").check()
    sami.screenshot(path=str(screenshot_dir / "questionnaire-answer-phone.png"), full_page=True)
    send.click()
    expect(
        sami.get_by_role("heading", name="Merci, vos réponses sont enregistrées.")
    ).to_be_visible()
    sami.get_by_role("link", name="Modifier mes réponses").click()
    expect(sami.get_by_label("1. Votre prénom (obligatoire)")).to_have_value("Sami")
    expect(sami.get_by_label("Curieux·se")).to_be_checked()
    assert errors == [] and sami_errors == []


def test_two_facilitators_do_not_overwrite_each_other(browser: Browser, server: str) -> None:
    camille, errors = person(browser, server, "animateur·rice")
    camille.goto(server + SPACE + "/nouveau-questionnaire")
    camille.get_by_label("Titre").fill("Inscription à deux mains")
    camille.get_by_role("button", name="Créer et construire").click()
    add_question(camille, "Réponse courte", "Votre structure")
    saved(camille)
    other = camille.context.new_page()  # the same facilitator's second tab: another builder
    other_errors = watch(other)
    other.goto(camille.url)
    camille.get_by_label("Intitulé de la question").fill("Votre structure (nom complet)")
    saved(camille)
    label = other.get_by_label("Intitulé de la question")
    label.fill("Votre association")  # typed on the version from before Camille's change
    label.blur()
    status = other.locator("[data-b-status]")
    expect(status).to_contain_text("Une autre personne vient de modifier la question 1")
    expect(label).to_have_value("Votre structure (nom complet)")
    camille.reload()
    expect(camille.get_by_label("Intitulé de la question")).to_have_value(
        "Votre structure (nom complet)"
    )
    # the refused save is the browser's console line for the 409, nothing else
    assert errors == [] and [e for e in other_errors if "409 (CONFLICT)" not in e] == []


def test_duplicate_and_delete_keep_numbers_and_focus(
    browser: Browser, server: str, screenshot_dir
) -> None:
    camille, errors = person(browser, server, "animateur·rice")
    camille.goto(server + SPACE + "/nouveau-questionnaire")
    camille.get_by_label("Titre").fill("Évaluation à froid")
    camille.get_by_role("button", name="Créer et construire").click()
    add_question(camille, "Classement (mettre dans l’ordre)", "Vos priorités")
    add_question(camille, "Nuage de mots (1 à 3 mots)", "Trois mots")
    saved(camille)
    first = camille.locator("[data-b-question]").first
    first.get_by_role("button", name="Dupliquer").click()
    expect(camille.locator("[data-b-question]")).to_have_count(3)
    copy_label = camille.locator("[data-b-question]").nth(1).get_by_label("Intitulé de la question")
    expect(copy_label).to_have_value("Vos priorités (copie)")
    expect(copy_label).to_be_focused()
    expect(camille.locator("[data-b-number]")).to_have_text(["1", "2", "3"])
    camille.locator("[data-b-question]").nth(1).get_by_role("button", name="Supprimer").click()
    expect(camille.locator("[data-b-question]")).to_have_count(2)
    expect(camille.locator("[data-b-announce]")).to_have_text("Question supprimée.")
    expect(
        camille.locator("[data-b-question]").nth(1).get_by_label("Intitulé de la question")
    ).to_be_focused()
    words = camille.locator("[data-b-question]").nth(1)
    words.get_by_label("Intitulé de la question").fill("")  # refused here, said next to it
    expect(words.locator("[data-b-error]")).to_have_text(
        "L’intitulé de la question ne peut pas rester vide."
    )
    expect(camille.locator("[data-b-status]")).to_contain_text("Pas enregistré")
    words.get_by_label("Intitulé de la question").fill("Trois mots")
    saved(camille)
    expect(words.locator("[data-b-error]")).to_have_text("")
    camille.reload()
    assert labels(camille) == ["Vos priorités", "Trois mots"]
    camille.get_by_role("button", name="Aperçu").click()
    ranking = camille.locator("[data-b-preview-pane] [data-q-ranking]")
    expect(ranking.get_by_role("button", name="Monter")).to_have_count(3)
    camille.get_by_role("button", name="Revenir à la construction").click()
    camille.set_viewport_size({"width": 390, "height": 844})
    camille.screenshot(path=str(screenshot_dir / "questionnaire-builder-phone.png"), full_page=True)
    assert errors == []


def test_drag_a_question_by_its_handle(browser: Browser, server: str) -> None:
    camille, errors = person(browser, server, "animateur·rice")
    camille.goto(server + SPACE + "/nouveau-questionnaire")
    camille.get_by_label("Titre").fill("À glisser")
    camille.get_by_role("button", name="Créer et construire").click()
    for label in ("Premier", "Deuxième", "Troisième"):
        add_question(camille, "Réponse courte", label)
    saved(camille)
    handle = camille.locator("[data-b-question]").nth(2).locator(".b-handle")
    target = camille.locator("[data-b-question]").first.locator(".b-item-head")
    box, goal = handle.bounding_box(), target.bounding_box()
    assert box and goal
    camille.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    camille.mouse.down()
    for step in range(1, 11):  # SortableJS follows the pointer's moves
        y = box["y"] + (goal["y"] + 4 - box["y"]) * step / 10
        camille.mouse.move(box["x"] + box["width"] / 2, y)
    camille.mouse.up()
    expect(camille.locator("[data-b-number]")).to_have_text(["1", "2", "3"])
    assert labels(camille) == ["Troisième", "Premier", "Deuxième"]
    saved(camille)
    camille.reload()
    assert labels(camille) == ["Troisième", "Premier", "Deuxième"]
    assert errors == []
