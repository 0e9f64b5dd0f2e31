"""Page-view throughput of Cercle on a realistic corpus, optionally side by side with Otter Wiki.

    .venv/bin/python -m bench.pages [--pages 1000] [--seconds 15] [--otterwiki]

Loads the seeded corpus (bench/corpus.py) into a fresh SQLite database through the service
layer, serves it on 127.0.0.1 as the README recommends for the embedded default (``python
app.py``: gunicorn, one process, 100 threads; ``--serving gunicorn`` with ``--workers`` and
``--threads`` for another setup), warms the per-revision HTML cache, then requests random
page views for a bounded time. The space is visible to anyone with the link, so the views
are anonymous (no login). With ``--otterwiki`` the same corpus is committed to a git
repository and served by An Otter Wiki (own venv) in its best setup, one sync gunicorn
worker per CPU (``--otter-workers``), with the same load, one server after the other,
never at the same time.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import loadgen, otterwiki_compare, servers
from .corpus import DEFAULT_SEED, CorpusPage, build_corpus, create_pages, describe

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 5.0  # issue 12


@dataclass(frozen=True)
class Target:
    label: str
    command: Callable[[int], list[str]]
    env: dict[str, str]
    cwd: Path
    paths: list[str]


@dataclass(frozen=True)
class Measurement:
    label: str
    load: loadgen.LoadResult
    server_cpu_s: float
    machine_busy_pct: float
    warmup: Counter[int]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000, help="pages in the corpus")
    parser.add_argument("--seconds", type=float, default=15.0, help="duration of each load run")
    parser.add_argument(
        "--serving",
        choices=("readme", "gunicorn"),
        default="readme",
        help="Cercle served by `python app.py` (the README's setup) or the gunicorn command line",
    )
    parser.add_argument(
        "--workers", type=int, default=2, help="gunicorn worker processes (--serving gunicorn)"
    )
    parser.add_argument(
        "--behind-nginx",
        type=int,
        default=0,
        metavar="N",
        help="also measure the scale-out setup the README recommends: N `python app.py` "
        "behind nginx on PostgreSQL and Redis (bench/load_setup.py)",
    )
    parser.add_argument(
        "--otter-workers", type=int, default=os.cpu_count() or 2, help="Otter Wiki's workers"
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=4,
        help="gunicorn threads per Cercle worker (Otter Wiki: sync workers)",
    )
    parser.add_argument("--connections", type=int, default=16, help="concurrent client connections")
    parser.add_argument("--generator", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--warmup-passes", type=int, default=2, help="views of every page first")
    parser.add_argument("--warmup-seconds", type=float, default=60.0, help="warm-up time limit")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--otterwiki", action="store_true", help="also measure An Otter Wiki")
    parser.add_argument("--otterwiki-venv", type=Path, default=otterwiki_compare.DEFAULT_VENV)
    parser.add_argument(
        "--install-otterwiki",
        action="store_true",
        help="create the Otter Wiki venv when it is missing",
    )
    parser.add_argument(
        "--app-dir",
        type=Path,
        action="append",
        help="Cercle source tree to serve (default: this checkout); repeat it "
        "to compare a patched copy (A/B)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary data folder")
    args = parser.parse_args(argv)
    args.app_dir = [path.resolve() for path in args.app_dir or [ROOT]]
    if not (1 <= args.pages <= 100_000 and 0 < args.seconds <= 600 and args.connections >= 1):
        parser.error("--pages 1..100000, --seconds 0..600, --connections ≥ 1")
    return args


def load_cercle(data_dir: Path, corpus: list[CorpusPage]) -> list[str]:
    """Migrate a fresh database and create every page through the service layer."""
    from app import create_app
    from wiki import accounts, migrate, spaces

    url = f"sqlite:///{data_dir / 'cercle.db'}"
    migrate.upgrade(url)
    app = create_app({"DATA_DIR": data_dir, "DATABASE_URL": url})
    with app.app_context():
        user = accounts.create_user(
            "banc@cercle.test", "Banc d'essai", "banc-d-essai-2026", can_create_spaces=True
        )
        space = spaces.create_space(user, "Coopérer — banc d'essai", visibility="link")
        return create_pages(user, space, corpus)


def cercle_target(
    data_dir: Path, paths: list[str], args: argparse.Namespace, app_dir: Path
) -> Target:
    if args.serving == "readme":
        env, command = servers.cercle_app_py(data_dir, app_dir)
    else:
        env, command = servers.cercle_gunicorn(data_dir, app_dir, args.workers, args.threads)
    label = "Cercle" if app_dir == ROOT else f"Cercle ({app_dir.name})"
    return Target(label, command, env, app_dir, paths)


def otterwiki_targets(
    work: Path, corpus: list[CorpusPage], args: argparse.Namespace, gunicorn: Path
) -> list[Target]:
    repo = work / "otterwiki-repo"
    paths = otterwiki_compare.build_repo(repo, corpus)
    command = otterwiki_compare.server_argv(gunicorn, args.otter_workers)
    targets = []
    for label, mode in otterwiki_compare.CONFIGURATIONS:
        settings = otterwiki_compare.write_settings(work, repo, mode)
        otterwiki_compare.init_database(args.otterwiki_venv, settings)
        targets.append(Target(label, command, otterwiki_compare.server_env(settings), work, paths))
    return targets


def _generate_load(
    port: int, paths: list[str], args: argparse.Namespace, work: Path
) -> loadgen.LoadResult:
    use_wrk = args.generator == "wrk" or (args.generator == "auto" and loadgen.wrk_available())
    if use_wrk:
        return loadgen.run_wrk(port, paths, args.seconds, args.connections, work)
    return loadgen.run_python(port, paths, args.seconds, args.connections)


def measure(target: Target, args: argparse.Namespace, work: Path, number: int) -> Measurement:
    log_path = work / f"server-{number}.log"
    print(f"\n== {target.label}: {' '.join(target.command(0)).replace(':0 ', ':PORT ')}")
    print(f"   load average before the run: {os.getloadavg()[0]:.2f}", flush=True)
    with servers.running(
        target.command,
        env=target.env,
        cwd=target.cwd,
        log_path=log_path,
        probe_path=target.paths[0],
    ) as (port, pgid):
        warm = loadgen.warm_up(
            port, target.paths, args.warmup_passes, args.connections, args.warmup_seconds
        )
        cpu_before, machine_before = servers.group_cpu_seconds(pgid), servers.machine_cpu_ticks()
        load = _generate_load(port, target.paths, args, work)
        server_cpu = servers.group_cpu_seconds(pgid) - cpu_before
        busy, total = (
            after - before
            for after, before in zip(servers.machine_cpu_ticks(), machine_before, strict=True)
        )
    result = Measurement(target.label, load, server_cpu, 100 * busy / max(total, 1), warm)
    print_measurement(result)
    return result


def measure_behind_nginx(args: argparse.Namespace, work: Path) -> Measurement:
    """The same load on N processes behind nginx; the server CPU counts them, nginx and
    PostgreSQL's processes."""
    from . import load_setup

    label = f"Cercle ({args.behind_nginx} processes + nginx, PostgreSQL, Redis)"
    print(f"\n== {label}: python app.py × {args.behind_nginx}, deploy/nginx/cercle.conf")
    setup = work / "behind-nginx"
    setup.mkdir()
    with load_setup.behind_nginx(setup, args.pages, answerers=0, processes=args.behind_nginx) as (
        target,
        seeded,
    ):
        print(f"   load average before the run: {os.getloadavg()[0]:.2f}", flush=True)
        paths = seeded.page_paths
        warm = loadgen.warm_up(
            target.port, paths, args.warmup_passes, args.connections, args.warmup_seconds
        )

        def cpu() -> float:
            groups = sum(servers.group_cpu_seconds(pgid) for pgid in target.pgids)
            return groups + servers.command_cpu_seconds("postgres")

        cpu_before, machine_before = cpu(), servers.machine_cpu_ticks()
        load = _generate_load(target.port, paths, args, work)
        server_cpu = cpu() - cpu_before
        busy, total = (
            after - before
            for after, before in zip(servers.machine_cpu_ticks(), machine_before, strict=True)
        )
    result = Measurement(label, load, server_cpu, 100 * busy / max(total, 1), warm)
    print_measurement(result)
    return result


