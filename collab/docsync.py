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

A process that dies (``kill -9``, OOM) never says its clients left, and their cursors would
stay on every other process's screens until Yjs's 30 s awareness timeout. So each process
keeps a key ``<channel>:alive:<node>`` alive in Redis (TTL ``COLLAB_NODE_TTL``, 4 s,
refreshed five times per TTL) and remembers, from the awareness messages, which client ids
each other node owns (the ``owners`` of a message are its live ids; an id announced by
another node moved there). When a node's key is gone, its ids are dropped from the rooms
here and the removal is broadcast like a leave (``RemoteSink.drop_remote_awareness``), and
each room's document is sent again to its clients (``RemoteSink.node_gone``): killed between
storing, publishing here and emitting to the clients, the dead process may have left some
clients without an update the others have, and Yjs would keep every later update of that
typist pending in their documents. A
node that was only stalled longer than the TTL loses its cursors for a moment: its clients'
next presence update brings them back.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any, Protocol

import redis

from . import protocol

log = logging.getLogger(__name__)
UPDATE, AWARENESS = "u", "a"
NODE_TTL_S = 4.0


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

    def drop_remote_awareness(self, page_id: int, client_ids: list[int]) -> None:
        """A dead process's presences: remove them here and tell this process's clients."""
        ...

    def node_gone(self) -> None:
        """A process died: it may have stored or published updates it never sent to the
        clients (killed between the two); fold the log and resend the documents."""
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
        node_ttl_s: float = NODE_TTL_S,
    ) -> None:
        self.node = uuid.uuid4().hex
        self.channel = channel
        self.sink = sink
        self.redis = redis.Redis.from_url(url)
        self.node_ttl_s = node_ttl_s
        self._spawn, self._stopped = spawn, stopped
        self._pubsub: Any = None
        self._lock = threading.Lock()
        #: other node → page id → the awareness client ids it owns there (from its messages)
        self._remote: dict[str, dict[int, set[int]]] = {}
        self._remote_lock = threading.Lock()

    def _alive_key(self, node: str) -> str:
        return f"{self.channel}:alive:{node}"

    def start(self) -> None:
        """Subscribe (confirmed before returning, so before any room loads), then listen."""
        if self._pubsub is not None:
            return
        with self._lock:
            if self._pubsub is None:
                self.beat()  # alive before anyone hears from us
                pubsub = self._subscribe()
                self._pubsub = pubsub
                self._spawn(self.listen)
                self._spawn(self.heartbeat)

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

    # --- liveness -----------------------------------------------------------------------------

    def beat(self) -> None:
        self.redis.set(self._alive_key(self.node), b"1", px=int(self.node_ttl_s * 1000))

    def heartbeat(self) -> None:
        """Refresh our key and drop the presences of nodes whose key expired."""
        while not self._stopped.wait(self.node_ttl_s / 5):
            try:
                self.beat()
                self.reap()
            except redis.RedisError:
                log.warning("Redis injoignable : battement de cœur manqué")

    def owned(self, node: str, page_id: int, owners: list[int], mentioned: list[int]) -> None:
        """Note who owns which presence after an awareness message from ``node``."""
        live = set(owners[::2])
        with self._remote_lock:
            for other, pages in self._remote.items():
                if other != node and page_id in pages:
                    pages[page_id] -= live  # moved to ``node`` (a reconnection)
            ids = self._remote.setdefault(node, {}).setdefault(page_id, set())
            ids.difference_update(set(mentioned) - live)  # removed there
            ids |= live

    def reap(self) -> list[str]:
        """The nodes found dead (their key expired): their presences go; returns them."""
        with self._remote_lock:
            nodes = list(self._remote)
        if not nodes:
            return []
        alive = self.redis.exists(*[self._alive_key(n) for n in nodes]) == len(nodes)
        if alive:
            return []
        pipe = self.redis.pipeline(transaction=False)
        for node in nodes:
            pipe.exists(self._alive_key(node))
        dead = [n for n, found in zip(nodes, pipe.execute(), strict=True) if not found]
        for node in dead:
            with self._remote_lock:
                pages = self._remote.pop(node, {})
            log.warning("Processus %s muet : ses présences sont retirées", node[:8])
            for page_id, ids in pages.items():
                if ids:
                    self.sink.drop_remote_awareness(page_id, sorted(ids))
        if dead:
            self.sink.node_gone()
        return dead

    # --- messages -----------------------------------------------------------------------------

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
                with self._remote_lock:  # watched for its death even if nobody announced
                    self._remote.setdefault(node, {})
            elif kind == AWARENESS:
                self.sink.apply_remote_awareness(page_id, payload, authors)
                self.owned(node, page_id, authors, protocol.awareness_client_ids(payload))
        except Exception:
            log.exception("Message d'un autre processus ignoré")
