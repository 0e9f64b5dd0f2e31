"""Live-editing benchmark: N clients per page, each inserting a character every 200 ms for 20 s.

    .venv/bin/python bench/collab.py --clients 30
    .venv/bin/python bench/collab.py --clients 100
    .venv/bin/python bench/collab.py --pages 3 --clients 10
    .venv/bin/python bench/collab.py --clients 30 --node /tmp/yws   # reference @y/websocket-server
    .venv/bin/python bench/collab.py --clients 30 --async-mode gevent   # bench/gevent_server.py

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

Async mode (issue 3; 2026-11-30, ``--async-mode threading|gevent`` on the commands above, each
size run threading, gevent, threading, gevent back to back, twice for 30 and 100 clients;
other engineers' browser tests on the same 2 cores; load = 1-min load average before → after).
"ok" = clients, server and ``pages.markdown`` (``written_back``) converged; no server traceback:

    run  size   mode        p50    p99    max   server CPU  RSS MB  ok   load
    01   30     threading   7.9   44.5   98.1    29 %        96     yes   4.11 →  3.83
    02   30     gevent      8.6   52.5  125.9    19 %        95     yes   3.83 →  3.42
    03   30     threading   7.8   19.8   98.8    24 %        96     yes   3.42 →  3.02
    04   30     gevent      9.2   54.5  133.7    19 %        95     yes   2.94 →  2.51
    17   30     threading   8.6   37.9   93.9    30 %        97     yes   8.88 →  7.89
    18   30     gevent      9.0   52.8  126.0    20 %        96     yes   7.34 →  4.97
    19   30     threading   7.4   19.3   83.8    27 %        96     yes   4.97 →  3.35
    20   30     gevent     10.5   72.0  142.1    16 %        95     yes   3.35 →  2.72
    05   100    threading  26.3  128.1  292.0    59 %       119     yes   2.51 →  8.22
    06   100    gevent     70.0  483.1  604.3    31 %       102     yes   8.22 →  6.47
    07   100    threading  56.5  544.4  831.7    64 %       122     yes   6.47 →  9.07
    08   100    gevent     38.2  392.0  521.2    35 %       103     yes   9.07 →  6.27
    13   100    threading  54.7  565.7  788.7    55 %       122     yes   4.77 → 10.78
    14   100    gevent     56.5  381.7  672.0    34 %       102     yes  10.78 →  7.83
    15   100    threading  30.2  228.4  537.1    68 %       122     yes   7.28 → 13.96
    16   100    gevent     17.0   91.1  183.5    39 %       103     yes  13.96 →  8.88
    09   3x10   threading  10.3   80.0  146.2    23 %        96     yes   6.27 →  6.06
    10   3x10   gevent     10.5   61.3  184.5    19 %        95     yes   6.06 →  4.67
    11   3x10   threading   9.6   67.6  147.1    26 %        97     yes   4.67 →  4.46
    12   3x10   gevent     16.4  155.6  231.1    20 %        95     yes   4.46 →  5.08

gevent spends 20-45 % less server CPU (one OS thread against 130-410) and ~17 MB less RSS
at 100 clients, but its latency is no better: at 30 clients its p99 is 53-72 ms in all four
runs against 19-45 ms; at 100 clients both spread over 91-566 ms with the machine's load.
The load average counts runnable threads, so the threading server's ~400 threads push it up
during its own 100-client runs. Conclusion in collab/__init__.py: threading stays.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from pycrdt import Doc, Text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench import servers
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


def _group(pgid: int) -> list[int]:
    """The live processes of the server's process group: gunicorn's master and its worker
    (the worker serves, so the master's own figures alone read 0 % CPU and 1 thread)."""
    pids = []
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if int(stat_file.read_text().rsplit(")", 1)[1].split()[2]) == pgid:
                pids.append(int(stat_file.parent.name))
    return pids


def _cpu(pgid: int) -> float:
    return servers.group_cpu_seconds(pgid)


def _rss_mb(pgid: int) -> float:
    total = 0.0
    for pid in _group(pgid):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
    return total


def _threads(pgid: int) -> int:
    return sum(len(list(Path(f"/proc/{pid}/task").iterdir())) for pid in _group(pgid))


def start_cercle(
    tmp: Path, port: int, pages: int, mode: str
) -> tuple[subprocess.Popen, list[int], str]:
    from app import create_app
    from wiki import accounts, migrate
    from wiki import pages as wiki_pages
    from wiki.db import db
    from wiki.models import Membership, Space

    url = f"sqlite:///{tmp / 'bench.db'}"
    migrate.upgrade(url)
    config = {"DATA_DIR": tmp, "DATABASE_URL": url, "SECRET_KEY": "bench"}
    app = create_app({**config, "COLLAB_ASYNC_MODE": "threading"})  # seeding only
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
        "COLLAB_ASYNC_MODE": mode,
        # gunicorn's gthread worker holds a thread per open WebSocket: 100 clients, their
        # meters and the settling clients outgrow app.py's 100 threads
        "GUNICORN_CMD_ARGS": os.environ.get("GUNICORN_CMD_ARGS", "--threads 300"),
    }
    script = "bench/gevent_server.py" if mode == "gevent" else "app.py"
    with (tmp / "server.log").open("wb") as server_log:
        proc = subprocess.Popen(
            [sys.executable, script],
            cwd=ROOT,
            env=env,
            stdout=server_log,
            stderr=server_log,
            start_new_session=True,  # its own process group: stopped whole (bench/servers.py)
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
        start_new_session=True,
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


def _loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


async def run(args) -> dict:
    port, load = args.port, _loadavg()
    with tempfile.TemporaryDirectory() as tmp:
        if args.node:
            proc, page_ids, token = start_node(args.node, port, args.pages)
        else:
            proc, page_ids, token = start_cercle(Path(tmp), port, args.pages, args.async_mode)
        try:
            await wait_port(port)
            db = None if args.node else Path(tmp) / "bench.db"
            result = await drive(args, proc.pid, port, page_ids, token, db)
        finally:  # SIGTERM, SIGKILL after a timeout; never raises before the figures
            servers.stop(proc)
        if not args.node:  # the hub's threads (flusher, housekeeper) logged no error
            text = (Path(tmp) / "server.log").read_text(errors="replace")
            result["server_tracebacks"] = text.count("Traceback")
    return {**result, "loadavg_before": load, "loadavg_after": _loadavg()}


async def drive(
    args, pid: int, port: int, page_ids: list[int], token: str, db: Path | None
) -> dict:
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
    written = await written_back(db, rooms) if db else None
    for task in readers:
        task.cancel()
    for client in clients + meters:  # closed before the server stops: it need not wait
        client.channel.ws.close()
    lat = sorted(stats.latencies())

    def pct(p: float) -> float:
        return 1000 * lat[min(len(lat) - 1, int(p * len(lat)))] if lat else float("nan")

    gen_cpu = (gen1.ru_utime + gen1.ru_stime) - (gen0.ru_utime + gen0.ru_stime)
    return {
        "server": "node @y/websocket-server" if args.node else f"cercle {args.async_mode}",
        "pages": len(page_ids),
        "clients_per_page": args.clients,
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "max_ms": pct(1.0),
        "deliveries_per_s": len(lat) / elapsed,
        "server_cpu_pct": 100 * (cpu1 - cpu0) / elapsed,
        "server_rss_mb": _rss_mb(pid),
        "server_threads": _threads(pid),  # OS threads, master and worker
        "generator_cpu_pct": 100 * gen_cpu / elapsed,
        "clients_converged": converged,
        "server_converged": server_ok,
        "settle_s": lag,
        "written_back": written,
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
        channel.ws.close()
        server_ok = server_ok and fresh.content() == cs[0].content()
    return converged, server_ok, time.monotonic() - t0


async def written_back(db: Path, rooms: dict[int, list[BenchClient]]) -> bool:
    """The housekeeper wrote the live text back into ``pages.markdown`` (within 5 s)."""
    expected = {page_id: cs[0].content() for page_id, cs in rooms.items()}
    for _ in range(50):
        with contextlib.closing(sqlite3.connect(db)) as conn:
            rows = dict(conn.execute("SELECT id, markdown FROM pages").fetchall())
        if all(rows.get(page_id) == text for page_id, text in expected.items()):
            return True
        await asyncio.sleep(0.1)
    return False


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=30)
    parser.add_argument("--pages", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--period", type=float, default=0.2)
    parser.add_argument("--port", type=int, default=5391)
    parser.add_argument("--async-mode", choices=("threading", "gevent"), default="threading")
    parser.add_argument("--node", help="folder with @y/websocket-server installed (reference)")
    result = asyncio.run(run(parser.parse_args()))
    for key, value in result.items():
        log.info("%-20s %s", key, f"{value:.1f}" if isinstance(value, float) else value)


if __name__ == "__main__":
    main()
