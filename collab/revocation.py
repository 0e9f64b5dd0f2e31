"""A revoked API token, an ended sign-in session: every live connection opened with it is
closed at once, in every process.

The process where the revocation happens publishes it on a Redis channel when several
processes serve Cercle (``REDIS_URL``); each process, the publisher included, closes its
own connections when the message arrives (a connection lives in one process, only that one
can close it). Without Redis, or if Redis cannot be reached, the revoking process closes
its own at once; the HTTP side already refuses the token or session everywhere, since it
is checked in the database on each request.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import redis

log = logging.getLogger(__name__)

#: closes this process's connections opened with the token or one of the sessions
CloseLocal = Callable[[int | None, frozenset[int]], None]


def encode(token_id: int | None, session_ids: frozenset[int]) -> bytes:
    return json.dumps({"token_id": token_id, "session_ids": sorted(session_ids)}).encode()


def decode(data: bytes) -> tuple[int | None, frozenset[int]]:
    message = json.loads(data)
    token_id = message.get("token_id")
    return (
        token_id if isinstance(token_id, int) else None,
        frozenset(i for i in message.get("session_ids") or () if isinstance(i, int)),
    )


class Revocations:
    def __init__(
        self,
        close_local: CloseLocal,
        redis_url: str | None,
        channel: str,
        spawn: Callable[[Callable[[], None]], Any],
        stopped: threading.Event,
    ) -> None:
        self.close_local = close_local
        self.channel = channel
        self.redis = redis.Redis.from_url(redis_url) if redis_url else None
        self._spawn, self._stopped = spawn, stopped
        self._pubsub: Any = None
        self._lock = threading.Lock()

    def start(self) -> None:
        """Listen to the other processes' revocations (subscribed before returning)."""
        if self.redis is None or self._pubsub is not None:
            return
        with self._lock:
            if self._pubsub is None:
                pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(self.channel)
                pubsub.get_message(timeout=1.0)  # the subscription's confirmation
                self._pubsub = pubsub
                self._spawn(self.listen)

    def revoked(
        self, token_id: int | None = None, session_ids: frozenset[int] = frozenset()
    ) -> None:
        if self.redis is not None:
            try:
                self.redis.publish(self.channel, encode(token_id, session_ids))
                if self._pubsub is not None:
                    return  # the listener closes ours too
            except redis.RedisError:
                log.exception("Redis injoignable : seules les connexions de ce processus ferment")
        self.close_local(token_id, session_ids)

    def listen(self) -> None:
        while not self._stopped.is_set():
            try:
                message = self._pubsub.get_message(timeout=0.5)
            except redis.RedisError:
                log.exception("Redis injoignable ; nouvel abonnement dans 1 s")
                time.sleep(1)
                self._resubscribe()
                continue
            if message and message["type"] == "message":
                try:
                    self.close_local(*decode(message["data"]))
                except Exception:
                    log.exception("Révocation illisible ignorée")

    def _resubscribe(self) -> None:
        try:
            pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
            pubsub.subscribe(self.channel)
            self._pubsub = pubsub
        except redis.RedisError:
            log.warning("Redis toujours injoignable")
