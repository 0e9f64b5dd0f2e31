"""Load benchmark (issue 12): readers, co-editors and answerers at once, on each setup.

    .venv/bin/python -m bench.load [--seconds 120] [--readers 200] [--editors 30]
                                   [--answerers 40] [--setups one,nginx2]

For each setup (bench/load_setup.py: ``one`` = one process on SQLite, ``nginx2`` = two
processes on PostgreSQL + Redis behind nginx), one after the other: a fresh database seeded
with a space anyone with the link reads (``--pages`` corpus pages, bench/corpus.py), 3 pages
to co-edit and an open questionnaire; a warm-up pass over the pages; then, for ``--seconds``,
all at once (bench/load_people.py):

* readers view a page or search (1 in 5), then think ``--think`` s ±50 % (10 s: a person
  skimming; 200 of them make ~20 requests/s; ``--think 3``, ~60/s, overloads one process);
* editors type a character every ``--period`` s on the 3 pages (Yjs over Socket.IO); edit
  delivery is a keystroke's send → every other editor's receipt;
* answerers each post one answer at a random moment; ``--walls`` results views watch, and
  results delivery is an answer's POST → the count including it on every wall.

Errors (must be 0): HTTP answers other than 200, refused answers, lost Socket.IO
connections, editors, a fresh client (the server's doc) or ``pages.markdown`` not agreeing
at the end, walls not showing every answer, tracebacks in the server logs. Prints a table,
one column per setup; exits 1 if any error. Server CPU is that of the serving process groups
(nginx included), in % of one core; the load generator shares the machine and its CPU is
printed too. Figures in bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import resource
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from bench import load_setup
from bench.load_people import Editors, Outcome, answerers, run_readers
from bench.load_setup import SETUPS, Sampler, Seeded, Target
from bench.loadgen import warm_up

EDIT_PAGES = load_setup.EDIT_PAGES
WARMUP_S = 60.0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--readers", type=int, default=200)
    parser.add_argument("--editors", type=int, default=30)
    parser.add_argument("--answerers", type=int, default=40)
    parser.add_argument("--walls", type=int, default=2)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--think", type=float, default=10.0, help="readers' mean pause, s")
    parser.add_argument("--period", type=float, default=0.2, help="s between keystrokes")
    parser.add_argument("--setups", default="one,nginx2")
    parser.add_argument("--keep", action="store_true", help="keep the folders (server logs)")
    args = parser.parse_args(argv)
    args.setups = [s.strip() for s in args.setups.split(",") if s.strip()]
    unknown = [s for s in args.setups if s not in SETUPS]
    if unknown or not args.setups:
        parser.error(f"--setups: {', '.join(SETUPS)} (unknown: {', '.join(unknown)})")
    if not 0 < args.seconds <= 600 or min(args.readers, args.editors, args.answerers) < 0:
        parser.error("--seconds 0..600, counts ≥ 0")
    if args.pages < 10 or args.think <= 0 or args.period <= 0:
        parser.error("--pages ≥ 10, --think > 0, --period > 0")
    return args


def editors_per_page(editors: int) -> list[int]:
    """Spread the editors over at most 3 pages, at least 2 per page used (a delivery needs
    someone else in the room) when there are enough of them."""
    used = max(1, min(EDIT_PAGES, editors // 2))
    return [editors // used + (1 if n < editors % used else 0) for n in range(used)]


async def _drive(args: argparse.Namespace, target: Target, seeded: Seeded) -> dict:
    outcome = Outcome()
    per_page = editors_per_page(args.editors) if args.editors else []
    editors = Editors(
        target.port, seeded.editor_token, seeded.edit_page_ids[: len(per_page)], per_page
    )
    await editors.open()
    await asyncio.sleep(2)  # everyone synced
    loop = asyncio.get_running_loop()
    gen0 = resource.getrusage(resource.RUSAGE_SELF)
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        pool.submit(int).result()  # the child is up (spawn imports take a second)
        with Sampler(target.pgids) as sampler:
            readers = loop.run_in_executor(
                pool,
                run_readers,
                target.port,
                seeded.page_paths,
                seeded.search_paths,
                args.readers,
                args.seconds,
                args.think,
            )
            await asyncio.gather(
                editors.type(args.seconds, args.period),
                answerers(
                    target.port,
                    seeded.questionnaire_id,
                    seeded.question_ids,
                    seeded.answer_tokens,
                    seeded.wall_token,
                    args.walls if args.answerers else 0,
                    args.seconds,
                    outcome,
                ),
            )
            read = await readers
    gen1 = resource.getrusage(resource.RUSAGE_SELF)
    texts = await editors.finish(outcome)
    if texts and not load_setup.written_back(target.db_url, texts):
        outcome.error("pages.markdown not written back")
    outcome.add("view", read["views"])
    outcome.add("search", read["searches"])
    for status, count in read["failures"].items():
        outcome.error(f"HTTP {status or 'socket error'}", count)
    generator_s = (gen1.ru_utime + gen1.ru_stime) - (gen0.ru_utime + gen0.ru_stime)
    return {"outcome": outcome, "sampler": sampler, "generator_s": generator_s + read["cpu_s"]}


def run_setup(args: argparse.Namespace, name: str) -> dict:
    prefix = f"bench-load-{name}-"
    folder = tempfile.mkdtemp(prefix=prefix) if args.keep else None
    with (
        contextlib.nullcontext(folder)
        if folder
        else tempfile.TemporaryDirectory(prefix=prefix) as tmp
    ):
        if folder:
            print(f"   folder kept: {tmp}", flush=True)
        started = time.monotonic()
        with load_setup.start(name, Path(tmp), args.pages, args.answerers) as (target, seeded):
            statuses = warm_up(target.port, seeded.page_paths, 1, 4, WARMUP_S)
            load = _loadavg()
            result = asyncio.run(_drive(args, target, seeded))
        result["tracebacks"] = target.tracebacks()
        result["outcome"].error("server tracebacks", sum(result["tracebacks"].values()))
        bad = {s: n for s, n in statuses.items() if s != 200}
        result["outcome"].error("warm-up not 200", sum(bad.values()))
        result.update(load_before=load, load_after=_loadavg(), wall_s=time.monotonic() - started)
    return result


def _loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _pct(samples: list[float], q: float) -> str:
    if not samples:
        return "–"
    ordered = sorted(samples)
    return f"{1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]:.0f}"


def rows(result: dict, seconds: float) -> list[tuple[str, str]]:
    out: Outcome = result["outcome"]
    sampler: Sampler = result["sampler"]
    lines: list[tuple[str, str]] = []
    for kind, label in (
        ("view", "page view"),
        ("search", "search"),
        ("edit", "edit delivery"),
        ("results", "results delivery"),
        ("answer POST", "answer POST"),
    ):
        samples = out.samples.get(kind, [])
        lines.append((f"{label} p50 / p99 ms", f"{_pct(samples, 0.5)} / {_pct(samples, 0.99)}"))
        lines.append((f"{label} count", f"{len(samples)}"))
    http = len(out.samples.get("view", [])) + len(out.samples.get("search", []))
    lines += [
        ("reader requests / s", f"{http / seconds:.1f}"),
        ("server CPU (% of a core)", f"{100 * sampler.cpu_s / sampler.seconds:.0f} %"),
        ("server RSS peak MB", f"{sampler.peak_rss_mb:.0f}"),
        ("load generator CPU", f"{100 * result['generator_s'] / sampler.seconds:.0f} %"),
        ("machine busy (all CPUs)", f"{100 * sampler.machine_busy:.0f} %"),
        ("load avg before", result["load_before"]),
        ("load avg after", result["load_after"]),
        ("errors", f"{sum(out.errors.values())}"),
    ]
    lines += [(f"  {cause}", f"{n}") for cause, n in sorted(out.errors.items())]
    return lines


def print_table(results: dict[str, dict], seconds: float) -> None:
    columns = {name: dict(rows(r, seconds)) for name, r in results.items()}
    labels: list[str] = []
    for name in results:
        labels += [label for label, _v in rows(results[name], seconds) if label not in labels]
    width = max(len(label) for label in labels)
    print(f"{'':<{width}}  " + "  ".join(f"{SETUPS[n]:>32}" for n in results))
    for label in labels:
        cells = "  ".join(f"{columns[n].get(label, '0'):>32}" for n in results)
        print(f"{label:<{width}}  {cells}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    print(
        f"{args.readers} readers (think {args.think:g} s), {args.editors} editors on "
        f"{len(editors_per_page(args.editors)) if args.editors else 0} pages "
        f"(a key every {args.period:g} s), {args.answerers} answerers ({args.walls} walls), "
        f"{args.pages} pages, {args.seconds:g} s per setup; load {_loadavg()}",
        flush=True,
    )
    results = {}
    for name in args.setups:
        print(f"-- {SETUPS[name]}", flush=True)
        results[name] = run_setup(args, name)
        print(f"   done in {results[name]['wall_s']:.0f} s", flush=True)
    print_table(results, args.seconds)
    for name, result in results.items():
        for line, count in result["tracebacks"].most_common(5):
            print(f"{name}: {count} × {line}")
    errors = sum(sum(r["outcome"].errors.values()) for r in results.values())
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
