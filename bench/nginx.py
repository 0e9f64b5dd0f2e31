"""Debian's nginx running the shipped ``deploy/nginx/cercle.conf`` (only ports and paths
replaced) in front of several Cercle processes, under a prefix folder of its own.

Shared by the load benchmark (bench/load.py) and the multi-process tests
(tests/scale/cluster.py, which wraps the main configuration ``tests/scale/nginx-main.conf``).
"""

from __future__ import annotations

import getpass
import re
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bench.servers import free_port

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "deploy" / "nginx" / "cercle.conf"
MAIN = ROOT / "tests" / "scale" / "nginx-main.conf"
UPSTREAM_SERVERS = re.compile(r"(?m)^    server 127\.0\.0\.1:\d+ .*;\n(?:    server .*;\n)*")
READY_TIMEOUT = 30.0


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None
    )


def http_status(url: str, headers: dict[str, str] | None = None) -> int | None:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=5):
            return 200
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


def site_config(upstream_ports: list[int], port: int, access_log: Path) -> str:
    """The shipped file with this run's ports and paths, nothing else changed."""
    text = SITE.read_text()
    servers = "".join(
        f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;\n" for p in upstream_ports
    )
    replaced, count = UPSTREAM_SERVERS.subn(servers, text)
    for old, new in (
        ("listen 80;", f"listen 127.0.0.1:{port};"),
        ("/srv/cercle/static/", f"{ROOT / 'static'}/"),
        ("/var/log/nginx/cercle.access.log", str(access_log)),
    ):
        if old not in replaced:
            raise ValueError(f"{old!r} absent de {SITE}")
        replaced = replaced.replace(old, new)
    if count != 1:
        raise ValueError("bloc upstream introuvable")
    return replaced


@dataclass
class Nginx:
    prefix: Path
    upstream_ports: list[int]
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def access_log(self) -> Path:
        return self.prefix / "access.log"

    def start(self, binary: str) -> None:
        self.prefix.mkdir(parents=True, exist_ok=True)
        site = self.prefix / "cercle.conf"
        site.write_text(site_config(self.upstream_ports, self.port, self.access_log))
        main = self.prefix / "nginx.conf"
        main.write_text(
            MAIN.read_text()
            .replace("{prefix}", str(self.prefix))
            .replace("{site}", str(site))
            .replace("{user}", getpass.getuser())
        )
        argv = [binary, "-c", str(main), "-p", str(self.prefix)]
        checked = subprocess.run([*argv, "-t"], capture_output=True, text=True, timeout=30)
        if checked.returncode != 0:
            raise RuntimeError(checked.stderr)
        self.proc = subprocess.Popen(
            argv,
            stdout=subprocess.DEVNULL,
            stderr=(self.prefix / "stderr.log").open("wb"),
            start_new_session=True,  # its own process group: its CPU and RSS can be summed
        )
        deadline = time.monotonic() + READY_TIMEOUT
        while http_status(f"{self.url}/healthz") != 200:
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError(f"nginx pas prêt : {(self.prefix / 'error.log').read_text()}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)  # graceful: finish, remove the pid file
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc = None
