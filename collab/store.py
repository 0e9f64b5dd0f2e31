"""The update log of live documents: append before broadcasting, load, compact.

``UpdateStore`` is the seam; ``SqlUpdateStore`` writes to the wiki's database (its own short
sessions, never the request's), ``MemoryUpdateStore`` is the in-tree fake for unit tests.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Protocol

from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from wiki.models import CollabSeed, CollabUpdate, CollabWriteback

#: ``merge(rows) -> state``: folds the stored rows into the live document, returns its state.
Merger = Callable[[list[bytes]], bytes]


class UpdateStore(Protocol):
    def load(self, page_id: int, after: int = 0) -> tuple[list[bytes], int]:
        """The page's stored updates with an id above ``after``, in order, and the id of the
        last one (``after`` if none)."""
        ...

    def append(self, page_id: int, updates: Sequence[bytes]) -> int:
        """Store ``updates`` in one transaction; returns the id of the last row."""
        ...

    def seed(self, page_id: int, update: bytes) -> bool:
        """Store the seed update once; False if another process seeded the page first."""
        ...

    def compact(self, page_id: int, up_to: int, merge: Merger) -> int:
        """Replace the rows ``<= up_to`` by ``merge(their data)`` in one transaction; only the
        rows read are deleted (another process may have stored rows the live document has not
        received yet: ``merge`` applies them first). Returns the new row id."""
        ...

    def has_updates(self, page_id: int) -> bool: ...

    def written_back(self, page_id: int, row_id: int) -> None:
        """``Page.markdown`` holds the log up to ``row_id`` (the marker only moves forward)."""
        ...

    def behind(self) -> list[tuple[int, int]]:
        """(page id, last row id) of the pages whose log has rows above their marker."""
        ...


class SqlUpdateStore:
    def __init__(self, engine: Engine) -> None:
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def _session(self) -> Session:
        return self._sessions()

    def load(self, page_id: int, after: int = 0) -> tuple[list[bytes], int]:
        with self._session() as session:
            rows = session.execute(
                select(CollabUpdate.id, CollabUpdate.data)
                .where(CollabUpdate.page_id == page_id, CollabUpdate.id > after)
                .order_by(CollabUpdate.id)
            ).all()
        return [bytes(r.data) for r in rows], (rows[-1].id if rows else after)

    def append(self, page_id: int, updates: Sequence[bytes]) -> int:
        with self._session() as session, session.begin():
            rows = [CollabUpdate(page_id=page_id, data=u) for u in updates]
            session.add_all(rows)
            session.flush()
            return rows[-1].id

    def seed(self, page_id: int, update: bytes) -> bool:
        try:
            with self._session() as session, session.begin():
                session.add(CollabSeed(page_id=page_id))
                session.flush()
                session.add(CollabUpdate(page_id=page_id, data=update))
        except IntegrityError:
            return False
        return True

    def compact(self, page_id: int, up_to: int, merge: Merger) -> int:
        with self._session() as session, session.begin():
            rows = session.execute(
                select(CollabUpdate.id, CollabUpdate.data)
                .where(CollabUpdate.page_id == page_id, CollabUpdate.id <= up_to)
                .order_by(CollabUpdate.id)
            ).all()
            row = CollabUpdate(page_id=page_id, data=merge([bytes(r.data) for r in rows]))
            session.add(row)
            session.flush()
            ids = [r.id for r in rows]
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                session.execute(delete(CollabUpdate).where(CollabUpdate.id.in_(chunk)))
            return row.id

    def has_updates(self, page_id: int) -> bool:
        with self._session() as session:
            count = session.scalar(
                select(func.count())
                .select_from(CollabUpdate)
                .where(CollabUpdate.page_id == page_id)
            )
        return bool(count)

    def written_back(self, page_id: int, row_id: int) -> None:
        if row_id <= 0:
            return
        try:
            with self._session() as session, session.begin():
                moved = session.execute(
                    update(CollabWriteback)
                    .where(CollabWriteback.page_id == page_id, CollabWriteback.row_id < row_id)
                    .values(row_id=row_id)
                ).rowcount
                if not moved and session.get(CollabWriteback, page_id) is None:
                    session.add(CollabWriteback(page_id=page_id, row_id=row_id))
        except IntegrityError:
            pass  # another process wrote the first marker at the same moment: the next one moves it

    def behind(self) -> list[tuple[int, int]]:
        last = func.max(CollabUpdate.id)
        query = (
            select(CollabUpdate.page_id, last)
            .outerjoin(CollabWriteback, CollabWriteback.page_id == CollabUpdate.page_id)
            .group_by(CollabUpdate.page_id, CollabWriteback.row_id)
            .having(last > func.coalesce(CollabWriteback.row_id, 0))
        )
        with self._session() as session:
            return [(page_id, row_id) for page_id, row_id in session.execute(query)]


class MemoryUpdateStore:
    """Same contract, in a dict: for unit tests."""

    def __init__(self) -> None:
        self.rows: dict[int, list[tuple[int, bytes]]] = {}
        self.seeded: set[int] = set()
        self.markers: dict[int, int] = {}
        self._next = 1
        self._lock = threading.Lock()

    def _add(self, page_id: int, data: bytes) -> int:
        row_id, self._next = self._next, self._next + 1
        self.rows.setdefault(page_id, []).append((row_id, data))
        return row_id

    def load(self, page_id: int, after: int = 0) -> tuple[list[bytes], int]:
        with self._lock:
            rows = [(i, d) for i, d in self.rows.get(page_id, []) if i > after]
        return [d for _, d in rows], (rows[-1][0] if rows else after)

    def append(self, page_id: int, updates: Sequence[bytes]) -> int:
        with self._lock:
            return [self._add(page_id, u) for u in updates][-1]

    def seed(self, page_id: int, update: bytes) -> bool:
        with self._lock:
            if page_id in self.seeded:
                return False
            self.seeded.add(page_id)
            self._add(page_id, update)
            return True

    def compact(self, page_id: int, up_to: int, merge: Merger) -> int:
        with self._lock:
            rows = self.rows.get(page_id, [])
            state = merge([d for i, d in rows if i <= up_to])
            self.rows[page_id] = [(i, d) for i, d in rows if i > up_to]
            return self._add(page_id, state)

    def has_updates(self, page_id: int) -> bool:
        with self._lock:
            return bool(self.rows.get(page_id))

    def written_back(self, page_id: int, row_id: int) -> None:
        with self._lock:
            self.markers[page_id] = max(self.markers.get(page_id, 0), row_id)

    def behind(self) -> list[tuple[int, int]]:
        with self._lock:
            return [
                (page_id, rows[-1][0])
                for page_id, rows in self.rows.items()
                if rows and rows[-1][0] > self.markers.get(page_id, 0)
            ]
