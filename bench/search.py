"""Search benchmark: indexing time, index size, query latency in-process and over HTTP,
HTTP throughput, and optionally An Otter Wiki's search on the same corpus.

    .venv/bin/python -m bench.search [--pages 10000] [--queries 200] [--seconds 15] [--otterwiki]

The seeded French corpus (bench/corpus.py) is written straight into a fresh SQLite
database (bulk insert, one revision per page) across four spaces — three open by link,
one for members only — then ``flask search rebuild``'s code path builds the index (timed).
200 mixed queries (single words, two words, phrases, prefixes; half of them filtered to one
space) are timed in-process through ``search.run_search`` as a member of every space, then
over HTTP as anonymous visitors (the page ``/recherche``, rendered with its excerpts),
served by gunicorn on 127.0.0.1. With ``--otterwiki`` the same corpus goes into a git
repository served by An Otter Wiki (its own venv) and its ``/-/search/<query>`` is timed
with the same load, one server after the other, never at the same time.
"""

from __future__ import annotations

import argparse
import http.client
import logging
import os
import random
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

from . import loadgen, otterwiki_compare, servers
from .corpus import BODIES, FORMS, PLACES, TOPICS, CorpusPage, build_corpus

log = logging.getLogger("bench.search")
ROOT = Path(__file__).resolve().parent.parent
SPACES = (
    ("Coopérer à Lyon", "link"),
    ("Fusion d'associations", "link"),
    ("Réseau ESS", "link"),
    ("Comité de pilotage (privé)", "members"),
)
TARGETS = {"in_process_p95_ms": 30.0, "http_p95_ms": 50.0, "otter_ratio": 20.0}


@dataclass(frozen=True)
class Query:
    text: str
    space: str | None  # space slug, or None for every readable space


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))] * 1000

    return at(50), at(95), at(99)


# --- corpus → database → index -------------------------------------------------------------


def load_database(data_dir: Path, corpus: list[CorpusPage]) -> tuple[list[str], int]:
    """Bulk-insert the corpus; returns the space slugs and the id of a member of them all."""
    from sqlalchemy import insert

    from app import create_app
    from wiki import migrate
    from wiki.db import db
    from wiki.models import Membership, Page, Revision, Space, User
    from wiki.slugs import slugify

    url = f"sqlite:///{data_dir / 'cercle.db'}"
    migrate.upgrade(url)
    app = create_app({"DATA_DIR": data_dir, "DATABASE_URL": url})
    with app.app_context():
        user = User(email="banc@cercle.test", name="Banc d'essai", password_hash="!")
        spaces = [Space(slug=slugify(t), title=t, visibility=v) for t, v in SPACES]
        db.session.add_all([user, *spaces])
        db.session.flush()
        db.session.add_all(
            Membership(space_id=s.id, user_id=user.id, role="reader") for s in spaces
        )
        rows = [
            {
                "space_id": spaces[i % len(spaces)].id,
                "title": p.title,
                "slug": f"{slugify(p.title)[:180]}-{i}",
                "markdown": p.markdown,
                "revision_number": 1,
                "created_by_id": user.id,
            }
            for i, p in enumerate(corpus)
        ]
        ids = db.session.scalars(insert(Page).returning(Page.id), rows).all()
        db.session.execute(
            insert(Revision),
            [
                {
                    "page_id": pid,
                    "number": 1,
                    "title": r["title"],
                    "markdown": r["markdown"],
                    "author_id": user.id,
                }
                for pid, r in zip(ids, rows, strict=True)
            ],
        )
        db.session.commit()
        return [s.slug for s in spaces], user.id


def build_index(data_dir: Path) -> tuple[float, int, int]:
    """Rebuild the index from the database: (seconds, documents, bytes on disk)."""
    import search
    from app import create_app

    app = create_app({"DATA_DIR": data_dir, "DATABASE_URL": f"sqlite:///{data_dir / 'cercle.db'}"})
    with app.app_context():
        started = time.perf_counter()
        count = search.indexer().rebuild()
        elapsed = time.perf_counter() - started
    size = sum(f.stat().st_size for f in (data_dir / "index").iterdir() if f.is_file())
    return elapsed, count, size


