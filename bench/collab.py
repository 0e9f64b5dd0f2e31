"""Live-editing benchmark: N clients per page, each inserting a character every 200 ms for 20 s.

    .venv/bin/python bench/collab.py --clients 30
    .venv/bin/python bench/collab.py --clients 100
    .venv/bin/python bench/collab.py --pages 3 --clients 10
    .venv/bin/python bench/collab.py --clients 30 --node /tmp/yws   # reference @y/websocket-server

Starts the server itself (Cercle on a temporary SQLite database, or the Node reference), drives
the clients from one asyncio process (bench/wsclient.py) and prints latency percentiles from a
client's send to every other client's receipt, deliveries per second, server and generator CPU,
server RSS, and whether every client and the server (a fresh client joining at the end) converged.
Each page also gets a meter, a client that never types and works out which items each message
carries; typing clients only timestamp what they receive and apply it in batches.

Figures (2026-11-23, 2 cores shared by server and generator, load average 0.75-1.16; the five
commands above in one run, COLLAB_COALESCE_MS=4 scaled up to 3x in big rooms), in ms:

    run                  p50    p99     max  server CPU  generator CPU  converged
    cercle 30 clients    7.4   19.3    60.2      33 %        12 %         yes
    cercle 100 clients  19.2  221.5   348.0      75 %        56 %         yes
    cercle 3 x 10        8.4   19.3    64.1      30 %         8 %         yes
    node   30 clients    1.1    3.7    33.0       6 %        13 %         yes
    node  100 clients    3.8   31.9    86.0      25 %        86 %         yes

A run with other jobs on the machine (load 2.8-4.8): cercle 100 p99 181 ms, node 100 87 ms.
Before the meter (every client decoded the state vector of every message), the generator was
the bottleneck: 86 % CPU at 100 clients on Cercle, 99.7 % on Node, whose p99 read 1,257 ms.
Profile of the server at 100 clients (py-spy --gil): ~40 % in the flusher's emit (one queued
send and thread wake-up per client), ~12 % in the socket writers, ~12 % in the handlers
(apply + parse), ~9 % appending to SQLite.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import resource
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from pycrdt import Doc, Text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.wsclient import SocketIOChannel, YWebsocketChannel
from collab import protocol

log = logging.getLogger("bench.collab")
ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Stats:
    """Receipts are resolved into latencies after the run: a client only records (itself,
    message, time); the room's meter, a client that never types, works out once per message
    which (client, clock) items it carries. Decoding a 100-entry state vector on every
    message in every client was two thirds of the generator's CPU at 100 clients."""

    sent_at: dict[int, dict[int, float]] = field(default_factory=dict)
    receipts: list[tuple[int, bytes, float]] = field(default_factory=list)
    contents: dict[bytes, list[tuple[int, int]]] = field(default_factory=dict)
    recording: bool = False

    def latencies(self) -> list[float]:
        result: list[float] = []
        for receiver, payload, at in self.receipts:
            for client, clock in self.contents.get(payload, ()):
                sent = self.sent_at.get(client, {}).get(clock) if client != receiver else None
                if sent is not None:
                    result.append(at - sent)
        return result


class BenchClient:
    def __init__(self, channel, stats: Stats, rng: random.Random) -> None:
        self.channel, self.stats, self.rng = channel, stats, rng
        self.doc = Doc()
        self.text = self.doc.get("content", type=Text)
        self.clock = 0
        self.inbox: list[bytes] = []
        self.stats.sent_at[self.doc.client_id] = {}

    def _on_update(self, update: bytes) -> None:
        if self.stats.recording:
            self.stats.receipts.append((self.doc.client_id, update, time.monotonic()))
        self.inbox.append(update)  # applied in a batch, when the client next needs its text

    def drain(self) -> None:
        inbox, self.inbox = self.inbox, []
        if inbox:
            with self.doc.transaction():
                for update in inbox:
                    self.doc.apply_update(update)

    def content(self) -> str:
        self.drain()
        return str(self.text)

    async def reader(self) -> None:
        while True:
            message = protocol.parse(await self.channel.recv())
            if message.kind == protocol.YMessageType.AWARENESS:
                continue
            if message.step == protocol.YSyncMessageType.SYNC_STEP1:
                self.drain()
                self.channel.send(protocol.sync_step2(self.doc, message.payload))
            else:
                self._on_update(message.payload)

    def type_one(self) -> None:
        self.drain()
        before = self.doc.get_state()
        length = len(str(self.text))
        self.text.insert(self.rng.randint(0, length), self.rng.choice("abcdefgh "))
        update = self.doc.get_update(before)
        self.stats.sent_at[self.doc.client_id][self.clock] = time.monotonic()
        self.clock += 1  # one ASCII character: one Yjs clock tick
        self.channel.send(protocol.update_message(update))


class Meter(BenchClient):
    """Never types; applies each message at once to learn the items it carries."""

    def __init__(self, channel, stats: Stats, rng: random.Random) -> None:
        super().__init__(channel, stats, rng)
        self.sv: dict[int, int] = {}

    def _on_update(self, update: bytes) -> None:
        self.doc.apply_update(update)
        new = protocol.decode_state_vector(self.doc.get_state())
        if update not in self.stats.contents:
            self.stats.contents[update] = [
                (client, k)
                for client, clock in new.items()
                for k in range(self.sv.get(client, 0), clock)
            ]
        self.sv = new


async def typist(client: BenchClient, seconds: float, period: float) -> None:
    await asyncio.sleep(client.rng.random() * period)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        client.type_one()
        await asyncio.sleep(period)


