"""The resource area of a space: files and links, with tags, added by its members.

Files are checked and stored by ``wiki.uploads``; limits and the upload folder are
passed in by the caller (the view reads them from the app config), so this module
never touches the request.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import joinedload, selectinload

from . import events, uploads
from .db import db
from .errors import NotFound, PayloadTooLarge, ValidationError
from .models import TITLE_MAX, Resource, ResourceTag, Space, User
from .permissions import Action, allowed, require
from .spaces import DESCRIPTION_MAX, clean_title, one_line

log = logging.getLogger(__name__)

TAG_MAX = 40
TAGS_MAX = 10
#: tags as one text: at most TAGS_MAX comma-separated parts of at most TAG_MAX characters
TAGS_PATTERN = f"^[^,]{{0,{TAG_MAX}}}(?:,[^,]{{0,{TAG_MAX}}}){{0,{TAGS_MAX - 1}}}$"
URL_MAX = 2000
KINDS = ("file", "image", "link")
RESOURCE_NOT_FOUND = _l("Cette ressource n'existe pas ou vous n'y avez pas accès.")
# What Python's ``str.strip`` and ``\s`` take for white space, written out so that the
# OpenAPI document's pattern (read by other regex engines) means exactly the same.
_SPACES = "\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_BAD = _SPACES + "\x00-\x1f\x7f-\x9f"
#: an address as sent: http(s)://, optional user@, a host (no brackets: no IPv6 literal),
#: then no space or control character; white space around it is trimmed
URL_PATTERN = (
    f"^[{_SPACES}]*[Hh][Tt][Tt][Pp][Ss]?://([^/?#\\[\\]{_BAD}]*@)?"
    f"[^/?#@:\\[\\]{_BAD}][^/?#@\\[\\]{_BAD}]*([/?#][^{_BAD}]*)?[{_SPACES}]*$"
)
_URL = re.compile(URL_PATTERN)


# --- input checks ---------------------------------------------------------------


def normalize_tag(tag: str) -> str:
    """``"  #Statuts  SCOP "`` → ``"statuts scop"`` (control characters become spaces)."""
    return one_line(str(tag)).lstrip("#").strip().lower()


def parse_tags(tags: str | list[str] | None) -> list[str]:
    """``"Statuts, SCIC ,statuts"`` → ``["statuts", "scic"]`` (lowercase, trimmed, unique).

    The limits apply to what was sent, before cleaning, so that they are the ones the
    OpenAPI document can state (``TAGS_PATTERN``, ``maxItems``, ``maxLength``).
    """
    items = tags.split(",") if isinstance(tags, str) else list(tags or [])
    for tag in items:
        if len(tag) > TAG_MAX:
            raise ValidationError(
                _l(
                    "L'étiquette « %(tag)s… » dépasse %(max)s caractères.",
                    tag=normalize_tag(tag)[:20],
                    max=TAG_MAX,
                ),
                field="tags",
            )
    if len(items) > TAGS_MAX:
        raise ValidationError(
            _l("%(max)s étiquettes au plus par ressource.", max=TAGS_MAX), field="tags"
        )
    cleaned = dict.fromkeys(tag for tag in map(normalize_tag, items) if tag)
    return list(cleaned)


def _clean_description(description: str) -> str:
    # The length sent is the one counted: the limit the API document states.
    if len(description or "") > DESCRIPTION_MAX:
        raise ValidationError(
            _l("La description dépasse %(max)s caractères.", max=DESCRIPTION_MAX),
            field="description",
        )
    return (description or "").replace("\r\n", "\n").replace("\x00", "").strip()


def _hostname(url: str) -> str | None:
    try:
        return urlsplit(url).hostname or None
    except ValueError:  # a netloc that Unicode normalisation would change, for one
        return None


def clean_url(url: str) -> str:
    """An absolute http(s) address, or ``ValidationError`` (no javascript:, data:, ftp:…)."""
    # The length sent is the one counted: the limit the API document states.
    if len(url or "") > URL_MAX:
        raise ValidationError(_l("L'adresse dépasse %(max)s caractères.", max=URL_MAX), field="url")
    if not (url or "").strip():
        raise ValidationError(_l("L'adresse du lien est obligatoire."), field="url")
    if not _URL.fullmatch(url):
        raise ValidationError(
            _l("Adresse invalide : elle doit commencer par https:// ou http://."), field="url"
        )
    url = url.strip()
    if _hostname(url) is None:
        raise ValidationError(
            _l("Adresse invalide : elle doit commencer par https:// ou http://."), field="url"
        )
    return url


def _default_title(filename: str) -> str:
    stem = filename.rsplit(".", 1)[0] if "." in filename.lstrip(".") else filename
    return stem.strip()[:TITLE_MAX] or "Fichier sans titre"


# --- writing ----------------------------------------------------------------------


def space_usage(space: Space) -> int:
    """Bytes the files of ``space`` take."""
    return (
        db.session.scalar(
            select(func.coalesce(func.sum(Resource.size), 0)).where(Resource.space_id == space.id)
        )
        or 0
    )


def _check_quota(space: Space, size: int) -> None:
    """Refuse a file the space has no room for. A no-op write on the space's row first holds
    its lock (PostgreSQL: the row; SQLite: the database) until the caller commits, so two
    uploads at the same instant are counted one after the other, never both against the
    same free room."""
    db.session.execute(
        update(Space).where(Space.id == space.id).values(quota_bytes=Space.quota_bytes)
    )
    if space_usage(space) + size > space.quota_bytes:
        raise PayloadTooLarge(
            _l(
                "L'espace a atteint sa place maximale pour les fichiers : supprimez des fichiers "
                "devenus inutiles ou demandez à l'animateur·rice d'agrandir l'espace."
            ),
            field="file",
        )


def _save(resource: Resource, tags: list[str], on_failure: Path | None = None) -> Resource:
    resource.tags = [ResourceTag(tag=tag) for tag in tags]
    db.session.add(resource)
    try:
        db.session.commit()
    except BaseException:
        db.session.rollback()
        if on_failure is not None:
            on_failure.unlink(missing_ok=True)
        raise
    log.info("resource %s added to space %s (%s)", resource.id, resource.space_id, resource.kind)
    events.resource_saved.send(resource)
    return resource


def add_file(
    user: User,
    space: Space,
    *,
    filename: str,
    stream: BinaryIO,
    title: str,
    description: str = "",
    tags: str | list[str] = "",
    max_bytes: int,
    upload_dir: Path,
) -> Resource:
    """Check, store and record an uploaded file; nothing stays behind on refusal."""
    require(user, space, Action.EDIT)
    display_name = uploads.clean_filename(filename)
    title = clean_title(title or _default_title(display_name))
    description, tag_list = _clean_description(description), parse_tags(tags)
    folder = Path(upload_dir) / str(space.id)
    pending = uploads.receive(stream, folder, filename=display_name, max_bytes=max_bytes)
    try:
        _check_quota(space, pending.size)
        stored_name = pending.keep()
    except BaseException:
        pending.discard()
        raise
    resource = Resource(
        space_id=space.id,
        kind="file",
        title=title,
        description=description,
        stored_name=stored_name,
        filename=uploads.served_name(display_name, pending.file_type),
        mime_type=pending.file_type.mime_type,
        size=pending.size,
        author_id=user.id,
    )
    return _save(resource, tag_list, on_failure=folder / stored_name)


def add_link(
    user: User,
    space: Space,
    *,
    url: str,
    title: str,
    description: str = "",
    tags: str | list[str] = "",
) -> Resource:
    """Record a link; without a title, the site's address stands in for it."""
    require(user, space, Action.EDIT)
    url = clean_url(url)
    title = clean_title(title or _hostname(url) or url)
    resource = Resource(
        space_id=space.id,
        kind="link",
        title=title,
        description=_clean_description(description),
        url=url,
        author_id=user.id,
    )
    return _save(resource, parse_tags(tags))


