"""New pages of every kind: from a kind's template, from a space's model, or as a copy.

The one service behind the new-page picker, "Dupliquer", "Modèle" and the API's
``POST /spaces/{space}/pages`` with a ``kind``. Everything kind-specific comes from the
registry (``wiki.kinds``): the template, the choice asked first, where the page goes.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from . import kind_templates, kinds, live, pages
from .db import db
from .errors import NotFound, ValidationError
from .kinds import PageKind
from .models import TITLE_MAX, Page, Space, User
from .permissions import Action, require
from .slugs import slugify
from .spaces import clean_title, in_id_range

COPY_SUFFIX = " (copie)"
SECTION_INTRO = {
    "experience": "Les expériences de coopération que les participant·es ont partagées.\n",
}


def _generic(kind: PageKind) -> PageKind:
    if not kind.generic:
        # e.g. a questionnaire: its definition lives beside the page, made by its own screens
        raise ValidationError(_l("Ce type de page se crée depuis son propre écran."), field="kind")
    return kind


def _title(kind: PageKind, title: str, choice: str | None) -> str:
    """The title typed, else the one the kind's choice gives (« Fiche statut – SCIC »)."""
    if kind.choice is None:
        if choice:
            raise ValidationError(
                _l("« %(name)s » ne s'applique pas à ce type de page.", name="legal_form"),
                field="legal_form",
            )
        return title
    label = kind.choice.label_of(choice)
    return title if (title or "").strip() else str(kind.choice.title) % {"choice": label}


def section_page(user: User, space: Space, kind: PageKind) -> int | None:
    """The page that gathers the kind's pages (created on first use), if the kind has one.

    Found by the slug of its first title: a renamed section keeps that slug as an alias."""
    if kind.section_title is None:
        return None
    title = kind.section_title
    try:
        found, _moved = pages.find_by_slug(space, slugify(title))
        return found.id
    except NotFound:
        intro = SECTION_INTRO.get(kind.name, "")
        return pages.create_page(user, space, title, intro).id


def create(
    user: User,
    space: Space,
    kind_name: str,
    title: str = "",
    *,
    choice: str | None = None,
    parent_id: int | None = None,
    model_id: int | None = None,
    markdown: str | None = None,
    message: str = "",
) -> Page:
    """A new page of ``kind_name`` from its template (the space's writers; some kinds
    facilitators only), or from the space's model ``model_id``; ``markdown``, when given,
    is the text instead of the template's."""
    if model_id is not None:
        return from_model(user, space, model_id, title, parent_id=parent_id)
    kind = _generic(kinds.get(kind_name))
    require(user, space, Action.MANAGE if kind.facilitators_only else Action.EDIT)
    title = _title(kind, title, choice)
    clean_title(title)  # refused before a section page is made for it
    if parent_id is None:
        parent_id = section_page(user, space, kind)
    if markdown is None:
        markdown = kind_templates.for_kind(kind).markdown
    return pages.create_page(
        user, space, title, markdown, parent_id=parent_id, message=message, kind=kind.name
    )


def _text_now(page: Page) -> str:
    """The page's text as its editors see it now (live), else as stored."""
    current = live.current_text(page)
    return current if current is not None else page.markdown


def _copyable(page: Page) -> Page:
    _generic(kinds.of_page(page.kind))
    return page


def from_model(
    user: User, space: Space, model_id: int, title: str, *, parent_id: int | None = None
) -> Page:
    """A new page starting as a copy of one of the space's models (its kind kept)."""
    require(user, space, Action.EDIT)
    model = db.session.get(Page, model_id) if in_id_range(model_id) else None
    if model is None or model.space_id != space.id or model.is_deleted or not model.is_model:
        raise NotFound(_l("Ce modèle n'existe pas dans cet espace."))
    _copyable(model)
    kind = kinds.of_page(model.kind).name
    return pages.create_page(user, space, title, _text_now(model), parent_id=parent_id, kind=kind)


def duplicate(user: User, page: Page) -> Page:
    """A copy of ``page`` beside it: « … (copie) », same parent, same kind, its text now."""
    _copyable(page)
    title = page.title[: TITLE_MAX - len(COPY_SUFFIX)] + COPY_SUFFIX
    kind = kinds.of_page(page.kind).name
    return pages.create_page(
        user, page.space, title, _text_now(page), parent_id=page.parent_id, kind=kind
    )


def set_model(user: User, page: Page, is_model: bool) -> Page:
    """Offer the page in its space's new-page picker, or stop (facilitators)."""
    require(user, page.space, Action.MANAGE)
    _copyable(page)
    page.is_model = bool(is_model)
    db.session.commit()
    return page


def space_models(space: Space) -> list[Page]:
    """The space's pages marked "Modèle", by title."""
    return list(
        db.session.scalars(
            select(Page)
            .where(Page.space_id == space.id, Page.is_model.is_(True), Page.deleted_at.is_(None))
            .order_by(Page.title)
        )
    )
