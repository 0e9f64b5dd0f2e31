"""Several server processes on one Redis (``REDIS_URL``): keep their live documents in step.

The Socket.IO message queue carries *emits to clients* between processes, not the server-side
pycrdt documents: without more, process B's document never sees what process A's clients type,
a client joining through B gets an incomplete state and then diverges (STACK-NOTES 7b).

So every process publishes what it stored (node id, page id, typists, merged update) and the
awareness it broadcast on ``<COLLAB_REDIS_CHANNEL>:docs``; a background task applies other
nodes' messages to its open rooms under the room lock. It does **not** relay them to its own
clients: the message queue already delivered the same emit to every process's clients.

Races, and why they are closed:
- A process stores an update in SQL *before* publishing it. A room being loaded holds the
  registry lock (``RoomRegistry.get_settled``), so a message is either in what the load read
  or applied to the loaded room (duplicates are no-ops in Yjs).
- Redis channels are not ordered with the message queue: a client may join B after A's emit
  went out but before B's document received it. ``CollabHub.join`` therefore folds the rows
  stored since the room's last load *after* the client entered the Socket.IO room: anything
  older is in SQL, anything newer reaches the client through the message queue.
- Compaction reads the rows it replaces and folds them first (``UpdateStore.compact``).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any, Protocol

import redis

log = logging.getLogger(__name__)
UPDATE, AWARENESS = "u", "a"


class Replica(Protocol):
    """What the hub tells the other processes (the seam; ``None`` when there is one)."""

    def start(self) -> None: ...

    def publish_update(self, page_id: int, update: bytes, authors: list[int]) -> None: ...

    def publish_awareness(self, page_id: int, payload: bytes, owners: list[int]) -> None:
        """``owners``: the user id of each client id's connection, as pairs flattened
        (``[client id, user id, …]``), so other processes keep presence ownership too."""
        ...


class RemoteSink(Protocol):
    """Where another process's messages go (``CollabHub``)."""

    def apply_remote(self, page_id: int, update: bytes, authors: list[int]) -> None: ...

    def apply_remote_awareness(self, page_id: int, payload: bytes, owners: list[int]) -> None: ...

    def resync(self) -> None:
        """Fold what was stored while messages could have been missed."""
        ...


def encode(kind: str, node: str, page_id: int, authors: list[int], payload: bytes) -> bytes:
    header = f"{kind}|{node}|{page_id}|{','.join(map(str, authors))}\n"
    return header.encode() + payload


def decode(message: bytes) -> tuple[str, str, int, list[int], bytes]:
    header, payload = message.split(b"\n", 1)
    kind, node, page, authors = header.decode().split("|")
    return kind, node, int(page), [int(a) for a in authors.split(",") if a], payload


class RedisDocSync:
    def __init__(
        self,
        url: str,
        channel: str,
        sink: RemoteSink,
        spawn: Callable[[Callable[[], None]], Any],
        stopped: threading.Event,
    ) -> None:
        self.node = uuid.uuid4().hex
        self.channel = channel
        self.sink = sink
        self.redis = redis.Redis.from_url(url)
        self._spawn, self._stopped = spawn, stopped
        self._pubsub: Any = None
        self._lock = threading.Lock()

    def start(self) -> None:
        """Subscribe (confirmed before returning, so before any room loads), then listen."""
        if self._pubsub is not None:
            return
        with self._lock:
            if self._pubsub is None:
                pubsub = self._subscribe()
                self._pubsub = pubsub
                self._spawn(self.listen)

    def _subscribe(self) -> Any:
        pubsub = self.redis.pubsub()
        pubsub.subscribe(self.channel)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # the confirmation: from now on nothing is missed
            message = pubsub.get_message(timeout=1)
            if message and message["type"] == "subscribe":
                return pubsub
        raise ConnectionError(f"abonnement Redis {self.channel} sans confirmation")

    def publish_update(self, page_id: int, update: bytes, authors: list[int]) -> None:
        self.redis.publish(self.channel, encode(UPDATE, self.node, page_id, authors, update))

    def publish_awareness(self, page_id: int, payload: bytes, owners: list[int]) -> None:
        self.redis.publish(self.channel, encode(AWARENESS, self.node, page_id, owners, payload))

    def listen(self) -> None:
        while not self._stopped.is_set():
            try:
                message = self._pubsub.get_message(ignore_subscribe_messages=True, timeout=0.5)
            except redis.RedisError:
                log.exception("Redis injoignable ; nouvel abonnement dans 1 s")
                time.sleep(1)
                self._resubscribe()
                continue
            if message and message["type"] == "message":
                self.handle(message["data"])

    def _resubscribe(self) -> None:
        try:
            self._pubsub = self._subscribe()
        except (redis.RedisError, ConnectionError):
            log.warning("Redis toujours injoignable")
            return
        self.sink.resync()

    def handle(self, data: bytes) -> None:
        try:
            kind, node, page_id, authors, payload = decode(data)
            if node == self.node:
                return
            if kind == UPDATE:
                self.sink.apply_remote(page_id, payload, authors)
            elif kind == AWARENESS:
                self.sink.apply_remote_awareness(page_id, payload, authors)
        except Exception:
            log.exception("Message d'un autre processus ignoré")