def _cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def start_cercle(tmp: Path, port: int, pages: int) -> tuple[subprocess.Popen, list[int], str]:
    from app import create_app
    from wiki import accounts, migrate
    from wiki import pages as wiki_pages
    from wiki.db import db
    from wiki.models import Membership, Space

    url = f"sqlite:///{tmp / 'bench.db'}"
    migrate.upgrade(url)
    app = create_app({"DATA_DIR": tmp, "DATABASE_URL": url, "SECRET_KEY": "bench"})
    with app.app_context():
        user = accounts.create_user("bench@cercle.test", "Banc d'essai", "banc-essai-2026")
        space = Space(slug="bench", title="Banc d'essai")
        db.session.add(space)
        db.session.flush()
        db.session.add(Membership(space_id=space.id, user_id=user.id, role="participant"))
        db.session.commit()
        ids = [
            wiki_pages.create_page(user, space, f"Page {i}", "# Fiche\n").id for i in range(pages)
        ]
        token = accounts.create_token(user)
        db.engine.dispose()
    env = {
        **os.environ,
        "CERCLE_DATA_DIR": str(tmp),
        "DATABASE_URL": url,
        "PORT": str(port),
        "SECRET_KEY": "bench",
    }
    proc = subprocess.Popen(
        [sys.executable, "app.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return proc, ids, token


def start_node(node_dir: str, port: int, pages: int) -> tuple[subprocess.Popen, list[int], str]:
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port)}
    proc = subprocess.Popen(
        ["node", "node_modules/@y/websocket-server/src/server.js"],
        cwd=node_dir,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return proc, list(range(1, pages + 1)), ""


async def open_channel(args, port: int, page_id: int, token: str):
    if args.node:
        return await YWebsocketChannel.open("127.0.0.1", port, f"page-{page_id}")
    return await SocketIOChannel.open("127.0.0.1", port, token, page_id)


async def wait_port(port: int) -> None:
    for _ in range(200):
        try:
            _r, w = await asyncio.open_connection("127.0.0.1", port)
            w.close()
            return
        except OSError:
            await asyncio.sleep(0.05)
    raise RuntimeError("le serveur ne démarre pas")


async def run(args) -> dict:
    port = args.port
    with tempfile.TemporaryDirectory() as tmp:
        start = start_node if args.node else start_cercle
        proc, page_ids, token = (
            start(args.node, port, args.pages) if args.node else start(Path(tmp), port, args.pages)
        )
        try:
            await wait_port(port)
            return await drive(args, proc.pid, port, page_ids, token)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=10)


async def drive(args, pid: int, port: int, page_ids: list[int], token: str) -> dict:
    stats, rng = Stats(), random.Random(7)
    rooms: dict[int, list[BenchClient]] = {}
    meters: list[BenchClient] = []
    for page_id in page_ids:
        for kind in [Meter] + [BenchClient] * args.clients:
            channel = await open_channel(args, port, page_id, token)
            client = kind(channel, stats, random.Random(rng.random()))
            client.channel.send(protocol.sync_step1(client.doc))
            (meters if kind is Meter else rooms.setdefault(page_id, [])).append(client)
    clients = [c for cs in rooms.values() for c in cs]
    readers = [asyncio.create_task(c.reader()) for c in clients + meters]
    await asyncio.sleep(2)  # everyone synced
    stats.recording = True
    cpu0, gen0, t0 = _cpu(pid), resource.getrusage(resource.RUSAGE_SELF), time.monotonic()
    await asyncio.gather(*(typist(c, args.seconds, args.period) for c in clients))
    elapsed = time.monotonic() - t0
    cpu1, gen1 = _cpu(pid), resource.getrusage(resource.RUSAGE_SELF)
    converged, server_ok, lag = await settle(args, port, token, rooms)
    for task in readers:
        task.cancel()
    lat = sorted(stats.latencies())

    def pct(p: float) -> float:
        return 1000 * lat[min(len(lat) - 1, int(p * len(lat)))] if lat else float("nan")

    gen_cpu = (gen1.ru_utime + gen1.ru_stime) - (gen0.ru_utime + gen0.ru_stime)
    return {
        "server": "node @y/websocket-server" if args.node else "cercle",
        "pages": len(page_ids),
        "clients_per_page": args.clients,
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "max_ms": pct(1.0),
        "deliveries_per_s": len(lat) / elapsed,
        "server_cpu_pct": 100 * (cpu1 - cpu0) / elapsed,
        "server_rss_mb": _rss_mb(pid),
        "generator_cpu_pct": 100 * gen_cpu / elapsed,
        "clients_converged": converged,
        "server_converged": server_ok,
        "settle_s": lag,
    }


async def settle(args, port: int, token: str, rooms: dict[int, list[BenchClient]]):
    t0 = time.monotonic()
    converged = False
    while time.monotonic() - t0 < 30:
        if all(len({c.content() for c in cs}) == 1 for cs in rooms.values()):
            converged = True
            break
        await asyncio.sleep(0.1)
    server_ok = True
    for page_id, cs in rooms.items():
        channel = await open_channel(args, port, page_id, token)
        fresh = BenchClient(channel, Stats(), random.Random())
        fresh.channel.send(protocol.sync_step1(fresh.doc))
        task = asyncio.create_task(fresh.reader())
        await asyncio.sleep(1.5)
        task.cancel()
        server_ok = server_ok and fresh.content() == cs[0].content()
    return converged, server_ok, time.monotonic() - t0


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=30)
    parser.add_argument("--pages", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--period", type=float, default=0.2)
    parser.add_argument("--port", type=int, default=5391)
    parser.add_argument("--node", help="folder with @y/websocket-server installed (reference)")
    result = asyncio.run(run(parser.parse_args()))
    for key, value in result.items():
        log.info("%-20s %s", key, f"{value:.1f}" if isinstance(value, float) else value)


if __name__ == "__main__":
    main()
