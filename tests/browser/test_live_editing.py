"""Live co-editing in Chromium: two people at once, offline edits (kept across a reload),
a reader following along."""

from __future__ import annotations

import json
import time

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]
VIEW = "/s/cooperer-sur-le-territoire-accompagnement-dla/p/bienvenue"
EDIT = VIEW + "/modifier"
TEXT = "window.cercleEditor && window.cercleEditor.ytext.toString()"  # CSP: no eval, use "() =>"
#: the browser's copy of the page (IndexedDB), read back as text
KEPT = """() => new Promise((resolve, reject) => {
  const { persistence, doc } = window.cercleEditor
  const request = persistence.db.transaction('updates', 'readonly').objectStore('updates').getAll()
  request.onerror = reject
  request.onsuccess = () => {
    const copy = new doc.constructor()
    for (const update of request.result) window.cercleEditor.applyUpdate(copy, update)
    resolve(copy.getText('content').toString())
  }
})"""


def open_editor(browser: Browser, base: str, role: str, errors: list[str], **size) -> Page:
    context = browser.new_context(viewport=size or {"width": 1280, "height": 900})
    page = context.new_page()
    watch(page, errors)
    sign_in(page, base, role)
    page.goto(base + EDIT)
    expect(page.locator("[data-live-status]")).to_have_text("en ligne")
    page.wait_for_function("() => window.cercleEditor && window.cercleEditor.connection.synced")
    return page


def watch(page: Page, errors: list[str]) -> None:
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)


def real(errors: list[str]) -> list[str]:
    """The errors, less Chromium's own line for each reconnection tried while offline."""
    return [e for e in errors if "net::ERR_INTERNET_DISCONNECTED" not in e]


def text(page: Page) -> str:
    return page.evaluate(f"() => {TEXT}")


def wait_text(page: Page, js_condition: str) -> None:
    page.wait_for_function(f"() => {{ const t = {TEXT}; return t !== null && ({js_condition}) }}")


def stored_markdown(page: Page, base: str, *needles: str, timeout: float = 10) -> str:
    """The page's Markdown as the API returns it, once it has every needle (written back
    from the live document within a second)."""
    page_id = page.locator("[data-live-editor]").get_attribute("data-page-id")
    deadline = time.monotonic() + timeout
    while True:
        response = page.request.get(f"{base}/api/v1/pages/{page_id}")
        assert response.ok
        markdown = response.json()["markdown"]
        if all(n in markdown for n in needles) or time.monotonic() > deadline:
            return markdown
        time.sleep(0.2)


def test_two_people_type_at_once(browser: Browser, live_server: str, screenshot_dir) -> None:
    errors: list[str] = []
    camille = open_editor(browser, live_server, "animateur·rice", errors)
    sami = open_editor(browser, live_server, "participant·e", errors)
    pages = [camille, sami]
    expect(camille.locator("[data-live-presence]")).to_contain_text("2 personnes sur cette page")
    camille.locator(".cm-content").click()
    camille.keyboard.press("Control+Home")
    sami.locator(".cm-content").click()
    sami.keyboard.press("Control+End")
    camille.keyboard.type("Météo d'arrivée : ", delay=15)
    sami.keyboard.type("\nNoël à la coopérative ✓", delay=15)
    for page in pages:
        wait_text(page, "t.includes('Noël à la coopérative ✓')")
        wait_text(page, 't.startsWith("Météo d\'arrivée : ")')
    assert text(camille) == text(sami)
    expect(camille.locator(".cm-ySelectionInfo")).to_contain_text("Sami Benali")
    expect(sami.locator(".cm-ySelectionInfo")).to_contain_text("Camille Martin")
    expect(camille.locator("[data-live-preview]")).to_contain_text("Noël à la coopérative")
    camille.screenshot(path=str(screenshot_dir / "live-two-editors.png"))
    # the page view reads the live text (written back within a second), without saving
    viewer = camille.context.new_page()
    viewer.goto(live_server + VIEW)
    expect(viewer.locator(".markdown-body")).to_contain_text("Noël à la coopérative")
    assert real(errors) == []


