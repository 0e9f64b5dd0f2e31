"""The mind map page and its SVG over HTTP: who sees them, the no-JS picture, escaping."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from wiki import pages

SPACE = "/s/cooperer"
OUTLINE = "# Nos coopérations\n\n- Local <partagé>\n  - Salle & bureau\n- Emploi partagé\n"


def make_map(personas, title: str = "Carte des coopérations"):
    return pages.create_page(personas.facilitator, personas.space, title, OUTLINE, kind="mind_map")


def test_the_page_shows_the_live_map_beside_its_outline_editor(personas, client_for):
    page = make_map(personas)
    html = client_for(personas.participant).get(f"{SPACE}/p/{page.slug}").get_data(as_text=True)
    assert "data-mindmap " in html and "data-live-editor" in html
    assert re.search(r'src="/static/dist/mindmap\.[0-9a-f]{12}\.js"', html)
    # the server's SVG is there for people without JavaScript, its texts escaped
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html
    assert "Local &lt;partagé&gt;" in html and "Salle &amp; bureau" in html
    assert "<partagé>" not in html
    assert 'data-act="remove"' in html  # a writer gets the idea's actions


def test_a_reader_gets_the_map_without_actions(personas, client_for):
    page = make_map(personas)
    html = client_for(personas.reader).get(f"{SPACE}/p/{page.slug}").get_data(as_text=True)
    assert "data-mindmap " in html and "Emploi partagé" in html
    for action in ('data-act="add"', 'data-act="rename"', 'data-act="remove"'):
        assert action not in html


def test_the_svg_address_serves_the_same_map(personas, client_for):
    page = make_map(personas)
    response = client_for(personas.reader).get(f"{SPACE}/p/{page.slug}/carte.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    root = ET.fromstring(response.get_data(as_text=True))
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert sorted(texts) == [
        "Emploi partagé",
        "Local <partagé>",
        "Nos coopérations",
        "Salle & bureau",
    ]


def test_the_svg_is_for_members_and_mind_maps_only(personas, client_for, anonymous):
    page = make_map(personas)
    plain = pages.create_page(personas.facilitator, personas.space, "Une page", "- a\n")
    assert client_for(personas.outsider).get(f"{SPACE}/p/{page.slug}/carte.svg").status_code in (
        403,
        404,
    )
    assert anonymous.get(f"{SPACE}/p/{page.slug}/carte.svg").status_code in (302, 401, 403, 404)
    reader = client_for(personas.reader)
    assert reader.get(f"{SPACE}/p/{plain.slug}/carte.svg").status_code == 404
    assert reader.get(f"{SPACE}/p/introuvable/carte.svg").status_code == 404
