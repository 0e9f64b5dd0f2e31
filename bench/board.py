"""Métaplan board benchmark: 40 clients post 5 cards each within 20 s on one board (in the
grouping step, so cards are shared) while 2 projector views watch.

    .venv/bin/python bench/board.py
    .venv/bin/python bench/board.py --clients 40 --cards 5 --seconds 20

Starts Cercle (``python app.py``, a temporary SQLite database, loopback only), seeds one
board already at "grouping" (through ``wiki.metaplan.act``, the demo's path), opens the
clients from one asyncio process (bench/wsclient.py), and each client sends its cards as
``board`` intents at random moments of its 20 s. Prints p50/p99/max from a card's sending to
its appearance on every other client (40 - 1 writers + 2 projectors: each card's text is
spotted in the Yjs updates a client receives), the server's CPU, and whether every client's
document and the server's (a fresh client joining at the end) hold the same cards, all of
them. Bounded: the run stops 30 s after the last card at most.

Figures (2026-12-02, 2 cores shared with other engineers' test suites, load average 12-15
during the runs), in ms:

    run                         p50    p99    max  server CPU  converged (clients, server)
    40 writers + 2 projectors  123.4 1315.2 1370.7    15 %      yes, yes   (load ~15)
    40 writers + 2 projectors   37.6  367.2  539.1    14 %      yes, yes   (load ~13)
    40 writers + 2 projectors   91.0  997.5 1175.1    12 %      yes, yes   (load ~20)
    40 writers + 2 projectors   26.1  503.6  598.5    13 %      yes, yes   (load ~15)
     4 writers + 2 projectors   36.6  166.7  166.7     3 %      yes, yes

The server uses 12-15 % of a core: most of a card's latency is waiting for a CPU on a
machine whose load average is 6-10 times its cores, so p99 follows the load.

8200 of 8200 appearances (200 cards x 41 other clients) every time, no server traceback.
The target (p99 < 150 ms) is not met on this loaded machine. Where a card's time goes
(in-process profile, 100 cards, ~25 ms each on the loaded machine): the intent's checks
(page, role: ~6 ms of ORM queries), ``decide`` (insert, commit, ~7 ms), reading the maps as
plain data (``Map.to_py``, ~4.5 ms, grows with the board) and storing the update (~4.5 ms);
all of it runs in series under the room's lock and flush lock, so a burst queues.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pycrdt import Doc, Map

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import servers
from bench.wsclient import SocketIOChannel
from collab import protocol

log = logging.getLogger("bench.board")
ROOT = Path(__file__).resolve().parents[1]
MARK = re.compile(rb"K(\d+)x(\d+)K")


class Viewer:
    """A client on the board: spots card marks in what it receives, keeps a Yjs doc."""

    def __init__(self, number: int, channel: SocketIOChannel, sent: dict[bytes, float]) -> None:
        self.number, self.channel, self.sent = number, channel, sent
        self.doc = Doc()
        self.seen: dict[bytes, float] = {}
        self.frames: list[bytes] = []
        self.acks = 0

    async def reader(self) -> None:
        while True:
            frame = await self.channel.recv()
            now = time.perf_counter()
            for match in MARK.finditer(frame):
                mark = match.group(0)
                if mark not in self.seen and int(match.group(1)) != self.number:
                    self.seen[mark] = now
            self.frames.append(frame)

    def apply_all(self) -> dict:
        for frame in self.frames:
            message = protocol.parse(frame)
            if message.kind == protocol.YMessageType.SYNC and message.step != 0:
                self.doc.apply_update(message.payload)
        self.frames.clear()
        return self.doc.get("cards", type=Map).to_py() or {}

    def post(self, seq: int, text: str) -> None:
        intent = {"page_id": self.channel.page_id, "op": "add_card", "text": text}
        self.channel.ws.send(f"42/collab,{seq}" + json.dumps(["board", intent]))


def seed(tmp: Path, clients: int) -> tuple[str, int, list[str], list[str]]:
    from app import create_app
    from wiki import accounts, metaplan, migrate, pages
    from wiki.db import db
    from wiki.models import Membership, Space

    url = f"sqlite:///{tmp / 'bench.db'}"
    migrate.upgrade(url)
    app = create_app({"DATA_DIR": tmp, "DATABASE_URL": url, "SECRET_KEY": "bench"})
    with app.app_context():
        anim = accounts.create_user("anim@bench.test", "Animatrice", "banc-essai-2026")
        space = Space(slug="bench", title="Banc d'essai")
        db.session.add(space)
        db.session.flush()
        db.session.add(Membership(space_id=space.id, user_id=anim.id, role="facilitator"))
        writers, watchers = [], []
        for i in range(clients + 2):
            user = accounts.create_user(f"p{i}@bench.test", f"Personne {i}", "banc-essai-2026")
            role = "participant" if i < clients else "reader"
            db.session.add(Membership(space_id=space.id, user_id=user.id, role=role))
            db.session.commit()
            (writers if i < clients else watchers).append(accounts.create_token(user))
        board = pages.create_page(anim, space, "Tableau", "", kind="metaplan")
        metaplan.act(anim, board, {"op": "set_phase", "phase": "grouping"})
        page_id = board.id
        db.engine.dispose()
    return url, page_id, writers, watchers


async def drive(args, port: int, pgid: int, page_id: int, writers, watchers) -> dict:
    sent: dict[bytes, float] = {}
    viewers = []
    for number, token in enumerate(writers + watchers):
        channel = await SocketIOChannel.open("127.0.0.1", port, token, page_id)
        viewer = Viewer(number, channel, sent)
        channel.send(protocol.sync_step1(viewer.doc))
        viewers.append(viewer)
    tasks = [asyncio.create_task(v.reader()) for v in viewers]
    await asyncio.sleep(1.5)  # everyone synced
    rng = random.Random(10)
    cpu0, t0 = servers.group_cpu_seconds(pgid), time.monotonic()
    gen0 = resource.getrusage(resource.RUSAGE_SELF)

    async def writer(viewer: Viewer) -> None:
        slot = args.seconds / args.cards
        for i in range(args.cards):
            await asyncio.sleep(max(0.0, t0 + i * slot + rng.random() * slot - time.monotonic()))
            mark = f"K{viewer.number}x{i}K".encode()
            sent[mark] = time.perf_counter()
            viewer.post(i + 10, f"Carte {mark.decode()} : une idée à partager")

    await asyncio.gather(*(writer(v) for v in viewers[: len(writers)]))
    expected = len(writers) * args.cards * (len(viewers) - 1)
    deadline = time.monotonic() + 30
    while sum(len(v.seen) for v in viewers) < expected and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    elapsed = time.monotonic() - t0
    cpu = servers.group_cpu_seconds(pgid) - cpu0
    gen1 = resource.getrusage(resource.RUSAGE_SELF)
    gen = (gen1.ru_utime + gen1.ru_stime) - (gen0.ru_utime + gen0.ru_stime)
    fresh = Viewer(-1, await SocketIOChannel.open("127.0.0.1", port, watchers[0], page_id), sent)
    fresh.channel.send(protocol.sync_step1(fresh.doc))
    tasks.append(asyncio.create_task(fresh.reader()))
    server_cards: dict = {}
    for _ in range(50):
        await asyncio.sleep(0.1)
        server_cards = fresh.apply_all()
        if len(server_cards) >= len(writers) * args.cards:
            break
    for task in tasks:
        task.cancel()
    states = [v.apply_all() for v in viewers]
    lat = sorted(1000 * (t - sent[m]) for v in viewers for m, t in v.seen.items())

    def pct(p: float) -> float:
        return lat[min(len(lat) - 1, int(p * len(lat)))] if lat else float("nan")

    return {
        "clients": f"{len(writers)} writers + {len(watchers)} projectors",
        "cards": len(sent),
        "appearances": f"{len(lat)} of {expected}",
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
        "max_ms": pct(1.0),
        "server_cpu_pct": 100 * cpu / elapsed,
        "generator_cpu_pct": 100 * gen / elapsed,
        "clients_converged": all(s == states[0] for s in states) and len(states[0]) == len(sent),
        "server_converged": server_cards == states[0],
    }


async def run(args) -> dict:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        url, page_id, writers, watchers = seed(tmp, args.clients)
        port = servers.free_port()
        env = {
            **os.environ,
            "CERCLE_DATA_DIR": str(tmp),
            "DATABASE_URL": url,
            "PORT": str(port),
            "SECRET_KEY": "bench",
            "GUNICORN_CMD_ARGS": os.environ.get("GUNICORN_CMD_ARGS", "--threads 150"),
        }
        with (tmp / "server.log").open("wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "app.py"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=out,
                start_new_session=True,
            )
        try:
            servers.wait_ready(proc, port, "/connexion", tmp / "server.log")
            result = await drive(args, port, proc.pid, page_id, writers, watchers)
        finally:
            servers.stop(proc)
        result["server_tracebacks"] = (tmp / "server.log").read_text().count("Traceback")
    return result


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=40)
    parser.add_argument("--cards", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=20)
    result = asyncio.run(run(parser.parse_args()))
    for key, value in result.items():
        log.info("%-18s %s", key, f"{value:.1f}" if isinstance(value, float) else value)


if __name__ == "__main__":
    main()
