"""A lean asyncio WebSocket client speaking just enough Engine.IO 4 / Socket.IO 5 (or raw
y-websocket) for the load generator: python-socketio's client costs ~100 µs per message."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import struct


class RawWebSocket:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def connect(cls, host: str, port: int, path: str) -> RawWebSocket:
        reader, writer = await asyncio.open_connection(host, port)
        key = base64.b64encode(os.urandom(16)).decode()
        writer.write(
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n".encode()
        )
        head = await reader.readuntil(b"\r\n\r\n")
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise ConnectionError(head.decode(errors="replace"))
        return cls(reader, writer)

    def send(self, payload: bytes | str) -> None:
        opcode = 1 if isinstance(payload, str) else 2
        data = payload.encode() if isinstance(payload, str) else payload
        n = len(data)
        header = bytes([0x80 | opcode])
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 65536:
            header += bytes([0x80 | 126]) + struct.pack("!H", n)
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", n)
        mask = os.urandom(4)
        repeated = (mask * (n // 4 + 1))[:n]
        masked = (int.from_bytes(data, "big") ^ int.from_bytes(repeated, "big")).to_bytes(n, "big")
        self.writer.write(header + mask + masked)

    async def recv(self) -> bytes | str:
        while True:
            b1, b2 = await self.reader.readexactly(2)
            n = b2 & 0x7F
            if n == 126:
                (n,) = struct.unpack("!H", await self.reader.readexactly(2))
            elif n == 127:
                (n,) = struct.unpack("!Q", await self.reader.readexactly(8))
            data = await self.reader.readexactly(n) if n else b""
            opcode = b1 & 0x0F
            if opcode == 8:
                raise ConnectionError("closed")
            if opcode == 9:
                self.writer.write(bytes([0x8A, 0x80]) + b"\0\0\0\0")
                continue
            if opcode in (1, 2):
                return data.decode() if opcode == 1 else data

    def close(self) -> None:
        self.writer.close()


class SocketIOChannel:
    """``/collab`` over Engine.IO: join a page, then y-websocket messages as ``yjs`` events."""

    def __init__(self, ws: RawWebSocket, page_id: int, early: list[bytes]) -> None:
        self.ws, self.page_id, self.early = ws, page_id, early

    @classmethod
    async def open(cls, host: str, port: int, token: str, page_id: int) -> SocketIOChannel:
        ws = await RawWebSocket.connect(host, port, "/socket.io/?EIO=4&transport=websocket")
        await ws.recv()  # "0{...}" open
        ws.send("40/collab," + json.dumps({"token": token}))
        while not str(await ws.recv()).startswith("40/collab,"):
            pass
        ws.send(f'42/collab,1["join",{{"page_id":{page_id}}}]')
        early: list[bytes] = []
        while True:  # the server's step 1 comes before the join's ack
            frame = await ws.recv()
            if isinstance(frame, bytes):
                early.append(frame)
            elif frame.startswith("43/collab,1"):
                return cls(ws, page_id, early)

    def send(self, message: bytes) -> None:
        placeholder = '{"_placeholder":true,"num":0}'
        self.ws.send(f'451-/collab,["yjs",{self.page_id},{placeholder}]')
        self.ws.send(message)

    async def recv(self) -> bytes:
        if self.early:
            return self.early.pop(0)
        while True:
            frame = await self.ws.recv()
            if isinstance(frame, bytes):
                return frame
            if frame == "2":
                self.ws.send("3")


class YWebsocketChannel:
    """The reference y-websocket server: one WebSocket per room, raw binary messages."""

    def __init__(self, ws: RawWebSocket) -> None:
        self.ws = ws

    @classmethod
    async def open(cls, host: str, port: int, room: str) -> YWebsocketChannel:
        return cls(await RawWebSocket.connect(host, port, "/" + room))

    def send(self, message: bytes) -> None:
        self.ws.send(message)

    async def recv(self) -> bytes:
        while True:
            frame = await self.ws.recv()
            if isinstance(frame, bytes):
                return frame
