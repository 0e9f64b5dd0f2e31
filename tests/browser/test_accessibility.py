"""axe-core on every page people use, the skip link, and the focus ring's contrast.

One server and one signed-in browser context per role for the whole module. A new page
(questionnaires…) is one more line in ``PAGES``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from wiki import accounts, demo, invitations, page_trash, pages, password_resets, spaces

from .conftest import serve, sign_in

pytestmark = pytest.mark.browser

AXE = Path(__file__).parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SPACE = "/s/cooperer-sur-le-territoire-accompagnement-dla"
PAGE = SPACE + "/p/cartographie-des-cooperations"
ANONYMOUS, FACILITATOR, READER, ADMIN = None, "animateur·rice", "lecteur·rice", "admin"
ADMIN_LOGIN = ("admin@demo.cercle.test", "administrons-2026")
#: what the page waits for before axe looks at it (the live editor builds itself)
LIVE = ("[data-live-status][data-state=online]", ".live-cm .cm-content")
BOARD = SPACE + "/p/metaplan-ce-qui-nous-freine-pour-cooperer"
BOARD_READY = ("[data-board] .card",)
MAP_LIVE = "[data-mindmap].is-live[data-renders]"  # the mind map, drawn live


class Check(NamedTuple):
    who: str | None
    path: str  # ``{invitation}``, ``{invitation_id}``: an invitation made for this module
    ready: tuple[str, ...] = ()  # selectors the page shows once it is built
    status: int = 200
    phone: bool = False  # 390 x 844, where the layout folds into one column


#: Every page people use, as each role sees it.
PAGES: list[Check] = [
    Check(ANONYMOUS, "/"),
    Check(ANONYMOUS, "/connexion"),
    Check(ANONYMOUS, "/rejoindre/{invitation}"),
    Check(ANONYMOUS, "/page-introuvable", status=404),
    Check(FACILITATOR, "/"),
    Check(FACILITATOR, "/espaces/nouveau"),
    Check(FACILITATOR, "/profil"),
    Check(FACILITATOR, SPACE + "/"),
    Check(FACILITATOR, SPACE + "/parametres"),
    Check(FACILITATOR, SPACE + "/membres"),
    Check(FACILITATOR, SPACE + "/invitations/{invitation_id}"),
    Check(FACILITATOR, PAGE),
    Check(FACILITATOR, PAGE + "/modifier", LIVE),
    Check(FACILITATOR, PAGE + "/deplacer"),
    Check(FACILITATOR, PAGE + "/historique"),
    Check(FACILITATOR, PAGE + "/comparer?de=1&a=2", (".diff",)),
    Check(FACILITATOR, PAGE + "/versions/1"),
    Check(FACILITATOR, SPACE + "/nouvelle-page"),
    Check(FACILITATOR, SPACE + "/modifications"),
    Check(FACILITATOR, SPACE + "/reorganiser", ("[data-reorg][data-ready]",)),
    Check(FACILITATOR, SPACE + "/reorganiser", ("[data-reorg][data-ready]",), phone=True),
    Check(FACILITATOR, SPACE + "/memoire", ("[data-builder][data-ready]",)),
    Check(FACILITATOR, SPACE + "/memoire", ("[data-builder][data-ready]",), phone=True),
    Check(FACILITATOR, SPACE + "/memoire/credit"),
    Check(READER, SPACE + "/memoire"),
    Check(FACILITATOR, SPACE + "/exports"),
    Check(FACILITATOR, SPACE + "/exports", phone=True),
    Check(FACILITATOR, SPACE + "/memoire/apercu"),
    Check(FACILITATOR, SPACE + "/corbeille", (".row",)),
    Check(FACILITATOR, SPACE + "/ressources/"),
    Check(FACILITATOR, SPACE + "/ressources/?etiquette=statuts"),
    Check(FACILITATOR, SPACE + "/ressources/ajouter?type=fichier"),
    Check(FACILITATOR, SPACE + "/ressources/ajouter?type=lien"),
    Check(FACILITATOR, "/recherche?q=coopération", (".search-hit",)),
    Check(
        FACILITATOR, "/recherche?q=coopération&space=" + SPACE.removeprefix("/s/"), (".search-hit",)
    ),
    Check(FACILITATOR, "/recherche?q=zzzintrouvable"),
    Check(READER, PAGE),
    Check(READER, PAGE + "/modifier", status=403),
    Check(ADMIN, "/admin/personnes"),
    Check(ANONYMOUS, "/connexion", phone=True),
    Check(FACILITATOR, SPACE + "/", phone=True),
    Check(FACILITATOR, PAGE, phone=True),
    Check(FACILITATOR, PAGE + "/modifier", LIVE, phone=True),
    Check(FACILITATOR, SPACE + "/ressources/", phone=True),
    Check(FACILITATOR, "/recherche?q=coopération", (".search-hit",), phone=True),
    # page kinds (issue 10): the picker, a sheet, the comparison, the admin's templates
    Check(FACILITATOR, SPACE + "/nouvelle-page?type=experience"),
    Check(FACILITATOR, SPACE + "/nouvelle-page", phone=True),
    Check(FACILITATOR, SPACE + "/p/scic", (".page-head",)),
    Check(FACILITATOR, SPACE + "/comparer/fiche_statut", (".compare-table",)),
    Check(READER, SPACE + "/comparer/fiche_statut", (".compare-table",)),
    Check(READER, SPACE + "/comparer/fiche_statut", ("[data-compare-position]",), phone=True),
    Check(ADMIN, "/admin/modeles"),
    Check(ADMIN, "/admin/modeles/fiche_statut"),
    # issue 11: importing a zip of Markdown pages into a space
    Check(FACILITATOR, SPACE + "/importer"),
    Check(FACILITATOR, SPACE + "/importer", phone=True),
    # issue 12: sessions and tokens in the profile, an admin's password-reset link
    Check(FACILITATOR, "/profil", phone=True),
    Check(ANONYMOUS, "/mot-de-passe/{reset}"),
    Check(ANONYMOUS, "/mot-de-passe/{reset}", phone=True),
    # the Métaplan board (the demo's, at the voting step) and its projector view
    Check(FACILITATOR, BOARD, BOARD_READY),
    Check(FACILITATOR, BOARD, BOARD_READY, phone=True),
    Check(READER, BOARD, BOARD_READY),
    Check(READER, "/metaplan/{board_id}/projecteur", BOARD_READY),
    # the mind map (the demo's Cartographie is one), once its live map is drawn
    Check(FACILITATOR, PAGE, (MAP_LIVE, *LIVE)),
    Check(READER, PAGE, (MAP_LIVE, *LIVE)),
    Check(FACILITATOR, PAGE, (MAP_LIVE,), phone=True),  # the text is in another tab
    # issue 11: archiving (the confirmation), the archive page, duplicating, the journal
    Check(FACILITATOR, SPACE + "/archiver"),
    Check(FACILITATOR, SPACE + "/archiver", phone=True),
    Check(FACILITATOR, SPACE + "/archive"),
    Check(FACILITATOR, SPACE + "/dupliquer"),
    Check(FACILITATOR, SPACE + "/dupliquer", phone=True),
    Check(ADMIN, "/admin/journal"),
]

PLACEHOLDERS: dict[str, str] = {}


def _prepare(_app) -> None:
    """An invitation, a page in the trash and an administrator, so their pages show something."""
    facilitator = accounts.find_by_email(demo.logins()[FACILITATOR][0])
    space = spaces.get_space(facilitator, SPACE.removeprefix("/s/"))
    invitation = invitations.create_invitation(facilitator, space, "participant")
    email, password = ADMIN_LOGIN
    admin = accounts.create_user(email, "Alex Admin", password, is_admin=True)
    reader = accounts.find_by_email(demo.logins()[READER][0])
    _person, reset = password_resets.issue(admin, reader.id)
    PLACEHOLDERS.update(invitation=invitation.token, invitation_id=str(invitation.id), reset=reset)
    board, _moved = pages.find_by_slug(space, BOARD.rsplit("/", 1)[1])
    PLACEHOLDERS["board_id"] = str(board.id)
    draft = pages.create_page(facilitator, space, "Brouillon à jeter", "Un essai.")
    page_trash.delete_page(facilitator, draft)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[str]:
    with serve(tmp_path_factory.mktemp("a11y"), prepare=_prepare) as url:
        yield url


@pytest.fixture(scope="module")
def contexts(browser: Browser, site: str) -> Iterator[dict[str | None, BrowserContext]]:
    """One context per role, signed in once; CSP bypassed so axe's script can be injected."""
    made: dict[str | None, BrowserContext] = {}
    for role in (ANONYMOUS, FACILITATOR, READER, ADMIN):
        context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
        if role:
            page = context.new_page()
            sign_in(page, site, role, ADMIN_LOGIN if role == ADMIN else None)
            page.close()
        made[role] = context
    yield made
    for context in made.values():
        context.close()


