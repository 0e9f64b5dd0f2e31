"""Security: headers, cookies, CSRF, open redirects, and no server error for junk input."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import quote, urlsplit

import pytest
from sqlalchemy import func, select

from tests.conftest import PASSWORD
from wiki import invitations, pages
from wiki.db import db
from wiki.models import Invitation, Membership, Page, Space, User

SERVER_ERROR = "Une erreur inattendue s'est produite."
HUGE = "99999999999999999999"


def text_of(response) -> str:
    return unescape(response.get_data(as_text=True))


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


@pytest.fixture
def programme(personas) -> Page:
    return pages.create_page(personas.facilitator, personas.space, "Programme", "Le déroulé.")


@pytest.fixture
def invitation(personas) -> Invitation:
    return invitations.create_invitation(personas.facilitator, personas.space, "participant")


# --- headers ----------------------------------------------------------------------


def assert_security_headers(response) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert directives.get("frame-ancestors") == ["'none'"]
    assert directives.get("default-src") == ["'self'"]
    assert directives.get("object-src") == ["'none'"]
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy") in (
        "same-origin",
        "no-referrer",
        "strict-origin-when-cross-origin",
        "strict-origin",
    )


@pytest.mark.parametrize(
    ("who", "url", "status"),
    [
        (None, "/connexion", 200),
        ("participant", "/", 200),
        ("participant", "/s/cooperer/", 200),
        ("participant", "/s/cooperer/p/programme", 200),
        ("participant", "/s/cooperer/p/programme/modifier", 200),
        ("participant", "/s/cooperer/p/programme/historique", 200),
        ("participant", "/s/cooperer/modifications", 200),
        ("facilitator", "/s/cooperer/membres", 200),
        ("participant", "/profil", 200),
        (None, "/rejoindre/{token}", 200),
        ("participant", "/s/cooperer/p/introuvable", 404),
        ("reader", "/s/cooperer/p/programme/modifier", 403),
        ("participant", "/s/cooperer/p/programme/comparer?de=abc", 400),
    ],
)
def test_security_headers_on_html_responses(
    personas, client_for, programme, invitation, who, url, status
):
    client = client_for(getattr(personas, who) if who else None)
    response = client.get(url.format(token=invitation.token))
    assert response.status_code == status
    assert response.mimetype == "text/html"
    assert_security_headers(response)


def test_security_headers_on_redirects_and_feeds(personas, client_for, anonymous, programme):
    assert_security_headers(anonymous.get("/s/cooperer/"))  # 302 to sign in
    assert_security_headers(client_for(personas.reader).get("/s/cooperer/modifications.atom"))


def test_session_cookie_is_httponly_and_samesite_lax(personas, anonymous):
    form = anonymous.get("/connexion").get_data(as_text=True)
    assert 'name="email"' in form and 'name="password"' in form
    response = anonymous.post(
        "/connexion", data={"email": "part@cercle.test", "password": PASSWORD}
    )
    assert response.status_code == 302
    cookies = {c.split("=", 1)[0]: c for c in response.headers.getlist("Set-Cookie")}
    assert "session" in cookies
    for name in ("session", "remember_token"):
        attributes = [a.strip().lower() for a in cookies[name].split(";")[1:]]
        assert "httponly" in attributes, name
        assert "samesite=lax" in attributes, name
    assert PASSWORD not in " ".join(cookies.values())


# --- CSRF --------------------------------------------------------------------------


def csrf_token_in(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the form"
    return match.group(1)


class TestCsrf:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "WTF_CSRF_ENABLED": True}

    def test_post_without_token_is_refused_and_writes_nothing(self, personas, client_for):
        client = client_for(personas.facilitator)
        response = client.post(
            "/s/cooperer/nouvelle-page", data={"title": "Sans jeton", "markdown": "x"}
        )
        assert response.status_code == 400
        assert "Le formulaire a expiré. Rechargez la page et recommencez." in text_of(response)
        assert count(Page) == 0

    def test_post_with_the_form_token_goes_through(self, personas, client_for):
        client = client_for(personas.facilitator)
        token = csrf_token_in(client.get("/s/cooperer/nouvelle-page").get_data(as_text=True))
        response = client.post(
            "/s/cooperer/nouvelle-page",
            data={"title": "Avec jeton", "markdown": "x", "csrf_token": token},
        )
        assert response.status_code == 302
        assert count(Page) == 1

    def test_token_of_another_session_is_refused(self, personas, client_for):
        other = client_for(personas.participant)
        token = csrf_token_in(other.get("/s/cooperer/nouvelle-page").get_data(as_text=True))
        response = client_for(personas.facilitator).post(
            "/s/cooperer/nouvelle-page",
            data={"title": "Volé", "markdown": "x", "csrf_token": token},
        )
        assert response.status_code == 400
        assert count(Page) == 0

    @pytest.mark.parametrize(
        ("who", "url", "data"),
        [
            (None, "/connexion", {"email": "part@cercle.test", "password": PASSWORD}),
            (
                "facilitator",
                "/s/cooperer/membres",
                {"email": "dehors@cercle.test", "role": "reader"},
            ),
            ("facilitator", "/s/cooperer/invitations", {"role": "facilitator"}),
            ("facilitator", "/s/cooperer/parametres", {"title": "Détourné"}),
            ("participant", "/profil", {"name": "Détourné", "color": "#000000"}),
            (None, "/langue", {"locale": "en"}),
            ("participant", "/deconnexion", {}),
        ],
    )
    def test_every_form_needs_the_token(self, personas, client_for, who, url, data):
        client = client_for(getattr(personas, who) if who else None)
        before = (count(Membership), count(Invitation), count(User))
        response = client.post(url, data=data)
        assert response.status_code == 400
        assert "Le formulaire a expiré" in text_of(response)
        assert (count(Membership), count(Invitation), count(User)) == before
        db.session.expire_all()
        assert personas.space.title == "Coopérer sur le territoire"
        assert personas.participant.name == "Sami Participant"

    def test_join_without_token_creates_no_account(self, personas, client_for, invitation):
        response = client_for(None).post(
            f"/rejoindre/{invitation.token}",
            data={"name": "Nadia", "email": "nadia@asso.example", "password": "solidaire-2026"},
        )
        assert response.status_code == 400
        assert count(User) == 5 and invitation.uses == 0


# --- open redirects ----------------------------------------------------------------


def as_a_browser_reads_it(location: str) -> str:
    """Browsers drop tabs and newlines in URLs and read backslashes as slashes."""
    return re.sub(r"[\t\n\r]", "", location).replace("\\", "/")


def assert_stays_on_site(location: str) -> None:
    seen = as_a_browser_reads_it(location.strip())
    parts = urlsplit(seen)
    assert parts.scheme in ("", "http", "https"), location
    assert parts.netloc in ("", "cercle.test"), location
    assert not seen.startswith("//"), location


EVIL_NEXT = [
    "//evil.example",
    "//evil.example/connexion",
    "https://evil.example",
    "http:evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    " //evil.example",
    "javascript:alert(1)",
    "///evil.example",
]


@pytest.mark.parametrize("target", EVIL_NEXT)
def test_sign_in_never_redirects_off_site(personas, anonymous, target):
    page = anonymous.get("/connexion?next=" + quote(target, safe=""))
    assert page.status_code == 200
    response = anonymous.post(
        "/connexion", data={"email": "part@cercle.test", "password": PASSWORD, "next": target}
    )
    assert response.status_code == 302
    assert_stays_on_site(response.headers["Location"])
    # already signed in, the sign-in page redirects at once
    again = anonymous.get("/connexion?next=" + quote(target, safe=""))
    assert again.status_code == 302
    assert_stays_on_site(again.headers["Location"])


@pytest.mark.parametrize("target", EVIL_NEXT)
def test_language_switch_never_redirects_off_site(anonymous, target):
    response = anonymous.post("/langue", data={"locale": "en", "next": target})
    assert response.status_code == 302
    assert_stays_on_site(response.headers["Location"])


def test_local_next_is_kept(personas, anonymous):
    response = anonymous.post(
        "/connexion",
        data={
            "email": "part@cercle.test",
            "password": PASSWORD,
            "next": "/s/cooperer/p/programme?x=1",
        },
    )
    assert response.headers["Location"] == "/s/cooperer/p/programme?x=1"


# --- junk input never makes a server error -------------------------------------------

JUNK_GETS = [
    "/s/inconnu/",
    "/s/cooperer/p/inconnue",
    "/s/cooperer/p/inconnue/historique",
    "/s/cooperer/p/programme/comparer?de=abc",
    "/s/cooperer/p/programme/comparer?a=abc",
    "/s/cooperer/p/programme/comparer?de=-3&a=0",
    f"/s/cooperer/p/programme/comparer?de={HUGE}",
    f"/s/cooperer/p/programme/comparer?de=1&a={HUGE}",
    "/s/cooperer/p/programme/comparer?de=%00",
    f"/s/cooperer/p/programme/versions/{HUGE}",
    "/s/cooperer/p/programme/versions/abc",
    f"/s/cooperer/p/id/{HUGE}",
    "/s/cooperer/p/id/abc",
    f"/s/{HUGE}/",
    "/s/²/",
    "/s/%00/",
    "/s/cooperer/p/%00",
    "/s/cooperer/p/%00/historique",
    "/s/" + "a" * 5000 + "/",
    "/s/cooperer/p/" + "a" * 5000,
    "/rejoindre/" + "x" * 5000,
    "/rejoindre/%00",
    f"/s/cooperer/invitations/{HUGE}",
    f"/s/cooperer/invitations/{HUGE}/qr.svg",
    "/s/cooperer/nouvelle-page?titre=%00&parent=abc",
    "/s/cooperer/nouvelle-page?titre=" + "t" * 5000,
    "/connexion?next=%00",
    "/s/cooperer/modifications.atom?x=%00",
]


@pytest.mark.parametrize("url", JUNK_GETS)
@pytest.mark.parametrize("who", ["facilitator", "anonymous"])
def test_junk_urls_never_fail_with_500(personas, client_for, programme, who, url):
    client = client_for(None if who == "anonymous" else personas.facilitator)
    response = client.get(url)
    assert response.status_code < 500, url
    assert SERVER_ERROR not in text_of(response)


JUNK_POSTS = [
    ("/s/cooperer/nouvelle-page", {}),
    ("/s/cooperer/nouvelle-page", {"title": "Page", "parent_id": HUGE}),
    ("/s/cooperer/nouvelle-page", {"title": "Page", "parent_id": "-1"}),
    ("/s/cooperer/nouvelle-page", {"title": "Page", "parent_id": "abc"}),
    (
        "/s/cooperer/nouvelle-page",
        {"title": "Titre\x00nul", "markdown": "x\x00y", "message": "m\x00"},
    ),
    ("/s/cooperer/nouvelle-page", {"title": "t" * 5000, "markdown": "x"}),
    ("/s/cooperer/nouvelle-page", {"title": "Page", "message": "m" * 5000}),
    ("/s/cooperer/p/programme/modifier", {}),
    ("/s/cooperer/p/programme/modifier", {"title": "Programme", "base_revision": "abc"}),
    ("/s/cooperer/p/programme/modifier", {"title": "Programme", "base_revision": HUGE}),
    ("/s/cooperer/p/programme/modifier", {"title": "\x00", "markdown": "x"}),
    ("/s/cooperer/p/programme/deplacer", {"parent_id": "abc"}),
    ("/s/cooperer/p/programme/deplacer", {"parent_id": HUGE}),
    ("/s/cooperer/p/programme/deplacer", {"parent_id": "", "position": HUGE}),
    ("/s/cooperer/p/programme/deplacer", {"parent_id": "", "position": "-5"}),
    (f"/s/cooperer/corbeille/{HUGE}/restaurer", {}),
    (f"/s/cooperer/p/programme/versions/{HUGE}/restaurer", {}),
    ("/s/cooperer/membres", {}),
    ("/s/cooperer/membres", {"email": "\x00@x.fr", "role": "reader"}),
    (f"/s/cooperer/membres/{HUGE}", {"action": "remove"}),
    ("/s/cooperer/membres/2", {"action": "role"}),
    ("/s/cooperer/invitations", {}),
    ("/s/cooperer/invitations", {"role": "reader", "days": HUGE, "max_uses": HUGE}),
    (f"/s/cooperer/invitations/{HUGE}/revoquer", {}),
    ("/s/cooperer/parametres", {}),
    ("/s/cooperer/parametres", {"title": "Ok\x00", "description": "\x00"}),
    ("/s/cooperer/parametres", {"title": "Ok", "starts_on": "2026-02-30"}),
    ("/s/cooperer/parametres", {"title": "Ok", "starts_on": "99999-01-01"}),
    ("/espaces/nouveau", {}),
    ("/espaces/nouveau", {"title": "\x00"}),
    ("/connexion", {}),
    ("/connexion", {"email": "\x00", "password": "x"}),
    ("/connexion", {"email": "a" * 5000, "password": "x" * 5000}),
    ("/profil", {}),
    ("/profil", {"name": "\x00", "color": "#123456"}),
    ("/langue", {}),
    ("/rejoindre/{token}", {}),
    (
        "/rejoindre/{token}",
        {"name": "Nadia\x00", "email": "nadia\x00@asso.example", "password": "x\x00" * 5},
    ),
    (
        "/rejoindre/%00",
        {"name": "Nadia", "email": "nadia@asso.example", "password": "solidaire-2026"},
    ),
]


@pytest.mark.parametrize(("url", "data"), JUNK_POSTS)
def test_junk_forms_never_fail_with_500(personas, client_for, programme, invitation, url, data):
    response = client_for(personas.facilitator).post(url.format(token=invitation.token), data=data)
    assert response.status_code < 500, (url, data)
    assert SERVER_ERROR not in text_of(response)


@pytest.mark.parametrize(("url", "data"), JUNK_POSTS)
def test_junk_forms_from_a_newcomer_never_fail_with_500(
    personas, client_for, invitation, url, data
):
    response = client_for(None).post(url.format(token=invitation.token), data=data)
    assert response.status_code < 500, (url, data)


def test_nul_bytes_are_never_stored(personas, client_for, programme):
    client = client_for(personas.facilitator)
    client.post("/s/cooperer/nouvelle-page", data={"title": "Titre\x00nul", "markdown": "x\x00y"})
    stored = db.session.scalars(select(Page.title)).all()
    assert all("\x00" not in title for title in stored)
    assert count(Space) == 1
