"""The simulated people of the load benchmark (bench/load.py), all bounded in time.

Readers run in a child process (a thread each, keep-alive ``http.client`` connections from
bench/loadgen.py), so their 200 threads do not hold the GIL of the asyncio loop that
timestamps the live deliveries. Editors are bench/collab.py's Yjs clients (and a meter per
page), answerers post bench/questionnaire.py's answers, results walls watch them.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from bench.collab import BenchClient, Meter, Stats, settle, typist
from bench.loadgen import _Client
from bench.questionnaire import Wall, answer, post
from bench.servers import HOST
from bench.wsclient import SocketIOChannel
from collab import protocol

SEARCH_SHARE = 0.2  # of a reader's actions; the others are page views
SETTLE_S = 20.0


@dataclass
class Outcome:
    """Latency samples (seconds) by kind and error counts by cause."""

    samples: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)

    def error(self, cause: str, count: int = 1) -> None:
        if count:
            self.errors[cause] = self.errors.get(cause, 0) + count

    def add(self, kind: str, values: list[float]) -> None:
        self.samples.setdefault(kind, []).extend(values)


# --- readers (child process) -----------------------------------------------------------


def _reader(
    port: int, pages: list[str], searches: list[str], deadline: float, think: float, seed: int
) -> tuple[list[float], list[float], dict[int, int]]:
    rng, client = random.Random(seed), _Client(port)
    views: list[float] = []
    found: list[float] = []
    failures: dict[int, int] = {}
    time.sleep(rng.random() * think)  # people do not all arrive in the same second
    while time.monotonic() < deadline:
        searching = rng.random() < SEARCH_SHARE
        path = rng.choice(searches if searching else pages)
        started = time.perf_counter()
        status = client.get(path)
        if status == 200:
            (found if searching else views).append(time.perf_counter() - started)
        else:
            failures[status] = failures.get(status, 0) + 1
        pause = think * (0.5 + rng.random())
        time.sleep(max(0.0, min(pause, deadline - time.monotonic())))
    client.close()
    return views, found, failures


def run_readers(
    port: int, pages: list[str], searches: list[str], count: int, seconds: float, think: float
) -> dict:
    """``count`` readers for ``seconds``: view a page or search, then think ``think`` s (±50 %)."""
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    deadline = time.monotonic() + seconds
    with ThreadPoolExecutor(max_workers=max(1, count)) as pool:
        done = list(
            pool.map(lambda n: _reader(port, pages, searches, deadline, think, n), range(count))
        )
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    failures: dict[int, int] = {}
    for _v, _f, fail in done:
        for status, n in fail.items():
            failures[status] = failures.get(status, 0) + n
    return {
        "views": [v for views, _f, _x in done for v in views],
        "searches": [s for _v, found, _x in done for s in found],
        "failures": failures,
        "cpu_s": (cpu1.ru_utime + cpu1.ru_stime) - (cpu0.ru_utime + cpu0.ru_stime),
    }


# --- editors ---------------------------------------------------------------------------


class Editors:
    """``per_page`` typing clients and a meter on each page (bench/collab.py's clients)."""

    def __init__(self, port: int, token: str, page_ids: list[int], per_page: list[int]) -> None:
        self.port, self.token, self.page_ids, self.per_page = port, token, page_ids, per_page
        self.stats = Stats()
        self.rooms: dict[int, list[BenchClient]] = {}
        self.meters: list[BenchClient] = []
        self.tasks: list[asyncio.Task] = []

    async def open(self) -> None:
        rng = random.Random(7)
        for page_id, count in zip(self.page_ids, self.per_page, strict=True):
            for kind in [Meter] + [BenchClient] * count:
                channel = await SocketIOChannel.open(HOST, self.port, self.token, page_id)
                client = kind(channel, self.stats, random.Random(rng.random()))
                client.channel.send(protocol.sync_step1(client.doc))
                (self.meters if kind is Meter else self.rooms.setdefault(page_id, [])).append(
                    client
                )
        clients = [c for cs in self.rooms.values() for c in cs] + self.meters
        self.tasks = [asyncio.create_task(c.reader()) for c in clients]

    async def type(self, seconds: float, period: float) -> None:
        self.stats.recording = True
        typing = [c for cs in self.rooms.values() for c in cs]
        await asyncio.gather(*(typist(c, seconds, period) for c in typing))

    async def finish(self, outcome: Outcome) -> dict[int, str]:
        """Check convergence, count lost connections; returns each page's agreed text."""
        args = argparse.Namespace(node=None)
        rooms = {page: cs for page, cs in self.rooms.items() if cs}
        converged, server_ok, _lag = await settle(args, self.port, self.token, rooms)
        outcome.error("editors not converged", 0 if converged else 1)
        outcome.error("server doc not converged", 0 if server_ok else 1)
        outcome.error("editor disconnects", _failed(self.tasks))
        for task in self.tasks:
            task.cancel()
        for client in [c for cs in self.rooms.values() for c in cs] + self.meters:
            client.channel.ws.close()
        outcome.add("edit", self.stats.latencies())
        return {page: cs[0].content() for page, cs in rooms.items()}


def _failed(tasks: list[asyncio.Task]) -> int:
    """Reader tasks that ended on their own: their connection was lost."""
    return sum(1 for t in tasks if t.done() and not t.cancelled() and t.exception() is not None)


# --- answerers and results walls ------------------------------------------------------


async def answerers(
    port: int,
    qid: int,
    question_ids: list[int],
    tokens: list[str],
    wall_token: str,
    walls: int,
    seconds: float,
    outcome: Outcome,
) -> None:
    """Each participant answers once at a random moment; walls watch the counts. The k-th
    answer to return is on a wall once it shows ``respondents`` ≥ k (bench/questionnaire.py)."""
    rng = random.Random(9)
    screens = [await Wall.open(port, wall_token, qid) for _ in range(walls)]
    listeners = [asyncio.create_task(w.listen()) for w in screens]

    async def participant(token: str) -> tuple[float, float, int]:
        await asyncio.sleep(rng.random() * seconds * 0.9)
        return await asyncio.to_thread(post, port, qid, token, answer(question_ids, rng))

    posts = await asyncio.gather(*(participant(t) for t in tokens))
    ok = sorted((p for p in posts if p[2] in (200, 201)), key=lambda p: p[1])
    outcome.error("answers refused", len(posts) - len(ok))
    deadline = time.monotonic() + SETTLE_S
    while time.monotonic() < deadline and any(w.last < len(ok) for w in screens):
        await asyncio.sleep(0.05)
    outcome.error("wall disconnects", _failed(listeners))
    outcome.error("walls behind", sum(1 for w in screens if w.last != len(ok)))
    latencies = []
    for k, (start, _end, _status) in enumerate(ok, start=1):
        seen = [w.first_seen.get(k) for w in screens]
        if all(t is not None for t in seen):
            latencies.append(max(t for t in seen if t is not None) - start)
    outcome.add("results", latencies)
    outcome.add("answer POST", [end - start for start, end, _s in ok])
    for task in listeners:
        task.cancel()
    for wall in screens:
        wall.ws.close()