def test_offline_edits_merge_when_back(browser: Browser, live_server: str, screenshot_dir) -> None:
    errors: list[str] = []
    camille = open_editor(browser, live_server, "animateur·rice", errors)
    sami = open_editor(browser, live_server, "participant·e", errors)
    camille.context.set_offline(True)
    expect(camille.locator("[data-live-status]")).to_have_text("hors ligne")
    expect(camille.locator(".live-note-kept")).to_be_visible()  # not "keep this tab open"
    expect(camille.locator(".live-note-tab")).to_be_hidden()
    assert camille.evaluate("() => window.cercleEditor.connection.socket.connected") is False
    expect(sami.locator("[data-live-presence]")).to_contain_text("1 personne sur cette page")
    # away, Camille sees nobody else (not Sami frozen where he was)
    presence = camille.locator("[data-live-presence]")
    expect(presence).to_have_text("1 personne sur cette pageCamille Martin")

    camille.locator(".cm-content").click()
    camille.keyboard.press("Control+End")
    camille.keyboard.type("\nÉcrit dans le train, sans réseau.", delay=10)
    sami.locator(".cm-content").click()
    sami.keyboard.press("Control+Home")
    sami.keyboard.type("Relu en ligne. ", delay=10)
    camille.screenshot(path=str(screenshot_dir / "live-offline.png"))
    # the Save button would lead to the browser's error page: refused, with a reason
    camille.get_by_role("button", name="Enregistrer").click()
    expect(camille.locator("[data-live-error]")).to_contain_text("Hors ligne")
    assert "Relu en ligne" not in text(camille)
    assert "sans réseau" not in text(sami)

    camille.context.set_offline(False)
    expect(camille.locator("[data-live-status]")).to_have_text("en ligne")
    expect(camille.locator("[data-live-note]")).to_be_hidden()
    expect(camille.locator("[data-live-error]")).to_have_text("")
    for page in (camille, sami):
        wait_text(page, "t.startsWith('Relu en ligne. ') && t.endsWith('sans réseau.')")
    assert text(camille) == text(sami)
    stored = stored_markdown(sami, live_server, "Relu en ligne.", "sans réseau.")
    assert stored.startswith("Relu en ligne. ") and stored.endswith("sans réseau.")
    assert stored.count("sans réseau") == 1
    assert real(errors) == []


def test_offline_edit_survives_closing_the_page(browser: Browser, live_server: str) -> None:
    errors: list[str] = []
    camille = open_editor(browser, live_server, "animateur·rice", errors)
    context = camille.context
    context.set_offline(True)
    expect(camille.locator("[data-live-status]")).to_have_text("hors ligne")
    camille.locator(".cm-content").click()
    camille.keyboard.press("Control+End")
    camille.keyboard.type("\nNoté hors ligne, page fermée.", delay=10)
    # in IndexedDB (a read after the writes sees them) before the page goes
    camille.wait_for_function(f"async () => (await ({KEPT})()).includes('page fermée.')")
    # the copy of an older page that had the same id (database reset): dropped at next visit
    stale = camille.evaluate(
        """() => new Promise((resolve) => {
          const key = document.querySelector('[data-live-editor]').dataset.localKey
          const [app, id, , user] = key.split(':')
          const name = [app, id, '20200101T000000000000', user].join(':')
          const request = indexedDB.open(name)
          request.onsuccess = () => { request.result.close(); resolve(name) }
        })"""
    )
    camille.close()
    context.set_offline(False)

    for _visit in range(2):  # the second visit merges the kept copy again: still once
        page = context.new_page()
        watch(page, errors)
        page.goto(live_server + EDIT)
        expect(page.locator("[data-live-status]")).to_have_text("en ligne")
        wait_text(page, "t.includes('Noté hors ligne, page fermée.')")
        page.wait_for_function("() => window.cercleEditor.connection.synced")
        assert text(page).count("Noté hors ligne") == 1
        gone = "async (stale) => !(await indexedDB.databases()).some((d) => d.name === stale)"
        page.wait_for_function(gone, arg=stale)
        assert stored_markdown(page, live_server, "page fermée.").count("Noté hors ligne") == 1
        page.close()
    assert real(errors) == []


def test_reader_follows_without_editing(browser: Browser, live_server: str, screenshot_dir) -> None:
    errors: list[str] = []
    camille = open_editor(browser, live_server, "animateur·rice", errors)
    reader = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    watch(reader, errors)
    sign_in(reader, live_server, "lecteur·rice")
    reader.goto(live_server + VIEW)
    expect(reader.locator("[data-live-status]")).to_have_text("en ligne")
    reader.wait_for_function("() => window.cercleViewer && window.cercleViewer.connection.synced")
    expect(reader.get_by_role("link", name="Modifier", exact=True)).to_have_count(0)
    expect(reader.locator(".cm-content")).to_have_count(0)
    writers = reader.locator("[data-live-presence]")
    expect(writers).to_have_text("Modifie cette page :Camille Martin")

    camille.locator(".cm-content").click()
    camille.keyboard.press("Control+End")
    camille.keyboard.type("\n\nAnnonce : la réunion commence à 14 h.", delay=10)
    expect(reader.locator("#page-body")).to_contain_text("la réunion commence à 14 h.")
    reader.screenshot(path=str(screenshot_dir / "live-reader-phone.png"), full_page=True)

    # the server refuses a reader's change, even one made by hand in the console
    reader.evaluate("() => window.cercleViewer.ytext.insert(0, 'PIRATE ')")
    camille.keyboard.type(" Fin.", delay=10)
    expect(reader.locator("#page-body")).to_contain_text("14 h. Fin.")
    assert "PIRATE" not in text(camille)
    assert "PIRATE" not in stored_markdown(camille, live_server, "14 h. Fin.")
    response = reader.request.get(live_server + EDIT)
    assert response.status == 403
    assert real(errors) == []


