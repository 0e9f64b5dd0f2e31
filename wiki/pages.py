"""Pages: create, edit, rename, move, trash and restore; every save is a revision."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, delete, select

from . import events, kinds, live, page_slugs, revision_messages
from .db import db
from .errors import (
    Conflict,
    NotFound,
    PayloadTooLarge,
    PermissionDenied,
    UnknownReference,
    ValidationError,
)
from .models import (
    Page,
    PageAlias,
    PageLink,
    Revision,
    RevisionAuthor,
    Space,
    User,
    utcnow,
)
from .navigation import bump_tree_version
from .permissions import Action, require
from .rendering import wikilink_titles
from .slugs import slugify
from .spaces import clean_title, in_id_range, one_line

MARKDOWN_MAX = 500_000
PAGE_NOT_FOUND = _l("Cette page n'existe pas ou a été supprimée.")
MESSAGE_MAX = 300


def _check_markdown(markdown: str) -> str:
    if len(markdown) > MARKDOWN_MAX:
        limit = f"{MARKDOWN_MAX:,}".replace(",", "\u202f")
        raise PayloadTooLarge(
            _l("Le texte dépasse %(max)s caractères : découpez-le en plusieurs pages.", max=limit),
            field="markdown",
        )
    return markdown.replace("\r\n", "\n").replace("\x00", "")


def _check_message(message: str) -> str:
    # The length sent is the one counted: the limit the API document states.
    if len(message or "") > MESSAGE_MAX:
        raise ValidationError(
            _l("Le message dépasse %(max)s caractères.", max=MESSAGE_MAX), field="message"
        )
    return one_line(message)


def _sync_links(page: Page, markdown: str) -> None:
    slugs = dict.fromkeys(s for s in (slugify(t) for t in wikilink_titles(markdown)) if s)
    stored = db.session.scalars(select(PageLink.target_slug).where(PageLink.source_id == page.id))
    if set(stored) == set(slugs):
        return  # most saves and live keystrokes: no link added or removed
    db.session.execute(delete(PageLink).where(PageLink.source_id == page.id))
    db.session.add_all(
        PageLink(source_id=page.id, space_id=page.space_id, target_slug=slug) for slug in slugs
    )
    bump_tree_version(page.space_id)  # other pages' "pages qui citent celle-ci" changed


def _check_parent(page_space: Space, parent_id: int | None, moving: Page | None = None) -> None:
    if parent_id is None:
        return
    parent = db.session.get(Page, parent_id) if in_id_range(parent_id) else None
    if parent is None or parent.space_id != page_space.id or parent.is_deleted:
        raise UnknownReference(
            _l("La page parente n'existe pas dans cet espace."), field="parent_id"
        )
    ancestor: Page | None = parent
    while moving is not None and ancestor is not None:
        if ancestor.id == moving.id:
            raise ValidationError(
                _l(
                    "Une page ne peut pas être rangée sous elle-même "
                    "ni sous l’une de ses sous-pages."
                ),
                field="parent_id",
            )
        ancestor = ancestor.parent


def check_text_editable(page: Page) -> None:
    """Refuse to change the text of a page whose Markdown is generated (a questionnaire's
    comes from its definition: a typed change would be lost at the next definition change)."""
    kind = kinds.of_page(page.kind)
    if not kind.text_editable:
        raise PermissionDenied(
            kind.locked_text
            or _l(
                "Le texte de cette page est produit par son contenu (les questions du "
                "questionnaire) : modifiez-le depuis son constructeur."
            ),
            field="markdown",
        )


def _grouped_revision(
    page: Page, author: User | None, message: str, within: dt.timedelta | None
) -> Revision | None:
    """The latest revision, when a save ``within`` that time of it by the same person with
    the same message updates it instead of adding one (builder autosaves: one per pause)."""
    if within is None or author is None:
        return None
    latest = db.session.scalar(
        select(Revision)
        .where(Revision.page_id == page.id)
        .order_by(Revision.number.desc())
        .limit(1)
    )
    if latest is None or latest.author_id != author.id or latest.message != message:
        return None
    return latest if utcnow() - latest.created_at <= within else None


def _save_revision(
    page: Page, author: User | None, message: str, group_within: dt.timedelta | None
) -> Revision:
    revision = _grouped_revision(page, author, message, group_within)
    if revision is None:
        return _add_revision(page, author, message)
    page.updated_at = utcnow()
    revision.title, revision.markdown = page.title, page.markdown
    return revision


def _add_revision(page: Page, author: User | None, message: str) -> Revision:
    page.revision_number += 1
    page.updated_at = utcnow()
    revision = Revision(
        page_id=page.id,
        number=page.revision_number,
        title=page.title,
        markdown=page.markdown,
        message=message,
        author_id=author.id if author else None,
    )
    db.session.add(revision)
    return revision


def create_page(
    user: User,
    space: Space,
    title: str,
    markdown: str = "",
    *,
    parent_id: int | None = None,
    message: str = "",
    kind: str = "page",
) -> Page:
    require(user, space, Action.EDIT)
    title = clean_title(title)
    markdown = _check_markdown(markdown or "")
    message = _check_message(message)
    _check_parent(space, parent_id)
    slug = page_slugs.unique_slug(space.id, title)
    page_slugs.claim_slug(space.id, slug)
    page = Page(
        space_id=space.id,
        parent_id=parent_id,
        kind=kind,
        title=title,
        slug=slug,
        markdown=markdown,
        created_by_id=user.id,
    )
    db.session.add(page)
    db.session.flush()
    revision = _add_revision(page, user, message or revision_messages.PAGE_CREATED)
    _sync_links(page, markdown)
    bump_tree_version(space.id)
    db.session.commit()
    events.page_saved.send(page, revision=revision)
    return page


def get_page(user: User | None, page_id: int, action: Action = Action.READ) -> Page:
    page = db.session.get(Page, page_id) if in_id_range(page_id) else None
    if page is None or page.is_deleted:
        raise NotFound(PAGE_NOT_FOUND)
    require(user, page.space, action)
    return page


# built once: building the statement was a third of a page view's lookups
_PAGE_AT_SLUG = select(Page).where(
    Page.space_id == bindparam("space_id"),
    Page.slug == bindparam("slug"),
    Page.deleted_at.is_(None),
)


def find_by_slug(space: Space, slug: str) -> tuple[Page, bool]:
    """The live page at ``slug``, and whether it was found under an old (aliased) slug."""
    if "\x00" in slug:
        raise NotFound(PAGE_NOT_FOUND)
    page = db.session.scalar(_PAGE_AT_SLUG, {"space_id": space.id, "slug": slug})
    if page is not None:
        return page, False
    page = db.session.scalar(
        select(Page)
        .join(PageAlias, PageAlias.page_id == Page.id)
        .where(PageAlias.space_id == space.id, PageAlias.slug == slug, Page.deleted_at.is_(None))
    )
    if page is None:
        raise NotFound(PAGE_NOT_FOUND)
    return page, True


def _rename(page: Page, title: str) -> None:
    new_slug = page_slugs.unique_slug(page.space_id, title, except_page=page.id)
    if new_slug != page.slug:
        page_slugs.claim_slug(page.space_id, new_slug, page.id)
        db.session.add(PageAlias(space_id=page.space_id, page_id=page.id, slug=page.slug))
        page.slug = new_slug
    page.title = title
    bump_tree_version(page.space_id)


def _live_ahead(page: Page) -> bool:
    """True when live editing moved ``Page.markdown`` past the latest revision."""
    latest = db.session.scalar(
        select(Revision.markdown)
        .where(Revision.page_id == page.id)
        .order_by(Revision.number.desc())
        .limit(1)
    )
    return latest is not None and latest != page.markdown


def update_page(
    user: User | None,
    page: Page,
    *,
    markdown: str | None = None,
    title: str | None = None,
    base_revision: int | None = None,
    message: str = "",
    _action: Action = Action.EDIT,
    _generated: bool = False,
    _group_within: dt.timedelta | None = None,
) -> Revision | None:
    """Save a new text and/or title; returns the new revision, or None when nothing changed.

    ``_generated``: the text comes from the page's own content (its kind's service), the one
    writer of a page whose kind says its text is not editable. ``_group_within``: see
    ``_grouped_revision``."""
    require(user, page.space, _action)
    if base_revision is not None and base_revision != page.revision_number:
        raise Conflict(
            _l(
                "La page a été modifiée entre-temps (version %(current)s, vous partiez de la "
                "version %(base)s). Rechargez-la avant d'enregistrer.",
                current=page.revision_number,
                base=base_revision,
            )
        )
    if markdown is None:  # "text unchanged": the live document's text if it is open
        markdown = live.current_text(page)
    new_title = clean_title(title) if title is not None else page.title
    new_markdown = _check_markdown(markdown) if markdown is not None else page.markdown
    message = _check_message(message)
    if new_title == page.title and new_markdown == page.markdown and not _live_ahead(page):
        return None
    if new_markdown != page.markdown and not _generated:
        check_text_editable(page)
    if new_markdown != page.markdown:
        # Before any write: an open live document takes the text and broadcasts it.
        live.apply_text(page, new_markdown, user)
    if new_title != page.title:
        _rename(page, new_title)
    if new_markdown != page.markdown:
        page.markdown = new_markdown
        _sync_links(page, new_markdown)
    revision = _save_revision(page, user, message, _group_within)
    typists = live.take_authors(page)  # who typed live since the last revision: theirs too
    if typists:
        _credit(revision, [user.id] if user else [], typists)
    db.session.commit()
    events.page_saved.send(page, revision=revision)
    return revision


def _credit(revision: Revision, *groups: list[int]) -> None:
    """Name everyone who wrote a revision (``revision_authors``), each once."""
    db.session.flush()
    ids = dict.fromkeys(i for group in groups for i in group)
    users = [u for u in (db.session.get(User, i) for i in ids) if u]
    db.session.add_all(RevisionAuthor(revision_id=revision.id, user_id=u.id) for u in users)


def set_live_text(page_id: int, markdown: str) -> None:
    """Keep ``Page.markdown`` equal to the live document's text, without a new revision."""
    page = db.session.get(Page, page_id)
    if page is None or page.markdown == markdown:
        return
    page.markdown = markdown
    _sync_links(page, markdown)
    db.session.commit()


