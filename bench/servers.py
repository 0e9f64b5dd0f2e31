"""Start a server in its own process group on a free loopback port, wait for it, stop it."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

HOST = "127.0.0.1"
READY_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _status(port: int, path: str) -> int | None:
    conn = http.client.HTTPConnection(HOST, port, timeout=5)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    except (OSError, http.client.HTTPException):
        return None
    finally:
        conn.close()


def _log_tail(log_path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(log_path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def wait_ready(proc: subprocess.Popen[bytes], port: int, probe_path: str, log_path: Path) -> None:
    """Return once ``probe_path`` answers 200; fail if the server exits or never answers."""
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited ({proc.returncode}):\n{_log_tail(log_path)}")
        if _status(port, probe_path) == 200:
            return
        time.sleep(0.2)
    raise RuntimeError(f"server not ready after {READY_TIMEOUT:.0f} s:\n{_log_tail(log_path)}")


def stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the whole process group (gunicorn master and workers), SIGKILL if it lingers."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):  # figures still get printed
                proc.wait(timeout=STOP_TIMEOUT)
    with contextlib.suppress(ProcessLookupError):  # workers orphaned by a dead master
        os.killpg(proc.pid, signal.SIGKILL)


@contextlib.contextmanager
def running(
    argv: Callable[[int], list[str]],
    *,
    env: dict[str, str],
    cwd: Path,
    log_path: Path,
    probe_path: str,
) -> Iterator[tuple[int, int]]:
    """Run ``argv(port)`` until the block ends; yields (port, process group id)."""
    port = free_port()
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            argv(port),
            cwd=cwd,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            wait_ready(proc, port, probe_path, log_path)
            yield port, proc.pid
        except BaseException:
            print(f"server log ({log_path}):\n{_log_tail(log_path)}", file=sys.stderr)
            raise
        finally:
            stop(proc)


def _process_stats() -> Iterator[tuple[str, list[str]]]:
    """(command name, the fields after it) of each live process, from /proc/PID/stat."""
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            stat = stat_file.read_text()
        except OSError:
            continue
        yield stat[stat.find("(") + 1 : stat.rfind(")")], stat[stat.rfind(")") + 2 :].split()


def group_cpu_seconds(pgid: int) -> float:
    """CPU time (user + system, and that of their reaped children such as ``git``) of the
    live processes of a process group, from /proc."""
    total = sum(
        sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
        for _name, fields in _process_stats()
        if int(fields[2]) == pgid
    )
    return total / os.sysconf("SC_CLK_TCK")


def command_cpu_seconds(command: str) -> float:
    """CPU time of the live processes named ``command`` (PostgreSQL's backends, which serve
    a setup on PostgreSQL but are no child of it), from /proc."""
    total = sum(
        int(fields[11]) + int(fields[12])  # utime stime
        for name, fields in _process_stats()
        if name == command
    )
    return total / os.sysconf("SC_CLK_TCK")


def machine_cpu_ticks() -> tuple[int, int]:
    """(busy, total) clock ticks of all CPUs since boot, from the first line of /proc/stat."""
    first_line = Path("/proc/stat").read_text().split("\n", 1)[0]
    ticks = [int(value) for value in first_line.split()[1:9]]  # user … steal, guests excluded
    idle = ticks[3] + ticks[4]  # idle + iowait
    return sum(ticks) - idle, sum(ticks)


def cercle_app_py(
    data_dir: Path, app_dir: Path
) -> tuple[dict[str, str], Callable[[int], list[str]]]:
    """Cercle as the README serves it (``python app.py``: gunicorn, one process, 100
    threads), on a SQLite data folder."""
    env, _gunicorn = cercle_gunicorn(data_dir, app_dir, 1, 1)

    def command(port: int) -> list[str]:  # env(1) execs Python: the same process
        return ["env", f"PORT={port}", sys.executable, str(app_dir / "app.py")]

    return env, command


def cercle_gunicorn(
    data_dir: Path, app_dir: Path, workers: int, threads: int
) -> tuple[dict[str, str], Callable[[int], list[str]]]:
    """Environment and command line of Cercle under gunicorn, on a SQLite data folder."""
    gunicorn = Path(sys.executable).parent / "gunicorn"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(data_dir),
        "LANG": "C.UTF-8",
        "CERCLE_DATA_DIR": str(data_dir),
        "PYTHONPATH": str(app_dir),
        "DATABASE_URL": f"sqlite:///{data_dir / 'cercle.db'}",
    }

    def command(port: int) -> list[str]:
        return [
            str(gunicorn),
            *("-w", str(workers), "--threads", str(threads)),
            *("-b", f"127.0.0.1:{port}"),
            "app:create_app()",
        ]

    return env, command
