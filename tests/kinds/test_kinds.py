"""Page kinds (issue 10): the registry, templates and their hints, the picker over HTTP,
models and copies, the section page of experiences, search and diff of every kind."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

import search
from wiki import kind_templates, kinds, page_kinds, pages, revisions
from wiki.db import db
from wiki.errors import NotFound, PermissionDenied, ValidationError
from wiki.models import Page

SPACE = "/s/cooperer"
GENERIC = ["page", "fiche_statut", "fiche_projet", "mind_map", "metaplan", "experience"]
CHOICES = {"fiche_statut": "scic"}


def count_pages() -> int:
    return db.session.scalar(select(func.count(Page.id)))


def make(personas, kind: str, title: str = "Essai", **extra) -> Page:
    choice = CHOICES.get(kind)
    return page_kinds.create(
        personas.participant, personas.space, kind, title, choice=choice, **extra
    )


# --- registry and templates ---------------------------------------------------------------


def test_every_kind_the_picker_creates_is_registered_with_words():
    created = [k.name for k in kinds.all_kinds() if k.generic]
    assert created == GENERIC
    for kind in kinds.all_kinds():
        assert str(kind.label) and str(kind.description)
    # the board's roots beside its text (its module may add more)
    roots = kinds.get("metaplan").shared_types
    assert {"content": "text", "cards": "map", "clusters": "map"}.items() <= roots.items()
    assert kinds.of_page("article") is kinds.PAGE  # pages stored before the rename
    with pytest.raises(ValidationError):
        kinds.get("poster")


@pytest.mark.parametrize("kind", GENERIC)
def test_each_kind_starts_from_its_template_without_its_questions(personas, kind):
    page = make(personas, kind)
    template = kind_templates.for_kind(kinds.get(kind))
    assert page.kind == kind and page.markdown == template.markdown
    assert "\n?" not in page.markdown and not page.markdown.startswith("?")
    for hint in template.hints:  # each question belongs to a heading of the page
        assert f"## {hint.heading}\n" in page.markdown


def test_fiche_statut_sections_and_questions_come_from_the_data_file(personas):
    template = kind_templates.for_kind(kinds.get("fiche_statut"))
    headings = [h.heading for h in template.hints]
    assert headings == [
        "Forme juridique et textes de référence",
        "Finalité et objet",
        "Membres et sociétariat",
        "Gouvernance et prise de décision",
        "Capital, excédents et réserves",
        "Fiscalité et agréments",
        "Ce que ce statut permet pour coopérer",
        "Limites et points de vigilance",
        "Exemples sur le territoire",
        "Ressources",
    ]
    # the sheet starts empty under its headings: no legal content
    body = [line for line in template.markdown.splitlines() if line and not line.startswith("## ")]
    assert body == []
    assert (
        kind_templates.hints("fiche_statut")[0]["key"] == "forme juridique et textes de référence"
    )
    assert kind_templates.hints("page") == []


def test_fiche_projet_offers_the_three_levels_to_tick(personas):
    page = make(personas, "fiche_projet", "Fiche projet – Cantine")
    assert (
        "## Niveau de coopération\n\n- [ ] Faire ensemble : coopération économique\n"
        "- [ ] Faire avec : coopération de moyens\n- [ ] Faire corps : coopération stratégique\n"
    ) in page.markdown
    assert page.markdown.count("## ") == 7


def test_legal_form_titles_the_sheet_and_is_checked(personas):
    page = page_kinds.create(
        personas.participant, personas.space, "fiche_statut", "", choice="scop"
    )
    assert page.title == "Fiche statut – SCOP"
    typed = page_kinds.create(
        personas.participant, personas.space, "fiche_statut", "Nos statuts", choice="gie"
    )
    assert typed.title == "Nos statuts"
    before = count_pages()
    for choice in (None, "", "sarl"):
        with pytest.raises(ValidationError):
            page_kinds.create(
                personas.participant, personas.space, "fiche_statut", "", choice=choice
            )
    with pytest.raises(ValidationError):  # a legal form means nothing to a free page
        page_kinds.create(personas.participant, personas.space, "page", "X", choice="scop")
    with pytest.raises(ValidationError):  # a questionnaire is made by its builder
        page_kinds.create(personas.facilitator, personas.space, "questionnaire", "Q")
    assert count_pages() == before


# --- experiences gather under one section page ----------------------------------------


def test_experiences_gather_under_one_section_made_on_first_use(personas):
    first = make(personas, "experience", "Un local à trois")
    section = db.session.get(Page, first.parent_id)
    assert section.title == "Retours d'expérience" and section.kind == "page"
    pages.update_page(personas.facilitator, section, title="Nos expériences")  # renamed
    second = make(personas, "experience", "Un groupement d'achat")
    assert second.parent_id == section.id
    assert "## Ce qui a marché" in second.markdown and "## Contacts" in second.markdown


# --- models and copies -------------------------------------------------------------------


def test_a_model_is_offered_and_copied_with_its_kind(personas):
    sheet = make(personas, "fiche_projet", "Modèle de fiche du réseau")
    pages.update_page(personas.participant, sheet, markdown=sheet.markdown + "\nNotre logo.\n")
    with pytest.raises(PermissionDenied):
        page_kinds.set_model(personas.participant, sheet, True)
    page_kinds.set_model(personas.facilitator, sheet, True)
    assert page_kinds.space_models(personas.space) == [sheet]
    copy = page_kinds.create(
        personas.participant, personas.space, "", "Ma fiche", model_id=sheet.id
    )
    assert copy.kind == "fiche_projet" and copy.markdown == sheet.markdown
    page_kinds.set_model(personas.facilitator, sheet, False)
    with pytest.raises(NotFound):
        page_kinds.create(personas.participant, personas.space, "", "Encore", model_id=sheet.id)


def test_duplicate_keeps_kind_parent_and_text(personas):
    parent = pages.create_page(personas.facilitator, personas.space, "Fiches statuts")
    sheet = make(personas, "fiche_statut", "SCIC", parent_id=parent.id)
    copy = page_kinds.duplicate(personas.participant, sheet)
    assert (copy.title, copy.parent_id, copy.kind) == ("SCIC (copie)", parent.id, "fiche_statut")
    assert copy.markdown == sheet.markdown and not copy.is_model
    long = pages.create_page(personas.facilitator, personas.space, "x" * 200)
    assert len(page_kinds.duplicate(personas.participant, long).title) == 200


# --- every kind is searched and diffed like a page ------------------------------------------


@pytest.mark.parametrize("kind", [k for k in GENERIC if kinds.get(k).text_editable])
def test_every_kind_is_searched_and_diffed(personas, kind):
    """The board's rendition is searched and diffed too, from its cards
    (``tests/metaplan/test_http.py``): its text is not typed."""
    page = make(personas, kind, "Coopérative des lucioles")
    pages.update_page(personas.participant, page, markdown=page.markdown + "\nzorglubienne\n")
    assert search.flush(30)
    titles = [i.hit.title for i in search.run_search(personas.reader, "zorglubienne").items]
    assert titles == ["Coopérative des lucioles"]
    diff = revisions.compare(page, 1, 2)
    assert diff.words_added == 1 and diff.words_removed == 0


@pytest.mark.parametrize("kind", [k for k in GENERIC if not kinds.get(k).text_editable])
def test_a_generated_text_is_refused(personas, kind):
    page = make(personas, kind, "Coopérative des lucioles")
    before = page.markdown
    with pytest.raises(PermissionDenied):
        pages.update_page(personas.participant, page, markdown=before + "\nzorglubienne\n")
    db.session.rollback()
    assert db.session.get(Page, page.id).markdown == before
