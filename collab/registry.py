"""The open rooms of this process, by page id: created on demand, one per page, forgotten
when empty (``collab.rooms.Room`` owns each room's state)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from .rooms import Room


class RoomRegistry:
    """Open rooms by page id; creation is serialised so a page never has two rooms."""

    def __init__(self) -> None:
        self._rooms: dict[int, Room] = {}
        self._lock = threading.Lock()

    def get(self, page_id: int) -> Room | None:
        return self._rooms.get(page_id)

    def get_settled(self, page_id: int) -> Room | None:
        """The room, waiting if it is being loaded right now: a message from another process
        is then either in what the load read, or applied to the loaded room."""
        with self._lock:
            return self._rooms.get(page_id)

    def get_or_create(self, page_id: int, loader: Callable[[int], Room]) -> Room:
        room = self._rooms.get(page_id)
        if room is not None:
            return room
        with self._lock:
            room = self._rooms.get(page_id)
            if room is None:
                room = self._rooms[page_id] = loader(page_id)
            return room

    def remove(self, room: Room) -> None:
        with self._lock:
            if self._rooms.get(room.page_id) is room:
                del self._rooms[room.page_id]

    def remove_if_empty(self, room: Room) -> bool:
        """Forget the room unless someone is in it (checked under its lock: nobody enters in
        between); True when it was forgotten."""
        with room.lock:
            if room.occupied():
                return False
            self.remove(room)
            return True

    def all(self) -> list[Room]:
        return list(self._rooms.values())