# --- queries ------------------------------------------------------------------------------


def make_queries(count: int, slugs: list[str], seed: int = 7) -> list[Query]:
    rng = random.Random(seed)
    phrases = [*TOPICS, *(b for b, _ in BODIES), *FORMS]
    words = sorted(
        {
            w.strip("()'·").lower()
            for p in [*phrases, *PLACES]
            for w in p.split()
            if len(w) > 4 and "'" not in w
        }
    )
    makers = (
        lambda: rng.choice(words),
        lambda: f"{rng.choice(words)} {rng.choice(words)}",
        lambda: f'"{rng.choice(phrases)}"',
        lambda: rng.choice(words)[:5] + "*",
    )
    queries = []
    for n in range(count):
        text = makers[n % len(makers)]()
        queries.append(Query(text, rng.choice(slugs[:3]) if n % 2 else None))
    return queries


def in_process_latency(
    data_dir: Path, queries: list[Query], user_id: int
) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU time of each query (CPU time is less sensitive to a busy machine)."""
    import search
    from app import create_app
    from wiki import spaces
    from wiki.db import db
    from wiki.models import User

    app = create_app({"DATA_DIR": data_dir, "DATABASE_URL": f"sqlite:///{data_dir / 'cercle.db'}"})
    samples, cpu, hits = [], [], 0
    with app.test_request_context():
        user = db.session.get(User, user_id)
        for warm in (True, False):
            for query in queries:
                started, cpu_started = time.perf_counter(), time.process_time()
                space = spaces.get_space(user, query.space) if query.space else None
                outcome = search.run_search(user, query.text, space=space)
                if not warm:
                    samples.append(time.perf_counter() - started)
                    cpu.append(time.process_time() - cpu_started)
                    hits += outcome.total > 0
    log.info("  queries with at least one hit: %d / %d", hits, len(queries))
    return samples, cpu


def http_paths(queries: list[Query]) -> list[str]:
    return [
        "/recherche?" + urlencode({"q": q.text, **({"space": q.space} if q.space else {})})
        for q in queries
    ]


def sequential_latency(port: int, paths: list[str]) -> list[float]:
    conn = http.client.HTTPConnection(servers.HOST, port, timeout=60)
    samples = []
    for warm in (True, False):
        for path in paths:
            started = time.perf_counter()
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{path} → {response.status}")
            if not warm:
                samples.append(time.perf_counter() - started)
    conn.close()
    return samples


def throughput(
    port: int, paths: list[str], args: argparse.Namespace, work: Path
) -> loadgen.LoadResult:
    if loadgen.wrk_available():
        return loadgen.run_wrk(port, paths, args.seconds, args.connections, work)
    return loadgen.run_python(port, paths, args.seconds, args.connections)


# --- servers --------------------------------------------------------------------------------


def cercle_http(
    data_dir: Path, queries: list[Query], args: argparse.Namespace, work: Path
) -> tuple[list[float], loadgen.LoadResult]:
    env, argv = servers.cercle_gunicorn(data_dir, ROOT, args.workers, args.threads)
    paths = http_paths(queries)
    with servers.running(
        argv, env=env, cwd=ROOT, log_path=work / "cercle.log", probe_path="/recherche?q=cooperation"
    ) as (port, _pgid):
        latency = sequential_latency(port, paths)
        return latency, throughput(port, paths, args, work)


def otterwiki_http(
    corpus: list[CorpusPage], queries: list[Query], args: argparse.Namespace, work: Path
) -> loadgen.LoadResult:
    gunicorn = otterwiki_compare.ensure_venv(args.otterwiki_venv, create=False)
    repo = work / "otterwiki-repo"
    otterwiki_compare.build_repo(repo, corpus)
    settings = otterwiki_compare.write_settings(work, repo, "")  # page tree off: its best case
    otterwiki_compare.init_database(args.otterwiki_venv, settings)
    paths = ["/-/search/" + quote(q.text, safe="") for q in queries]
    argv = otterwiki_compare.server_argv(gunicorn, args.workers)
    with servers.running(
        argv,
        env=otterwiki_compare.server_env(settings),
        cwd=work,
        log_path=work / "otterwiki.log",
        probe_path="/-/search/x",
    ) as (port, _):
        return loadgen.run_python(port, paths, args.otter_seconds, args.workers)


# --- report -----------------------------------------------------------------------------------


def report_latency(label: str, samples: list[float], target_ms: float) -> float:
    p50, p95, p99 = percentiles(samples)
    verdict = "OK" if p95 <= target_ms else "ABOVE TARGET"
    log.info(
        "%s (%d queries): p50 %.1f ms · p95 %.1f ms · p99 %.1f ms  [p95 target ≤ %.0f ms: %s]",
        label,
        len(samples),
        p50,
        p95,
        p99,
        target_ms,
        verdict,
    )
    return p95


def report_load(label: str, result: loadgen.LoadResult) -> None:
    log.info(
        "%s: %.1f req/s (%d requests in %.1f s, %d errors; p50 %.0f ms, p95 %.0f ms; %s)",
        label,
        result.rps,
        result.requests,
        result.seconds,
        result.errors,
        result.p50_ms,
        result.p95_ms,
        result.generator,
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=15.0, help="HTTP load duration")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--otterwiki", action="store_true", help="also measure An Otter Wiki")
    parser.add_argument("--otter-seconds", type=float, default=30.0)
    parser.add_argument("--otterwiki-venv", type=Path, default=otterwiki_compare.DEFAULT_VENV)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    return parser.parse_args(argv)


def run(args: argparse.Namespace, work: Path) -> None:
    data_dir = work / "data"
    data_dir.mkdir()
    corpus = build_corpus(args.pages)
    started = time.perf_counter()
    slugs, user_id = load_database(data_dir, corpus)
    log.info(
        "Corpus: %d French pages (%.1f MB of Markdown), loaded in %.1f s",
        len(corpus),
        sum(len(p.markdown.encode()) for p in corpus) / 1e6,
        time.perf_counter() - started,
    )
    seconds, count, size = build_index(data_dir)
    log.info(
        "Indexing: %d documents in %.1f s (%.0f docs/s); index size %.1f MB",
        count,
        seconds,
        count / seconds,
        size / 1e6,
    )
    queries = make_queries(args.queries, slugs)
    wall, cpu = in_process_latency(data_dir, queries, user_id)
    report_latency("In-process latency (wall clock)", wall, TARGETS["in_process_p95_ms"])
    report_latency("In-process latency (CPU time)", cpu, TARGETS["in_process_p95_ms"])
    log.info(
        "  machine load average while measuring: %.1f (%d cores)",
        os.getloadavg()[0],
        os.cpu_count() or 0,
    )
    latency, load = cercle_http(data_dir, queries, args, work)
    report_latency("HTTP latency, one client, /recherche", latency, TARGETS["http_p95_ms"])
    report_load(
        f"Cercle HTTP throughput (gunicorn -w {args.workers} --threads {args.threads})", load
    )
    if args.otterwiki:
        otter = otterwiki_http(corpus, queries, args, work)
        report_load(
            f"An Otter Wiki {otterwiki_compare.OTTERWIKI_VERSION} search "
            f"(gunicorn -w {args.workers})",
            otter,
        )
        ratio = load.rps / otter.rps if otter.rps else float("inf")
        log.info(
            "Throughput ratio Cercle / Otter Wiki: %.0f× [target ≥ %.0f×: %s]",
            ratio,
            TARGETS["otter_ratio"],
            "OK" if ratio >= TARGETS["otter_ratio"] else "BELOW",
        )


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stdout)
    log.setLevel(logging.INFO)
    args = parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="cercle-bench-search-"))
    try:
        run(args, work)
    finally:
        if args.keep:
            log.info("Kept %s", work)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
