"""The load benchmark's setups (bench/load.py): a seeded database, the servers, their figures.

``one``: ``python app.py`` (one gunicorn process, 100 threads) on SQLite in a temporary data
folder, the embedded default. ``nginx2``: two ``python app.py`` on a throwaway PostgreSQL
schema and Redis (a channel of their own), behind Debian's nginx running
``deploy/nginx/cercle.conf`` (bench/nginx.py), as the README's « Plusieurs processus » does.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text

from bench import servers
from bench.corpus import build_corpus, create_pages
from bench.nginx import Nginx, nginx_binary
from bench.questionnaire import QUESTIONS
from bench.search import http_paths, make_queries

ROOT = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get("CERCLE_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("CERCLE_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
SETUPS = {"one": "1 process, SQLite", "nginx2": "2 processes + nginx, PG + Redis"}
EDIT_PAGES = 3
SEARCHES = 60


@dataclass
class Seeded:
    """What the simulated people need: paths to read, searches, pages to edit, tokens."""

    page_paths: list[str]
    search_paths: list[str]
    edit_page_ids: list[int]
    editor_token: str
    questionnaire_id: int
    question_ids: list[int]
    answer_tokens: list[str]
    wall_token: str


@dataclass
class Target:
    """A running setup: the port clients use, the process groups that serve it."""

    name: str
    port: int
    db_url: str
    pgids: list[int]
    logs: list[Path] = field(default_factory=list)

    def tracebacks(self) -> Counter[str]:
        """The exception line that ends each traceback of the server logs, counted."""
        found: Counter[str] = Counter()
        for log in self.logs:
            lines = log.read_text(errors="replace").splitlines()
            for n, line in enumerate(lines):
                if line.startswith("Traceback"):
                    end = next((x for x in lines[n + 1 :] if x and not x[0].isspace()), "?")
                    found[end[:120]] += 1
        return found


def seed(url: str, data_dir: Path, *, pages: int, answerers: int) -> Seeded:
    """Migrate, then create a space anyone with the link reads, the corpus, the pages to
    co-edit, an open questionnaire and its participants (API tokens), through the services."""
    import search
    from app import create_app
    from wiki import accounts, migrate, questionnaires, spaces
    from wiki import pages as wiki_pages
    from wiki.db import db

    migrate.upgrade(url)
    app = create_app({"DATA_DIR": data_dir, "DATABASE_URL": url, "SECRET_KEY": "bench"})
    with app.app_context():
        facilitator = accounts.create_user(
            "anim@cercle.test", "Animation", "banc-essai-2026", can_create_spaces=True
        )
        space = spaces.create_space(facilitator, "Coopérer — banc de charge", visibility="link")
        paths = create_pages(facilitator, space, build_corpus(pages))
        edited = [
            wiki_pages.create_page(facilitator, space, f"Atelier {n}", "# Fiche\n").id
            for n in range(1, EDIT_PAGES + 1)
        ]
        q = questionnaires.create(
            facilitator, space, title="Évaluation à chaud", anonymous=True, questions=QUESTIONS
        )
        editor = accounts.create_user("edit@cercle.test", "Rédaction", "banc-essai-2026")
        spaces.add_member(facilitator, space, editor, "participant")
        tokens = []
        for n in range(answerers):
            user = accounts.create_user(f"p{n}@cercle.test", f"Personne {n}", "banc-essai-2026")
            spaces.add_member(facilitator, space, user, "participant")
            tokens.append(accounts.create_token(user))
        seeded = Seeded(
            page_paths=paths,
            search_paths=http_paths(make_queries(SEARCHES, [space.slug])),
            edit_page_ids=edited,
            editor_token=accounts.create_token(editor),
            questionnaire_id=q.id,
            question_ids=[question.id for question in q.questions],
            answer_tokens=tokens,
            wall_token=accounts.create_token(facilitator),
        )
        if not search.flush(120):
            raise RuntimeError("index de recherche pas prêt")
        db.engine.dispose()
    return seeded


def _server(stack: contextlib.ExitStack, env: dict[str, str], log: Path) -> tuple[int, int]:
    def argv(port: int) -> list[str]:
        env["PORT"] = str(port)
        return [sys.executable, "app.py"]

    return stack.enter_context(
        servers.running(argv, env=env, cwd=ROOT, log_path=log, probe_path="/healthz")
    )


def _base_env(data_dir: Path, url: str) -> dict[str, str]:
    return {
        **os.environ,
        "CERCLE_DATA_DIR": str(data_dir),
        "DATABASE_URL": url,
        "SECRET_KEY": "bench",
    }


@contextlib.contextmanager
def one_process(work: Path, pages: int, answerers: int) -> Iterator[tuple[Target, Seeded]]:
    data_dir = work / "data"
    data_dir.mkdir()
    url = f"sqlite:///{data_dir / 'cercle.db'}"
    seeded = seed(url, data_dir, pages=pages, answerers=answerers)
    with contextlib.ExitStack() as stack:
        log = work / "server.log"
        port, pgid = _server(stack, _base_env(data_dir, url), log)
        yield Target("one", port, url, [pgid], [log]), seeded


@contextlib.contextmanager
def _pg_schema() -> Iterator[str]:
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    schema = "bench_" + uuid.uuid4().hex[:12]
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextlib.contextmanager
def behind_nginx(
    work: Path, pages: int, answerers: int, processes: int = 2
) -> Iterator[tuple[Target, Seeded]]:
    binary = nginx_binary()
    if binary is None:
        raise RuntimeError("nginx absent : make nginx-deps (apt-get install -y nginx-light)")
    data_dir = work / "data"  # one data folder (search index, uploads) for every process
    data_dir.mkdir()
    with _pg_schema() as url, contextlib.ExitStack() as stack:
        seeded = seed(url, data_dir, pages=pages, answerers=answerers)
        env = {
            **_base_env(data_dir, url),
            "REDIS_URL": REDIS_URL,
            "COLLAB_REDIS_CHANNEL": f"bench-load-{uuid.uuid4().hex}",
            "CERCLE_PROXY_HOPS": "1",
        }
        started = [_server(stack, dict(env), work / f"server-{n}.log") for n in range(processes)]
        nginx = Nginx(work / "nginx", [port for port, _pgid in started])
        nginx.start(binary)
        stack.callback(nginx.stop)
        assert nginx.proc is not None
        logs = [work / f"server-{n}.log" for n in range(processes)]
        pgids = [pgid for _port, pgid in started] + [nginx.proc.pid]
        yield Target("nginx2", nginx.port, url, pgids, logs), seeded


def start(
    name: str, work: Path, pages: int, answerers: int
) -> contextlib.AbstractContextManager[tuple[Target, Seeded]]:
    """The context manager of setup ``name`` (a key of ``SETUPS``)."""
    if name == "one":
        return one_process(work, pages, answerers)
    return behind_nginx(work, pages, answerers)


def written_back(url: str, expected: dict[int, str], timeout: float = 20.0) -> bool:
    """Every co-edited page's ``pages.markdown`` holds the clients' text (within ``timeout``)."""
    engine = create_engine(url)
    try:
        deadline = time.monotonic() + timeout
        while True:
            with engine.connect() as conn:
                rows = dict(conn.execute(text("SELECT id, markdown FROM pages")).all())
            if all(rows.get(page_id) == body for page_id, body in expected.items()):
                return True
            if time.monotonic() > deadline:
                return False
            time.sleep(0.2)
    finally:
        engine.dispose()


class Sampler:
    """CPU (over the window) and RSS (sampled every second, peak kept) of the server's
    process groups, and the machine's busy share."""

    def __init__(self, pgids: list[int]) -> None:
        self.pgids = pgids
        self.peak_rss_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _cpu(self) -> float:
        return sum(servers.group_cpu_seconds(pgid) for pgid in self.pgids)

    def _rss(self) -> float:
        from bench.collab import _rss_mb

        return sum(_rss_mb(pgid) for pgid in self.pgids)

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            self.peak_rss_mb = max(self.peak_rss_mb, self._rss())

    def __enter__(self) -> Sampler:
        self.cpu0, self.t0 = self._cpu(), time.monotonic()
        self.machine0 = servers.machine_cpu_ticks()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak_rss_mb = max(self.peak_rss_mb, self._rss())
        self.seconds = time.monotonic() - self.t0
        self.cpu_s = self._cpu() - self.cpu0
        busy1, total1 = servers.machine_cpu_ticks()
        busy0, total0 = self.machine0
        self.machine_busy = (busy1 - busy0) / max(1, total1 - total0)