def save_live_revision(page_id: int, markdown: str, author_ids: list[int]) -> Revision | None:
    """Snapshot the live text into a revision credited to everyone who typed since the last one."""
    page = db.session.get(Page, page_id)
    if page is None or page.is_deleted:
        return None
    latest = db.session.scalar(
        select(Revision.markdown)
        .where(Revision.page_id == page.id)
        .order_by(Revision.number.desc())
        .limit(1)
    )
    if latest == markdown:
        return None
    if page.markdown != markdown:
        page.markdown = markdown
        _sync_links(page, markdown)
    authors = [u for u in (db.session.get(User, i) for i in dict.fromkeys(author_ids)) if u]
    revision = _add_revision(page, authors[0] if authors else None, revision_messages.LIVE_EDIT)
    _credit(revision, [u.id for u in authors])
    db.session.commit()
    events.page_saved.send(page, revision=revision)
    return revision


def _place_among_siblings(page: Page, position: int) -> None:
    """Put ``page`` at ``position`` among its siblings (0 = first), numbering them 0, 1, 2…

    New pages all start at 0 (then sorted by title), so a bare position number would not
    say where the page lands; renumbering the siblings makes "0 = first" true."""
    same_parent = (
        Page.parent_id.is_(None) if page.parent_id is None else Page.parent_id == page.parent_id
    )
    siblings = list(
        db.session.scalars(
            select(Page)
            .where(Page.space_id == page.space_id, same_parent, Page.deleted_at.is_(None))
            .where(Page.id != page.id)
            .order_by(Page.position, Page.title)
        )
    )
    siblings.insert(max(0, min(position, len(siblings))), page)
    for index, sibling in enumerate(siblings):
        sibling.position = index


def move_page(user: User, page: Page, parent_id: int | None, position: int | None = None) -> Page:
    require(user, page.space, Action.EDIT)
    _check_parent(page.space, parent_id, moving=page)
    page.parent_id = parent_id
    if position is not None:
        _place_among_siblings(page, position)
    bump_tree_version(page.space_id)
    db.session.commit()
    return page
