"""« Dupliquer l'espace » (issue 11): a follow-up accompaniment starts from a copy.

The copy has the pages with their tree, order and kinds and their text as it is now (the
live text of a page being edited), the page models, the questionnaires' definitions (never
their answers), the Métaplan boards' text as it is, and the resources (each file copied on
disk, under the new space). Members come along when asked; the person duplicating is always
a facilitator of the copy. The copy is not archived; the original is not touched (it may be
archived: duplicating only reads it).
"""

from __future__ import annotations

import secrets
import shutil
from pathlib import Path

from sqlalchemy import select

from . import archive, events, live, pages, spaces
from .db import db
from .models import Membership, Page, Resource, ResourceTag, Space, User
from .models_questionnaires import Question, Questionnaire
from .permissions import Action, require

#: the question columns a copy keeps (everything but its identity and its questionnaire)
QUESTION_COPIED = (
    "position", "section", "label", "type", "required", "help", "options", "allow_other",
    "scale", "max_words", "scores",
)  # fmt: skip
QUESTIONNAIRE_COPIED = (
    "kind", "anonymous", "audience", "results_visibility", "opens_at", "closes_at", "intro",
    "profiles",
)  # fmt: skip


def _text_now(page: Page) -> str:
    current = live.current_text(page)
    return current if current is not None else page.markdown


def _live_pages(space: Space) -> list[Page]:
    """Parents before children, siblings in their order."""
    found = db.session.scalars(
        select(Page)
        .where(Page.space_id == space.id, Page.deleted_at.is_(None))
        .order_by(Page.position, Page.id)
    ).all()
    ids = {p.id for p in found}
    children: dict[int | None, list[Page]] = {}
    for page in found:
        parent = page.parent_id if page.parent_id in ids else None
        children.setdefault(parent, []).append(page)
    ordered: list[Page] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        page = stack.pop()
        ordered.append(page)
        stack.extend(reversed(children.get(page.id, [])))
    return ordered


def _new_space(user: User, original: Space, title: str) -> Space:
    title = spaces.clean_title(title)
    copy = Space(
        slug=spaces._unique_space_slug(title),
        title=title,
        description=original.description,
        starts_on=None,
        ends_on=None,
        visibility=original.visibility,
        quota_bytes=original.quota_bytes,
    )
    db.session.add(copy)
    db.session.flush()
    db.session.add(Membership(space_id=copy.id, user_id=user.id, role="facilitator"))
    return copy


def _copy_members(user: User, original: Space, copy: Space) -> None:
    for member in spaces.members(original):
        if member.user_id != user.id:
            db.session.add(Membership(space_id=copy.id, user_id=member.user_id, role=member.role))


def _copy_pages(user: User, original: Space, copy: Space) -> dict[int, int]:
    mapping: dict[int, int] = {}
    for page in _live_pages(original):
        parent = mapping.get(page.parent_id) if page.parent_id is not None else None
        new = pages.create_page(
            user, copy, page.title, _text_now(page), parent_id=parent, kind=page.kind
        )
        new.position, new.is_model = page.position, page.is_model
        new.hidden_from_memoire = page.hidden_from_memoire
        mapping[page.id] = new.id
    db.session.commit()
    return mapping


def _copy_questionnaires(original: Space, copy: Space, mapping: dict[int, int]) -> None:
    found = db.session.scalars(
        select(Questionnaire).where(Questionnaire.space_id == original.id)
    ).all()
    for questionnaire in found:
        if questionnaire.page_id not in mapping:
            continue  # its page is in the trash
        new = Questionnaire(
            page_id=mapping[questionnaire.page_id],
            space_id=copy.id,
            hidden_words=[],
            link_token=secrets.token_urlsafe(32),
            secret=secrets.token_hex(32),
            version=1,
            **{name: getattr(questionnaire, name) for name in QUESTIONNAIRE_COPIED},
        )
        new.questions = [
            Question(**{name: getattr(q, name) for name in QUESTION_COPIED})
            for q in questionnaire.questions
        ]
        db.session.add(new)


def _copy_resources(original: Space, copy: Space, upload_dir: Path) -> list[Path]:
    """Copy each resource (its file under the new space's folder); the files written."""
    written: list[Path] = []
    folder = Path(upload_dir) / str(copy.id)
    for resource in db.session.scalars(select(Resource).where(Resource.space_id == original.id)):
        stored_name = resource.stored_name
        if resource.kind == "file" and resource.stored_name:
            from .resources import file_path

            source = file_path(resource, upload_dir)
            if not source.is_file():
                continue  # lost on disk: nothing to copy
            extension = resource.stored_name.rsplit(".", 1)[-1]
            stored_name = f"{secrets.token_hex(16)}.{extension}"
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, folder / stored_name)
            written.append(folder / stored_name)
        new = Resource(
            space_id=copy.id,
            kind=resource.kind,
            title=resource.title,
            description=resource.description,
            url=resource.url,
            stored_name=stored_name,
            filename=resource.filename,
            mime_type=resource.mime_type,
            size=resource.size,
            author_id=resource.author_id,
            created_at=resource.created_at,
        )
        new.tags = [ResourceTag(tag=t.tag) for t in resource.tags]
        db.session.add(new)
    return written


def _drop(space_id: int) -> None:
    leftover = db.session.get(Space, space_id)
    if leftover is not None:
        db.session.delete(leftover)
        db.session.commit()


def duplicate(
    user: User | None, original: Space, title: str, *, members: bool, upload_dir: Path
) -> Space:
    """A new space copied from ``original`` (its facilitators, archived or not)."""
    require(user, original, Action.MANAGE, writing=False)
    copy = _new_space(user, original, title)
    if members:
        _copy_members(user, original, copy)
    db.session.commit()
    written: list[Path] = []
    try:
        mapping = _copy_pages(user, original, copy)
        _copy_questionnaires(original, copy, mapping)
        written = _copy_resources(original, copy, upload_dir)
        archive.audit(user, "space_duplicated", original, copy.slug)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        for path in written:
            path.unlink(missing_ok=True)
        _drop(copy.id)  # no half copy left behind
        raise
    events.space_saved.send(copy)
    return copy