def print_measurement(m: Measurement) -> None:
    load = m.load
    warm = ", ".join(
        f"{'not sent' if s == -1 else s or 'socket error'}: {n}"
        for s, n in sorted(m.warmup.items())
    )
    print(f"   warm-up statuses: {warm}")
    print(f"   generator: {load.generator}, {load.seconds:.1f} s")
    print(
        f"   requests {load.requests} | {load.rps:.1f} req/s | p50 {load.p50_ms:.1f} ms | "
        f"p95 {load.p95_ms:.1f} ms | p99 {load.p99_ms:.1f} ms | errors {load.errors}"
        + (f" ({load.detail})" if load.errors else "")
    )
    print(f"   server CPU per view: {_cpu_per_view_ms(m):.1f} ms")
    print(
        f"   CPU during the run: server processes {m.server_cpu_s:.1f} s, load generator "
        f"{load.client_cpu_s:.1f} s; machine {m.machine_busy_pct:.0f} % busy (all CPUs)",
        flush=True,
    )


def _cpu_per_view_ms(m: Measurement) -> float:
    return 1000 * m.server_cpu_s / m.load.requests if m.load.requests else 0.0


def print_summary(results: list[Measurement]) -> None:
    """The table, then Cercle / Otter Wiki: measured req/s, and server CPU per view (the
    ceiling, CPUs ÷ CPU per view, is what the machine could serve with nothing else on it)."""
    cpus = os.cpu_count() or 1
    print(
        f"\n{'target':<38}{'requests':>9}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'errors':>7}{'CPU ms/view':>12}{'ceiling req/s':>14}"
    )
    for m in results:
        load, per_view = m.load, _cpu_per_view_ms(m)
        ceiling = 1000 * cpus / per_view if per_view else 0.0
        print(
            f"{m.label:<38}{load.requests:>9}{load.rps:>8.1f}{load.p50_ms:>9.1f}"
            f"{load.p95_ms:>9.1f}{load.p99_ms:>9.1f}{load.errors:>7}{per_view:>12.1f}"
            f"{ceiling:>14.0f}"
        )
    ours = [m for m in results if m.label.startswith("Cercle")]
    for theirs in (m for m in results if not m.label.startswith("Cercle")):
        for m in ours:
            ratio = m.load.rps / theirs.load.rps if theirs.load.rps else float("inf")
            by_cpu = _cpu_per_view_ms(theirs) / max(_cpu_per_view_ms(m), 1e-9)
            verdict = "met" if ratio >= TARGET_RATIO else "NOT met"
            print(
                f"{m.label} vs {theirs.label}: {ratio:.2f}× the req/s (target ≥ "
                f"{TARGET_RATIO:g}×: {verdict}); CPU per view theirs ÷ ours {by_cpu:.2f}×"
            )