def axe_violations(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => {
          const result = await axe.run(document, { resultTypes: ['violations'] })
          return result.violations.map(v => `${v.impact} ${v.id}: ${v.help} — ` +
            v.nodes.map(n => n.target.join(' ')).join(', '))
        }"""
    )
    return list(found)


@pytest.mark.skipif(not AXE.exists(), reason="node_modules absent (npm ci installs axe-core)")
@pytest.mark.parametrize(
    "check",
    PAGES,
    ids=[f"{c.who or 'anonyme'} {c.path}{' phone' if c.phone else ''}" for c in PAGES],
)
def test_no_axe_violation(contexts, site, check: Check) -> None:
    page = contexts[check.who].new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    if check.phone:
        page.set_viewport_size({"width": 390, "height": 844})
    try:
        response = page.goto(site + check.path.format(**PLACEHOLDERS))
        assert response is not None and response.status == check.status
        for selector in check.ready:
            page.wait_for_selector(selector)
        assert axe_violations(page) == []
        assert errors == []
    finally:
        page.close()


def _refused_sign_in(page: Page, site: str) -> None:
    page.goto(site + "/connexion")
    page.get_by_label("Adresse e-mail").fill("personne@exemple.test")
    page.get_by_label("Mot de passe").fill("pas-le-bon-mot-de-passe")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_selector(".flash-error")


def _page_picker_open(page: Page, site: str) -> None:
    page.goto(site + PAGE + "/modifier")
    for selector in LIVE:
        page.wait_for_selector(selector)
    page.get_by_role("button", name="Lien vers une page").click()
    page.wait_for_selector("[data-live-picker][open] [data-picker-list] li")


def _suggestions_open(page: Page, site: str) -> None:
    page.goto(site + SPACE + "/")
    page.locator("#topbar-q").fill("coop")
    page.wait_for_selector("#topbar-suggestions li")


def _token_created(page: Page, site: str) -> None:
    page.goto(site + "/profil")
    page.get_by_label("Nom du nouveau jeton").fill("Script d’export")
    page.get_by_role("button", name="Créer un jeton").click()
    page.wait_for_selector("#f-new-token")


def _reset_link_issued(page: Page, site: str) -> None:
    page.goto(site + "/admin/personnes")
    name = "Créer un lien de nouveau mot de passe pour Alex Admin"
    page.get_by_role("button", name=name).click()
    page.wait_for_selector("#f-link")


#: (who, how to reach a state a page only shows after someone did something)
STATES = {
    "sign-in refused": (ANONYMOUS, _refused_sign_in),
    "API token just created": (FACILITATOR, _token_created),
    "password-reset link issued": (ADMIN, _reset_link_issued),
    "page picker open": (FACILITATOR, _page_picker_open),
    "search suggestions open": (FACILITATOR, _suggestions_open),
}


@pytest.mark.skipif(not AXE.exists(), reason="node_modules absent (npm ci installs axe-core)")
@pytest.mark.parametrize("state", STATES)
def test_no_axe_violation_in_these_states(contexts, site, state: str) -> None:
    who, reach = STATES[state]
    page = contexts[who].new_page()
    try:
        reach(page, site)
        assert axe_violations(page) == []
    finally:
        page.close()


# --- keyboard: the skip link and the focus ring -----------------------------------------

#: For each focusable element shown: its ring (outline) and, just outside the ring on each
#: side, the colour actually painted there (the first opaque background under that point).
RINGS = """() => {
  const opaque = c => c && c !== 'transparent' && !/rgba\\(.*,\\s*0\\)$/.test(c)
  const paintedAt = (x, y, self) => {
    if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) return null
    for (const hit of document.elementsFromPoint(x, y)) {
      if (self.contains(hit)) continue
      for (let n = hit; n; n = n.parentElement) {
        const bg = getComputedStyle(n).backgroundColor
        if (opaque(bg)) return bg
      }
      return 'rgb(255, 255, 255)'
    }
    return null
  }
  const shown = el => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden'
  const found = []
  const targets = [...document.querySelectorAll('a[href], button, input:not([type=hidden]), ' +
    'select, textarea, summary, [tabindex="0"]')]
  // the live editor: CodeMirror in the shadow root of .live-cm, which wears the ring
  for (const host of document.querySelectorAll('.live-cm')) {
    const content = host.shadowRoot && host.shadowRoot.querySelector('.cm-content')
    if (content) targets.push(content)
  }
  for (const el of targets) {
    if (!shown(el) || el.disabled || el.getAttribute('tabindex') === '-1') continue
    el.scrollIntoView({ block: 'center' })
    el.focus()
    const host = el.getRootNode().host
    if (document.activeElement !== (host || el)) continue
    const ringed = host || el
    const style = getComputedStyle(ringed)
    const r = ringed.getBoundingClientRect()
    const out = parseFloat(style.outlineOffset) + parseFloat(style.outlineWidth) + 2
    const sides = [[r.left - out, r.top + r.height / 2], [r.right + out, r.top + r.height / 2],
                   [r.left + r.width / 2, r.top - out], [r.left + r.width / 2, r.bottom + out]]
    found.push({
      what: (host ? 'live editor ' : '') + el.outerHTML.slice(0, 90),
      style: style.outlineStyle, width: parseFloat(style.outlineWidth), color: style.outlineColor,
      behind: sides.map(([x, y]) => paintedAt(x, y, ringed)).filter(Boolean),
    })
  }
  return found
}"""

#: pages and their backgrounds: top bar (ink), page grey, white cards and panes, tables,
#: chips, flash messages, the editor, the search page
RING_PAGES = [
    PAGE,
    SPACE + "/",
    PAGE + "/modifier",
    PAGE + "/historique",
    SPACE + "/ressources/",
    SPACE + "/membres",
    "/recherche?q=coopération",
]


def rgb(css: str) -> tuple[float, float, float]:
    parts = css[css.index("(") + 1 : css.index(")")].split(",")
    return tuple(float(p) for p in parts[:3])  # type: ignore[return-value]


def luminance(color: tuple[float, float, float]) -> float:
    def channel(v: float) -> float:
        v /= 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(v) for v in color)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(rgb(a)), luminance(rgb(b))), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_focus_ring_stands_out_everywhere(contexts, site) -> None:
    """WCAG 1.4.11: the ring has 3:1 against whatever is painted next to it."""
    page = contexts[FACILITATOR].new_page()
    weak: list[str] = []
    try:
        for path in RING_PAGES:
            page.goto(site + path)
            if path.endswith("/modifier"):
                for selector in LIVE:
                    page.wait_for_selector(selector)
            page.keyboard.press("Shift")  # keyboard modality: focus() shows :focus-visible
            rings = page.evaluate(RINGS)
            assert len(rings) > 5, path
            if path.endswith("/modifier"):  # the live editor's text was measured too
                assert any(ring["what"].startswith("live editor") for ring in rings)
            for ring in rings:
                ratios = [contrast(ring["color"], behind) for behind in ring["behind"]]
                if ring["style"] == "none" or ring["width"] < 2 or min(ratios, default=0) < 3:
                    weak.append(
                        f"{path} {ring['what']} {ring['style']} {ring['color']} on {ring['behind']}"
                    )
    finally:
        page.close()
    assert not weak, "\n".join(weak)


def test_skip_link_moves_focus_to_the_content(contexts, site) -> None:
    page = contexts[FACILITATOR].new_page()
    try:
        page.goto(site + PAGE)
        page.keyboard.press("Tab")
        skip = page.get_by_role("link", name="Aller au contenu")
        expect(skip).to_be_focused()
        expect(skip).to_be_in_viewport()
        page.keyboard.press("Enter")
        expect(page.locator("main#contenu")).to_be_focused()
        page.keyboard.press("Tab")  # the next stop is inside the content, past the menus
        assert page.evaluate(
            "() => document.querySelector('main').contains(document.activeElement)"
        )
    finally:
        page.close()
