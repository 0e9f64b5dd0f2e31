"""The static site's files: relative links only, files copied, the mind map and the
comparison drawn in, a search index any page loads, credit consent honoured."""

from __future__ import annotations

import json
import re
from pathlib import Path

from wiki import credits

from .conftest import build_site

LINK = re.compile(r'(?:href|src)="([^"]*)"')


def html_files(site: Path) -> dict[str, str]:
    return {str(p.relative_to(site)): p.read_text() for p in site.rglob("*.html")}


def test_every_link_is_relative_and_resolves(personas, site_sample, tmp_path):
    site = build_site(site_sample, tmp_path)
    files = html_files(site)
    assert {"index.html", "pages/accueil.html", "pages/nos-idees.html", "pages/scic.html"} <= set(
        files
    )
    assert (site / "fichiers" / "plan-du-site.png").read_bytes()[:4] == b"\x89PNG"
    for name, html in files.items():
        assert "<script>" not in html and " style=" not in html
        for target in LINK.findall(html):
            if target.startswith(("https://www.avise.org", "#")):
                continue  # the resource's own link; anchors
            assert "://" not in target and not target.startswith("/"), (name, target)
            path = (site / name).parent / target.split("#")[0]
            assert path.exists(), (name, target)
    home = files["pages/accueil.html"]
    assert 'href="statuts.html"' in home and 'href="scic.html#finalite"' in home
    assert 'src="../fichiers/plan-du-site.png"' in home


def test_mind_map_comparison_and_resources(personas, site_sample, tmp_path):
    files = html_files(build_site(site_sample, tmp_path))
    assert "<svg" in files["pages/nos-idees.html"] and "Confiance" in files["pages/nos-idees.html"]
    table = files["pages/tableau-comparatif-fiche-statut.html"]
    assert "<table" in table and "Fiche association" in table and "SCIC" in table
    assert "<strong>coopérative</strong>" in table
    listed = files["pages/ressources.html"]
    assert 'href="../fichiers/compte-rendu.pdf"' in listed and "https://www.avise.org" in listed


def test_search_index_is_a_script_with_folded_text(personas, site_sample, tmp_path):
    site = build_site(site_sample, tmp_path)
    script = (site / "static" / "search-index.js").read_text()
    assert script.startswith("window.CERCLE_SITE_INDEX = ") and script.endswith(";\n")
    entries = json.loads(script.removeprefix("window.CERCLE_SITE_INDEX = ").removesuffix(";\n"))
    by_title = {entry["t"]: entry for entry in entries}
    assert "une association cooperative" in by_title["Tableau comparatif – Fiche statut"]["x"]
    assert all((site / entry["u"]).is_file() for entry in entries)
    assert all(entry["x"] == entry["x"].lower() for entry in entries)


def test_credit_consent_in_the_site(personas, site_sample, tmp_path):
    credits.set_consent(personas.participant, site_sample.space, "initials", "La Coop")
    credits.set_consent(personas.facilitator, site_sample.space, "none")
    files = html_files(build_site(site_sample, tmp_path))
    everything = "".join(files.values())
    assert "Camille" not in everything and "Sami" not in everything
    assert "Écrit par S. P." in files["pages/scic.html"]
    assert "S. P. (La Coop)" in files["index.html"]
    assert "Dominique Lectrice" in files["index.html"]  # never chose: full name