def may_delete(user: User | None, resource: Resource, space: Space) -> bool:
    """Facilitators delete any resource, members who may edit delete their own."""
    if space.is_archived or user is None or not getattr(user, "is_authenticated", False):
        return False
    if allowed(user, space, Action.MANAGE):
        return True
    return resource.author_id == user.id and allowed(user, space, Action.EDIT)


def delete_resource(user: User, resource: Resource, upload_dir: Path) -> None:
    """Remove the row, then the file (a failed commit must not lose the file)."""
    space = db.session.get(Space, resource.space_id)
    if space is None:
        raise NotFound(RESOURCE_NOT_FOUND)
    own = user is not None and resource.author_id == getattr(user, "id", None)
    require(user, space, Action.EDIT if own else Action.MANAGE)
    path = file_path(resource, upload_dir) if resource.kind == "file" else None
    db.session.delete(resource)
    db.session.commit()
    if path is not None:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            log.warning("could not remove %s", path, exc_info=True)
    log.info("resource %s deleted from space %s", resource.id, space.id)
    events.resource_deleted.send(resource)


# --- reading ----------------------------------------------------------------------


def _filtered(query: Select[tuple[Resource]], tag: str | None, kind: str | None):
    if tag:
        tagged = select(ResourceTag.resource_id).where(ResourceTag.tag == tag)
        query = query.where(Resource.id.in_(tagged))
    if kind == "link":
        query = query.where(Resource.kind == "link")
    elif kind == "image":
        query = query.where(Resource.kind == "file", Resource.mime_type.like("image/%"))
    elif kind == "file":
        query = query.where(Resource.kind == "file", ~Resource.mime_type.like("image/%"))
    return query


