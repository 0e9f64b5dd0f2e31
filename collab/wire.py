"""Sending ``/collab`` events straight onto the WebSockets, from the thread that emits them.

python-socketio queues a room emit as two Engine.IO packets (a binary event's header and its
attachment) on each recipient's queue, and that connection's writer thread wakes up to frame
and write them, one ``send`` each. At 100 editors a flush was 100 thread wake-ups fighting
for the GIL and 200 separate writes: the biggest share of the server's time and the tail of
its latency (profile in ``bench/collab.py``). Here the emitting thread (the flusher, mostly)
frames each recipient's packet and writes both frames in one non-blocking write, so:

- no thread wakes up when the socket takes the bytes at once (nearly always);
- a packet's frames are one write: nothing can come between them (the race
  ``collab._whole_packets`` guards against), and the second never waits for an ACK (Nagle);
- a client that does not read is never waited for: when its socket buffer is full, what was
  not written goes to its writer thread, which sends it before anything else (blocking
  there, as before), and its packets are queued the usual way until that is done.

``Wire`` replaces simple-websocket's WSGI wrapper in engine.io (threading mode only), keeps
the connection's framing (``wsproto``, with its compression when negotiated) under one lock
taken by both the writer thread and this path, and registers itself while the connection
lives. Two whole packets may reach a client in another order than they were emitted (one
written here while the writer thread sends an earlier one): Yjs updates and awareness states
do not depend on their order. Polling clients and any connection without a ``Wire`` get
python-socketio's packets, queued under ``packet_lock``. With a message queue (Redis) emits
must reach other processes' clients, so ``collab.init_app`` keeps python-socketio's emit.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from typing import Any

from engineio import exceptions as eio_exceptions
from engineio import packet as eio_packet
from engineio.async_drivers._websocket_wsgi import SimpleWebSocketWSGI
from socketio import packet as sio_packet
from wsproto.events import BytesMessage, TextMessage

log = logging.getLogger(__name__)

Frame = str | bytes


class Frames(bytes):
    """WebSocket frames already built (the part of a write the socket did not take)."""


class _Packet(eio_packet.Packet):
    """One whole Socket.IO packet (its header and attachments) as one item of an Engine.IO
    queue: the writer thread hands it to ``Wire.send``, which frames and writes it at once."""

    def __init__(self, frames: tuple[Frame, ...] | Frames) -> None:
        super().__init__(eio_packet.MESSAGE, data="<collab>")
        self.frames = frames

    def encode(self, b64: bool = False) -> Any:
        return self.frames


class Wire(SimpleWebSocketWSGI):
    """A WebSocket connection that whole packets can be written to from any thread."""

    #: set by ``Broadcaster.install``: engine.io sid → its Wire, while the connection lives
    registry: dict[str, Wire] = {}

    def __init__(self, handler: Callable[[Any], Any], server: Any, **kwargs: Any) -> None:
        super().__init__(handler, server, **kwargs)
        self.lock = threading.Lock()
        #: bytes handed to the writer thread are not written yet: queue, do not write
        self.behind = False
        #: the engine.io socket whose transport this is (``_websocket_handler``'s owner)
        self.owner: Any = getattr(handler, "__self__", None)
        registry, run = self.registry, handler

        def registered(ws: Any) -> Any:  # self.ws exists from here until the handler returns
            sid = getattr(self.owner, "sid", None)
            if sid is not None:
                registry[sid] = self
            try:
                return run(ws)
            finally:
                if sid is not None and registry.get(sid) is self:
                    del registry[sid]

        self.app = registered

    def _frames(self, frames: tuple[Frame, ...]) -> bytes:
        connection = self.ws.ws  # wsproto: compression state, so built in sending order
        return b"".join(
            connection.send(TextMessage(data=f) if isinstance(f, str) else BytesMessage(data=f))
            for f in frames
        )

    def send(self, message: Any) -> Any:
        """The writer thread's path (engine.io's own packets and ours that were queued)."""
        with self.lock:
            if isinstance(message, Frames):
                self.ws.sock.sendall(message)
                self.behind = False
                return None
            if isinstance(message, tuple):
                if not self.ws.connected:
                    raise OSError("closed")
                self.ws.sock.sendall(self._frames(message))
                return None
            return super().send(message)

    def write_now(self, frames: tuple[Frame, ...]) -> bool:
        """Write one whole packet without waiting; False: queue it instead (not upgraded
        yet, the writer thread has work, or the connection is closing)."""
        owner = self.owner
        with self.lock:
            if (
                self.behind
                or owner is None
                or not owner.upgraded
                or owner.closed
                or not owner.queue.empty()
                or not self.ws.connected
            ):
                return False
            data = self._frames(frames)
            try:
                written = _write_without_waiting(self.ws.sock, data)
            except BlockingIOError:
                written = 0
            except OSError:
                return True  # going away: its reader notices and closes it
            if written < len(data):  # the rest by the writer thread, before anything else
                self.behind = True
                owner.queue.put(_Packet(Frames(data[written:])))
            return True


def _write_without_waiting(sock: socket.socket, data: bytes) -> int:
    """As much of ``data`` as the socket takes now (BlockingIOError: nothing)."""
    if sock.gettimeout():
        # a socket with a timeout would first wait (up to it) for room; its descriptor is
        # non-blocking, so a plain write takes what fits
        return os.write(sock.fileno(), data)
    return sock.send(data, socket.MSG_DONTWAIT)  # gunicorn's blocking socket: not this once


class Broadcaster:
    """``emit(event, args, to, skip_sid)`` on one namespace, written as described above."""

    def __init__(self, server: Any, namespace: str) -> None:
        self.server, self.namespace = server, namespace
        #: keeps a packet's frames together on the queues of connections without a Wire
        self.packet_lock = threading.Lock()
        self.wires: dict[str, Wire] = {}

    def install(self) -> None:
        """Use ``Wire`` for this server's WebSockets (threading mode's wrapper only)."""
        eio = self.server.eio
        if eio._async.get("websocket") is not SimpleWebSocketWSGI:
            return
        wires = self.wires
        wire = type("BoundWire", (Wire,), {"registry": wires})
        eio._async = {**eio._async, "websocket": wire}  # this server's copy, not the module's

    def emit(self, event: str, args: tuple[Any, ...], to: str, skip_sid: str | None) -> None:
        server = self.server
        encoded = server.packet_class(
            sio_packet.EVENT, namespace=self.namespace, data=[event, *args]
        ).encode()
        parts = encoded if isinstance(encoded, list) else [encoded]
        frames: tuple[Frame, ...] = tuple(
            "4" + p if isinstance(p, str) else p  # Engine.IO message framing
            for p in parts
        )
        for sid, eio_sid in list(server.manager.get_participants(self.namespace, to)):
            if sid == skip_sid:
                continue
            wire = self.wires.get(eio_sid)
            if wire is not None and wire.write_now(frames):
                continue
            eio_socket = server.eio.sockets.get(eio_sid)
            try:
                if eio_socket is None:
                    continue
                if wire is not None and eio_socket.upgraded:
                    eio_socket.send(_Packet(frames))  # whole, through its writer thread
                    continue
                with self.packet_lock:  # python-socketio's packets (polling)
                    for part in parts:
                        eio_socket.send(eio_packet.Packet(eio_packet.MESSAGE, data=part))
            except eio_exceptions.SocketIsClosedError:
                continue  # gone meanwhile: the others still get it
