"""HTTP load over loopback: ``wrk`` with a Lua script picking random paths, or a Python client.

Both keep connections alive when the server allows it, run for a bounded time, and report
requests, throughput, latency percentiles and errors (non-2xx/3xx, socket errors, timeouts).
"""

from __future__ import annotations

import http.client
import random
import re
import resource
import shutil
import subprocess
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .servers import HOST

REQUEST_TIMEOUT = 30.0
MAX_REQUESTS_PER_CLIENT = 1_000_000
WRK_LUA = r"""
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS_FILE")) do paths[#paths + 1] = line end
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("seed", threads)
end
function init(args)
  math.randomseed(7919 * (seed or 1))
end
function request()
  return wrk.format("GET", paths[math.random(#paths)])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d errors=%d p50=%d p95=%d p99=%d\n",
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
  io.write(string.format("BENCH_ERRORS connect=%d read=%d write=%d status=%d timeout=%d\n",
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""
WRK_LINE = re.compile(
    r"BENCH requests=(\d+) duration_us=(\d+) errors=(\d+) p50=(\d+) p95=(\d+) p99=(\d+)"
)


@dataclass(frozen=True)
class LoadResult:
    generator: str
    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    client_cpu_s: float
    detail: str = ""

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_wrk(
    port: int, paths: list[str], seconds: float, connections: int, workdir: Path
) -> LoadResult:
    """One wrk thread (a C event loop keeps up easily and leaves the cores to the server)."""
    script, paths_file = workdir / "random_paths.lua", workdir / "paths.txt"
    script.write_text(WRK_LUA)
    paths_file.write_text("\n".join(paths) + "\n")
    argv = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{seconds:g}s",
        "--timeout",
        "30s",
        "-s",
        str(script),
        f"http://{HOST}:{port}/",
    ]
    cpu_before = _children_cpu()
    done = subprocess.run(
        argv,
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        env={"BENCH_PATHS_FILE": str(paths_file), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    match = WRK_LINE.search(done.stdout)
    if done.returncode != 0 or match is None:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stdout}\n{done.stderr}")
    requests, duration_us, errors, p50, p95, p99 = (int(g) for g in match.groups())
    detail = next(
        (
            line[len("BENCH_ERRORS ") :]
            for line in done.stdout.splitlines()
            if line.startswith("BENCH_ERRORS ")
        ),
        "",
    )
    return LoadResult(
        f"wrk 4.1 (1 thread, {connections} connections)",
        requests,
        duration_us / 1e6,
        errors,
        p50 / 1000,
        p95 / 1000,
        p99 / 1000,
        _children_cpu() - cpu_before,
        detail,
    )


class _Client:
    """One keep-alive connection; reopens it when the server closes it."""

    def __init__(self, port: int) -> None:
        self._port = port
        self._conn: http.client.HTTPConnection | None = None
        self._reused = False

    def get(self, path: str) -> int:
        """The response status, or 0 on a socket error (a stale kept-alive socket is retried)."""
        for _attempt in range(2):
            if self._conn is None:
                self._conn = http.client.HTTPConnection(HOST, self._port, timeout=REQUEST_TIMEOUT)
                self._reused = False
            reused, status, reopen = self._reused, 0, True
            try:
                self._conn.request("GET", path)
                response = self._conn.getresponse()
                response.read()
                status, reopen = response.status, response.will_close
            except (OSError, http.client.HTTPException):
                pass
            self._reused = True
            if reopen:
                self.close()
            if status or not reused:
                return status
        return 0

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def _client(port: int, paths: list[str], deadline: float, seed: int) -> tuple[list[float], int]:
    rng, latencies, errors = random.Random(seed), [], 0
    client = _Client(port)
    for _ in range(MAX_REQUESTS_PER_CLIENT):
        if time.monotonic() >= deadline:
            break
        started = time.perf_counter()
        status = client.get(rng.choice(paths))
        if 200 <= status < 400:
            latencies.append(time.perf_counter() - started)
        else:
            errors += 1
    client.close()
    return latencies, errors


def _percentile(ordered: list[float], q: float) -> float:
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]


def run_python(port: int, paths: list[str], seconds: float, connections: int) -> LoadResult:
    """A thread per connection with keep-alive ``http.client`` connections."""
    cpu_before, started = time.process_time(), time.monotonic()
    deadline = started + seconds
    with ThreadPoolExecutor(max_workers=connections) as pool:
        results = list(pool.map(lambda n: _client(port, paths, deadline, n), range(connections)))
    elapsed = time.monotonic() - started
    ordered = sorted(latency for latencies, _errors in results for latency in latencies)
    return LoadResult(
        f"python http.client ({connections} threads)",
        len(ordered),
        elapsed,
        sum(errors for _latencies, errors in results),
        *(1000 * _percentile(ordered, q) for q in (50, 95, 99)),
        client_cpu_s=time.process_time() - cpu_before,
    )


def warm_up(
    port: int, paths: list[str], passes: int, connections: int, budget_s: float
) -> Counter[int]:
    """Request every path ``passes`` times (within ``budget_s``); returns the status counts."""
    deadline = time.monotonic() + budget_s
    chunks = [paths[i::connections] * passes for i in range(connections)]

    def walk(chunk: list[str]) -> Counter[int]:
        statuses: Counter[int] = Counter()
        client = _Client(port)
        for path in chunk:
            if time.monotonic() >= deadline:
                statuses[-1] += 1  # not requested: out of time
                continue
            statuses[client.get(path)] += 1
        client.close()
        return statuses

    with ThreadPoolExecutor(max_workers=connections) as pool:
        return sum(pool.map(walk, chunks), Counter())