def list_resources(
    user: User | None, space: Space, *, tag: str | None = None, kind: str | None = None
) -> list[Resource]:
    """Resources of ``space``, newest first.

    ``kind`` is ``"file"`` (documents: every file that is not an image), ``"image"``
    or ``"link"``; ``tag`` is normalised like the tags themselves.
    """
    require(user, space, Action.READ)
    if kind and kind not in KINDS:
        raise ValidationError(_l("Type de ressource inconnu."), field="kind")
    tag = normalize_tag(tag) if tag else None
    query = (
        select(Resource)
        .where(Resource.space_id == space.id)
        .options(selectinload(Resource.tags), joinedload(Resource.author))
        .order_by(Resource.created_at.desc(), Resource.id.desc())
    )
    return list(db.session.scalars(_filtered(query, tag, kind)).unique())


def get_resource(user: User | None, resource_id: int) -> Resource:
    """The resource, if it exists and ``user`` may read its space; ``NotFound`` otherwise."""
    resource = db.session.get(Resource, resource_id)
    space = db.session.get(Space, resource.space_id) if resource is not None else None
    if resource is None or space is None or not allowed(user, space, Action.READ):
        raise NotFound(RESOURCE_NOT_FOUND)
    return resource


def file_path(resource: Resource, upload_dir: Path) -> Path:
    """Where the file of ``resource`` lives; only generated names ever reach the disk."""
    if resource.kind != "file" or not resource.stored_name:
        raise NotFound(_l("Cette ressource n'a pas de fichier."))
    try:
        return uploads.stored_path(Path(upload_dir) / str(resource.space_id), resource.stored_name)
    except ValueError:
        raise NotFound(_l("Ce fichier est introuvable.")) from None


def tags_of_space(space: Space) -> list[tuple[str, int]]:
    """``(tag, number of resources)``, most used first."""
    count = func.count(ResourceTag.id)
    rows = db.session.execute(
        select(ResourceTag.tag, count)
        .join(Resource, Resource.id == ResourceTag.resource_id)
        .where(Resource.space_id == space.id)
        .group_by(ResourceTag.tag)
        .order_by(count.desc(), ResourceTag.tag)
    ).all()
    return [(tag, n) for tag, n in rows]


def is_image(resource: Resource) -> bool:
    return resource.kind == "file" and (resource.mime_type or "") in uploads.INLINE_MIME_TYPES