def test_the_page_view_follows_with_viewer_js_not_the_editor(
    browser: Browser, live_server: str, screenshot_dir
) -> None:
    errors: list[str] = []
    camille = open_editor(browser, live_server, "animateur·rice", errors)
    viewer = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    watch(viewer, errors)
    scripts: list[str] = []
    viewer.on("request", lambda r: scripts.append(r.url) if r.resource_type == "script" else None)
    sign_in(viewer, live_server, "participant·e")
    viewer.goto(live_server + VIEW)
    expect(viewer.locator("[data-live-status]")).to_have_text("en ligne")
    viewer.wait_for_function("() => window.cercleViewer && window.cercleViewer.connection.synced")
    assert [u for u in scripts if "/static/dist/viewer." in u], scripts
    assert not [u for u in scripts if "/static/dist/editor." in u], scripts
    assert viewer.evaluate("() => typeof window.cercleEditor") == "undefined"

    camille.locator(".cm-content").click()
    camille.keyboard.press("Control+End")
    camille.keyboard.type("\n\n## Ordre du jour\n\nTour de table à 9 h 30.", delay=10)
    expect(viewer.locator("#page-body h2", has_text="Ordre du jour")).to_be_visible()
    expect(viewer.locator("#page-body")).to_contain_text("Tour de table à 9 h 30.")
    viewer.screenshot(path=str(screenshot_dir / "live-viewer-js.png"), full_page=True)
    assert real(errors) == []


def new_paragraph(page: Page) -> None:
    """The caret on a fresh paragraph at the end (as after clicking below the text)."""
    page.evaluate(
        """() => { const { view } = window.cercleEditor; const end = view.state.doc.length
        view.dispatch({ changes: { from: end, insert: '\\n\\n' }, selection: { anchor: end + 2 } })
        view.focus() }"""
    )


