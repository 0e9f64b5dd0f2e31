"""A Python Yjs client of ``/collab``: pycrdt + python-socketio, nothing else."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import socketio
from pycrdt import Doc, Text, create_sync_message, create_update_message

from collab import protocol

NS = "/collab"


class YClient:
    def __init__(self, url: str, token: str, page_id: int, *, reconnect: bool = True) -> None:
        self.url, self.token, self.page_id = url, token, page_id
        self.doc = Doc()
        self.text = self.doc.get("content", type=Text)
        self.lock = threading.RLock()
        self.errors: list[dict[str, Any]] = []
        self.received: list[bytes] = []
        self.presence: list[bytes] = []
        self.writable: bool | None = None
        self.joined = threading.Event()
        self._remote = False
        self.sio = socketio.Client(
            reconnection=reconnect, reconnection_delay=0.2, reconnection_delay_max=1
        )
        self.sio.on("connect", self._on_connect, namespace=NS)
        self.sio.on("disconnect", lambda *_: self.joined.clear(), namespace=NS)
        self.sio.on("yjs", self._on_yjs, namespace=NS)
        self.sio.on("error", self.errors.append, namespace=NS)
        _messages_in_order(self.sio)
        self.doc.observe(self._on_local)

    def connect(self, timeout: float = 10) -> YClient:
        self.sio.connect(
            self.url,
            namespaces=[NS],
            transports=["websocket"],
            auth={"token": self.token},
            wait_timeout=timeout,
        )
        assert self.joined.wait(timeout), "join sans réponse"
        return self

    def close(self) -> None:
        self.sio.disconnect()

    # --- protocol ----------------------------------------------------------------------------

    def _on_connect(self) -> None:
        self.joined.clear()
        self.sio.emit("join", {"page_id": self.page_id}, namespace=NS, callback=self._on_join)

    def _on_join(self, ack: dict[str, Any]) -> None:
        self.writable = ack.get("writable")
        with self.lock:
            step1 = create_sync_message(self.doc)
        self.send(step1)
        self.joined.set()

    def send(self, message: bytes) -> None:
        if self.sio.connected:
            self.sio.emit("yjs", (self.page_id, message), namespace=NS)

    def call(self, message: bytes, timeout: float = 10) -> Any:
        """Send and wait for the acknowledgement (for an update: it is stored)."""
        return self.sio.call("yjs", (self.page_id, message), namespace=NS, timeout=timeout)

    def _on_local(self, event: Any) -> None:
        if not self._remote:
            self.send(create_update_message(event.update))

    def local_update(self, edit: Callable[[], None]) -> bytes:
        """Run ``edit`` on the document without sending it; returns its update."""
        with self.lock:
            before = self.doc.get_state()
            self._remote = True  # not sent by the observer: the caller sends it
            try:
                edit()
            finally:
                self._remote = False
            return self.doc.get_update(before)

    def insert_acked(self, index: int, value: str, timeout: float = 10) -> Any:
        """Insert, send the update and wait for its acknowledgement."""
        update = self.local_update(lambda: self.insert(index, value))
        return self.call(create_update_message(update), timeout)

    def _on_yjs(self, page_id: int, data: bytes) -> None:
        message = protocol.parse(data)
        with self.lock:
            if message.kind == protocol.YMessageType.AWARENESS:
                self.presence.append(message.payload)
                return
            if message.step == protocol.YSyncMessageType.SYNC_STEP1:
                self.send(protocol.sync_step2(self.doc, message.payload))
                return
            self.received.append(message.payload)
            self._remote = True
            try:
                self.doc.apply_update(message.payload)
            finally:
                self._remote = False

    # --- editing -----------------------------------------------------------------------------

    def content(self) -> str:
        with self.lock:
            return str(self.text)

    def insert(self, index: int, value: str) -> None:
        """Insert at a character index (pycrdt counts UTF-8 bytes)."""
        with self.lock:
            current = str(self.text)
            self.text.insert(len(current[:index].encode()), value)

    def delete(self, index: int, length: int) -> None:
        with self.lock:
            current = str(self.text)
            start = len(current[:index].encode())
            end = start + len(current[index : index + length].encode())
            del self.text[start:end]


def _messages_in_order(sio: socketio.Client) -> None:
    """python-socketio's threaded client (5.18) hands every Engine.IO message to a new thread,
    so a binary event's two frames (header, attachment) race to be assembled: an attachment
    taken for a header raises ValueError, the update is lost and every later one of that
    typist stays pending (seen behind nginx). Handle them in the reader thread, in order."""
    trigger = sio.eio._trigger_event

    def in_order(event: str, *args: Any, **kwargs: Any) -> Any:
        kwargs["run_async"] = False
        return trigger(event, *args, **kwargs)

    sio.eio._trigger_event = in_order


def wait_for(predicate: Callable[[], bool], timeout: float = 15, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"délai dépassé : {what}")
