"""The PDF of a small mémoire: its text (pypdf) and its first pages as pictures (pdftoppm)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from wiki import export_pdf, memoire
from wiki.typography_fr import NBSP, NNBSP

PDFTOPPM = shutil.which("pdftoppm") or "/usr/bin/pdftoppm"


def test_links_to_pages_of_the_memoire_lead_to_their_chapter(app, personas, filled):
    with app.test_request_context():
        html = export_pdf.print_html(personas.space, memoire.effective_selection(personas.space))
    chapter = html.split('aria-labelledby="section-')[1:]
    mind_map = next(part for part in chapter if "Carte des idées</h1>" in part)
    anchor = "section-" + mind_map.split('"', 1)[0]
    assert 'href="/s/cooperer/p/carte-des-idees"' not in html
    assert f'href="#{anchor}"' in html


def _build(app, space, out: Path) -> PdfReader:
    steps: list[int] = []
    with app.test_request_context():
        export_pdf.build(space, memoire.effective_selection(space), out, steps.append)
    assert steps == sorted(steps) and steps[-1] == 99
    return PdfReader(out)


def test_the_pdf_has_its_cover_contents_typography_and_credits(app, personas, filled, tmp_path):
    out = tmp_path / "memoire.pdf"
    reader = _build(app, personas.space, out)
    pages = [page.extract_text() for page in reader.pages]
    text = "\n".join(pages)
    assert "Coopérer sur le territoire" in pages[0]  # the cover
    toc = reader.pages[1].extract_text(extraction_mode="layout")
    for entry in ("Sommaire", "Présentation générale", "Carte des idées", "Ressources"):
        assert entry in toc
    assert "Tableau comparatif" in toc
    # accented text and French spaces (not inside code)
    assert "Été, coopération" in text
    assert f"coopération{NBSP}: «{NBSP}oui{NBSP}»{NNBSP}!" in text
    assert f"Vraiment{NNBSP}?" in text and f"Oui{NNBSP}; d'accord" in text
    assert "code : garde ?" in text
    # running header and page numbers, from the second page on
    assert "Coopérer sur le territoire" in pages[2] and f"page 3 / {len(pages)}" in pages[2]
    # bookmarks from the headings
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "Présentation générale" in titles and "Sommaire" in titles
    # credit consent: full name, initials, nobody
    assert "Sami Participant" in text and "Coop Énergie" in text
    assert "C. D." in text and "La Fabrique" in text
    assert "Claire Durand" not in text
    assert "Zoé" not in text and "Invisible" not in text
    # the mind map is vector (its words are text in the PDF)
    assert "Solaire" in text and "Éolien" in text
    assert any(page.images for page in reader.pages)  # the uploaded image, read from disk
    # the comparison of two fiches statuts and the resources list
    assert "Association" in text and "SCIC" in text and "Guide" in text

    if not Path(PDFTOPPM).exists():
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    shots = Path(__file__).parent.parent / "browser" / "screenshots"  # ignored by git
    shots.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            PDFTOPPM,
            "-png",
            "-r",
            "50",
            "-f",
            "1",
            "-l",
            "4",
            str(out),
            str(shots / "export-memoire"),
        ],
        check=True,
        timeout=60,
    )
    rendered = sorted(shots.glob("export-memoire-*.png"))
    assert len(rendered) >= 3 and all(p.stat().st_size > 1000 for p in rendered)
