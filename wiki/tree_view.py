"""The page tree as a page view shows it: the page, its path and its neighbours.

A view of a 1,000-page space used to carry the whole tree (1,021 list items, most of the
146 KB of HTML) on every page, for a phone on venue Wi-Fi. A page view now shows the top
level, the branch that leads to the page, the page's siblings and its children; a level
longer than ``NEIGHBOURS`` pages on each side of the one on the path is cut around it, and
the cut says how many pages it leaves out. The whole tree is one click away ("Tout
afficher", ``pages.tree``), rendered once per tree version.

The shape is kept per tree version as plain tuples (``PageRef``): a cached ORM object would
outlive its session.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from .db import db
from .models import Page, Space

NEIGHBOURS = 8  # pages kept on each side of the one on the path, in a long level


@dataclass(frozen=True)
class PageRef:
    id: int
    parent_id: int | None
    title: str
    slug: str
    hidden_from_memoire: bool


@dataclass
class Shape:
    """A space's tree: every live page, and each page's children in tree order."""

    pages: dict[int, PageRef]
    children: dict[int | None, list[int]]

    @property
    def count(self) -> int:
        return len(self.pages)


@dataclass
class ShownNode:
    page: PageRef
    current: bool = False
    children: Level | None = None  # None: not unfolded here
    child_count: int = 0


@dataclass
class Level:
    nodes: list[ShownNode] = field(default_factory=list)
    before: int = 0  # pages of this level left out before the first shown
    after: int = 0  # … and after the last


def load_shape(space: Space) -> Shape:
    rows = db.session.execute(
        select(Page.id, Page.parent_id, Page.title, Page.slug, Page.hidden_from_memoire)
        .where(Page.space_id == space.id, Page.deleted_at.is_(None))
        .order_by(Page.position, Page.title)
    ).all()
    pages = {row.id: PageRef(*row) for row in rows}
    children: dict[int | None, list[int]] = {}
    for ref in pages.values():
        # a page whose parent is in the trash shows at the top, as the full tree always did
        parent = ref.parent_id if ref.parent_id in pages else None
        children.setdefault(parent, []).append(ref.id)
    return Shape(pages, children)


def full_tree(shape: Shape) -> Level:
    def level(parent: int | None) -> Level:
        ids = shape.children.get(parent, [])
        return Level([_node(shape, page_id, level(page_id)) for page_id in ids])

    return level(None)


def around(shape: Shape, current_id: int | None) -> Level:
    """The top level, the path down to ``current_id``, its siblings and children."""
    path: list[int] = []
    page_id = current_id if current_id in shape.pages else None
    while page_id is not None:
        path.append(page_id)
        parent = shape.pages[page_id].parent_id
        page_id = parent if parent in shape.pages else None
    path.reverse()
    on_path = set(path)

    def level(parent: int | None, depth: int) -> Level:
        ids = shape.children.get(parent, [])
        focus = path[depth] if depth < len(path) else None
        start, end = _window(ids, focus)
        nodes = []
        for page_id in ids[start:end]:
            unfolded = page_id in on_path
            below = level(page_id, depth + 1) if unfolded else None
            nodes.append(_node(shape, page_id, below, current=page_id == current_id))
        return Level(nodes, before=start, after=len(ids) - end)

    return level(None, 0)


def shown_count(level: Level) -> int:
    return sum(1 + (shown_count(n.children) if n.children else 0) for n in level.nodes)


def _window(ids: list[int], focus: int | None) -> tuple[int, int]:
    if len(ids) <= 2 * NEIGHBOURS + 1:
        return 0, len(ids)
    middle = ids.index(focus) if focus is not None else 0
    start = max(0, min(middle - NEIGHBOURS, len(ids) - 2 * NEIGHBOURS - 1))
    return start, start + 2 * NEIGHBOURS + 1


def _node(shape: Shape, page_id: int, below: Level | None, current: bool = False) -> ShownNode:
    count = len(shape.children.get(page_id, ()))
    return ShownNode(shape.pages[page_id], current, below, count)