def run(args: argparse.Namespace, work: Path) -> list[Measurement]:
    otter_gunicorn = (
        otterwiki_compare.ensure_venv(args.otterwiki_venv, create=args.install_otterwiki)
        if args.otterwiki
        else None
    )
    corpus = build_corpus(args.pages, args.seed)
    print(f"Corpus (seed {args.seed}): {describe(corpus)}")
    cercle = (
        "python app.py (gunicorn, 1 process, 100 threads)"
        if args.serving == "readme"
        else f"gunicorn -w {args.workers} --threads {args.threads}"
    )
    print(
        f"Machine: {os.cpu_count()} CPUs. Cercle: {cercle}; Otter Wiki: gunicorn -w "
        f"{args.otter_workers} (sync). {args.connections} "
        f"connections, {args.seconds:g} s per run, one server at a time; anonymous views "
        "(Cercle space visible by link)"
    )
    data_dir = work / "cercle-data"
    data_dir.mkdir()
    paths = load_cercle(data_dir, corpus)
    targets = [cercle_target(data_dir, paths, args, app_dir) for app_dir in args.app_dir]
    if otter_gunicorn is not None:
        targets += otterwiki_targets(work, corpus, args, otter_gunicorn)
    ours = len(args.app_dir)  # Cercle's targets first, then the scale-out setup, then Otter's
    results = [measure(target, args, work, n) for n, target in enumerate(targets[:ours])]
    if args.behind_nginx:
        results.append(measure_behind_nginx(args, work))
    later = enumerate(targets[ours:], ours)
    return results + [measure(target, args, work, n) for n, target in later]


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    work = Path(tempfile.mkdtemp(prefix="cercle-bench-"))
    try:
        print_summary(run(args, work))
    finally:
        if args.keep:
            print(f"Data kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