def test_toolbar_writes_markdown_on_a_phone(
    browser: Browser, live_server: str, screenshot_dir
) -> None:
    errors: list[str] = []
    page = open_editor(browser, live_server, "animateur·rice", errors, width=390, height=844)
    tool = page.get_by_role("toolbar", name="Mise en forme")
    picker = page.locator("[data-live-picker]")
    page.locator(".cm-content").click()

    new_paragraph(page)
    page.keyboard.type("mot")
    page.keyboard.press("Shift+Control+ArrowLeft")
    tool.get_by_role("button", name="Gras").click()
    wait_text(page, "t.endsWith('\\n\\n**mot**')")

    new_paragraph(page)
    page.keyboard.type("Objectifs")
    tool.get_by_role("button", name="Titre").click()
    wait_text(page, "t.endsWith('\\n\\n## Objectifs')")

    new_paragraph(page)
    page.keyboard.type("un")
    tool.get_by_role("button", name="Liste").click()
    page.keyboard.press("End")
    page.keyboard.type("\ndeux")  # Enter continues the list: "- deux"
    tool.get_by_role("button", name="Case à cocher").click()  # the item becomes a task
    wait_text(page, "t.endsWith('\\n\\n- un\\n- [ ] deux')")

    new_paragraph(page)
    page.keyboard.type("le site")
    page.keyboard.press("Shift+Home")
    tool.get_by_role("button", name="Lien", exact=True).click()
    expect(picker).to_be_visible()
    expect(picker.get_by_role("heading")).to_have_text("Insérer un lien")
    picker.get_by_label("Adresse du lien").fill("https://example.org/coop")
    picker.get_by_label("Adresse du lien").press("Enter")  # inserts; never submits the page
    wait_text(page, "t.endsWith('\\n\\n[le site](https://example.org/coop)')")
    expect(picker).to_be_hidden()

    new_paragraph(page)
    tool.get_by_role("button", name="Lien vers une page").click()
    expect(picker.get_by_role("button", name="Programme de la journée")).to_be_visible()
    expect(picker.get_by_role("button", name="Insérer")).to_be_hidden()  # a page, no address
    page.screenshot(path=str(screenshot_dir / "live-phone-page-picker.png"))
    picker.get_by_placeholder("Filtrer…").fill("progr")
    expect(picker.get_by_role("button", name="SCIC")).to_be_hidden()
    picker.get_by_placeholder("Filtrer…").press("Enter")  # the first left
    wait_text(page, "t.endsWith('\\n\\n[[Programme de la journée]]')")

    new_paragraph(page)
    tool.get_by_role("button", name="Image").click()
    choice = picker.get_by_role("button", name="Carte des coopérations du territoire")
    expect(choice.locator("img")).to_have_js_property("complete", True)
    page.screenshot(path=str(screenshot_dir / "live-phone-image-picker.png"))
    choice.click()
    wait_text(page, r"/\n\n!\[Carte des coopérations du territoire\]\(\/s\/[^)]+\)$/.test(t)")

    new_paragraph(page)
    tool.get_by_role("button", name="Tableau").click()
    page.keyboard.type("Structure")  # the first heading cell is selected
    wait_text(page, "t.includes('\\n\\n| Structure | Colonne 2 |\\n|---|---|\\n| … | … |\\n')")
    assert page.url.endswith("/modifier")  # nothing submitted the page's form
    page.screenshot(path=str(screenshot_dir / "live-phone-toolbar.png"), full_page=True)

    tool.get_by_role("button", name="Aperçu").click()
    preview = page.locator("[data-live-preview]")
    expect(preview.get_by_role("heading", name="Objectifs")).to_be_visible()
    expect(preview.locator("img[alt='Carte des coopérations du territoire']")).to_have_js_property(
        "naturalWidth", 160
    )
    expect(preview.get_by_role("link", name="le site")).to_have_attribute(
        "href", "https://example.org/coop"
    )
    expect(preview.locator("table")).to_contain_text("Structure")
    expect(page.locator(".cm-content")).to_be_hidden()
    expect(tool.get_by_role("button", name="Gras")).to_be_hidden()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(screenshot_dir / "live-phone-preview.png"), full_page=True)
    tool.get_by_role("button", name="Revenir au texte").click()
    expect(page.locator(".cm-content")).to_be_visible()
    expect(tool.get_by_role("button", name="Gras")).to_be_visible()
    expect(preview).to_be_hidden()
    assert real(errors) == []


def test_quick_save_before_the_editor_caught_up_keeps_the_text(
    page: Page, live_server: str
) -> None:
    """Saving (a new title) before the live document arrived must not send an empty text."""
    errors: list[str] = []
    watch(page, errors)
    sign_in(page, live_server)
    page.route_web_socket("**/socket.io/**", lambda ws: None)  # open, but the server never talks
    page.goto(live_server + EDIT)
    expect(page.locator("[data-live-editor]")).to_be_visible()
    assert page.evaluate("() => window.cercleEditor.connection.synced") is False
    page.get_by_label("Titre", exact=True).fill("Bienvenue à toutes et tous")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1, name="Bienvenue à toutes et tous")).to_be_visible()
    expect(page.locator(".markdown-body")).to_contain_text("Avant la journée")
    assert real(errors) == []


def test_text_over_the_size_cap_is_refused_in_words_and_taken_back(
    browser: Browser, live_server: str
) -> None:
    """The server refuses an update that takes the page over 500,000 characters; the editor
    says so, takes the paste back, and what is typed next is stored as usual."""
    errors: list[str] = []
    camille = open_editor(browser, live_server, "animateur·rice", errors)
    sami = open_editor(browser, live_server, "participant·e", errors)
    before = text(camille)
    paste = "{ changes: { from: 0, insert: 'x'.repeat(600000) } }"  # 600,000 characters
    camille.evaluate(f"() => window.cercleEditor.view.dispatch({paste})")
    error = camille.locator("[data-live-error]")
    expect(error).to_contain_text("dépasse")
    expect(error).to_contain_text("caractères")
    wait_text(camille, f"t === {json.dumps(before)}")  # taken back
    camille.locator(".cm-content").click()
    camille.keyboard.press("Control+Home")
    camille.keyboard.type("Après le refus : ", delay=15)
    for page in (camille, sami):
        wait_text(page, "t.startsWith('Après le refus : ')")
    markdown = stored_markdown(camille, live_server, "Après le refus : ")
    assert markdown.startswith("Après le refus : ") and "xxxxxxxxxx" not in markdown
    assert "xxxxxxxxxx" not in text(sami)
    assert real(errors) == []
