"""Export time and memory of a large mémoire, and page views while its PDF is built.

    .venv/bin/python -m bench.export [--pages 200] [--formats pdf,html,markdown]

Builds a fresh SQLite instance: the demo space (questionnaires with answers and their
charts, fiches statuts, a Métaplan board, resources), plus ``--pages`` pages of about one
printed page each, every 10th a mind map and every 8th showing an image, and enough fiches
statuts for a comparison on a landscape page. Serves it with ``python app.py`` (gunicorn,
one process, 100 threads, the export runner in it) on a free port, asks each format's
export through the API, and prints the time of each (queued → done, from the job), the
worker process's peak memory (it logs ``ru_maxrss``), the file size, and the p50/p99 of
page views requested while the PDF is being built, next to the same views at rest.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from . import servers

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-export"
WORDS = [
    "coopération",
    "territoire",
    "association",
    "sociétaire",
    "gouvernance",
    "mutualisation",
    "fusion",
    "réseau",
    "économie",
    "sociale",
    "solidaire",
    "projet",
    "partenaires",
    "collectif",
    "accompagnement",
    "ressources",
    "bénévoles",
    "salariés",
    "statuts",
    "décision",
    "assemblée",
    "énergie",
    "alimentation",
]


def _paragraph(rng: random.Random, words: int = 70) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + " : c'est « essentiel » ! Vraiment ?"


def _page_text(rng: random.Random, number: int, image_url: str | None) -> str:
    parts = [f"## Partie {number}.1", "", _paragraph(rng), "", _paragraph(rng), ""]
    parts += [f"## Partie {number}.2", "", _paragraph(rng), ""]
    parts += ["- " + _paragraph(rng, 12) for _ in range(4)] + [""]
    if number % 5 == 0:
        parts += ["| Acteur | Rôle | Apport |", "| --- | --- | --- |"]
        parts += [
            f"| Structure {i} | {rng.choice(WORDS)} | {rng.choice(WORDS)} |" for i in range(8)
        ]
        parts.append("")
    if image_url:
        parts += [f"![Schéma {number}]({image_url})", ""]
    parts += [_paragraph(rng), ""]
    return "\n".join(parts)


def _mind_map(rng: random.Random, number: int) -> str:
    lines = []
    for branch in range(5):
        lines.append(f"- {rng.choice(WORDS)} {number}.{branch}")
        lines += [f"  - {rng.choice(WORDS)} {leaf}" for leaf in range(3)]
    return "\n".join(lines) + "\n"


def build_instance(base: Path, pages_wanted: int) -> dict:
    """The data folder and database; returns the space slug, a token and the page paths."""
    sys.path.insert(0, str(ROOT))
    from app import create_app
    from wiki import accounts, demo, memoire, migrate, navigation, page_kinds, pages, resources
    from wiki.db import db
    from wiki.models import Resource, Space, User

    url = f"sqlite:///{base / 'cercle.db'}"
    migrate.upgrade(url)
    app = create_app(
        {
            "DATA_DIR": base / "data",
            "DATABASE_URL": url,
            "SECRET_KEY": SECRET,
            "SEARCH_BACKEND": "memory",
            "EXPORT_RUNNER": False,
            "SERVER_NAME": "bench.invalid",
        }
    )
    rng = random.Random(11)
    with app.app_context(), app.test_request_context():
        demo.seed()
        space = db.session.query(Space).one()
        space.visibility = "link"  # anonymous page views
        facilitator = db.session.get(User, space.memberships[0].user_id)
        db.session.commit()
        image = db.session.query(Resource).filter(Resource.mime_type == "image/png").first()
        if image is None:
            png = demo._demo_map_png()
            image = resources.add_file(
                facilitator,
                space,
                filename="carte.png",
                stream=io.BytesIO(png),
                title="Carte",
                max_bytes=10**7,
                upload_dir=app.config["UPLOAD_DIR"],
            )
        image_url = f"/s/{space.slug}/ressources/{image.id}/fichier"
        section = pages.create_page(facilitator, space, "Journal des ateliers", "Les ateliers.")
        for number in range(1, pages_wanted + 1):
            title = f"Atelier {number:03d} — {rng.choice(WORDS)}"
            if number % 10 == 0:
                pages.create_page(
                    facilitator,
                    space,
                    title,
                    _mind_map(rng, number),
                    parent_id=section.id,
                    kind="mind_map",
                )
            else:
                text = _page_text(rng, number, image_url if number % 8 == 0 else None)
                pages.create_page(facilitator, space, title, text, parent_id=section.id)
        for form in ("scop", "sarl", "sas", "association"):
            try:
                page_kinds.create(facilitator, space, "fiche_statut", f"Fiche {form}", choice=form)
            except Exception:  # a legal form this instance does not offer
                db.session.rollback()
        selection = [item.as_json() for item in memoire.whole_space(space)]
        token = accounts.create_token(facilitator)
        paths = [f"/s/{space.slug}/p/{page.slug}" for page in navigation.live_pages(space)]
        slug = space.slug
    with app.app_context():
        db.engine.dispose()
    return {"slug": slug, "token": token, "selection": selection, "paths": paths}


def _request(port: int, path: str, token: str | None = None, body: dict | None = None):
    headers = {"Accept": "application/json"}
    data = None
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if body is not None:
        headers["Content-Type"] = "application/json"
        data = json.dumps(body).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.read()


THINK = {"seconds": 0.25}  # a viewer's pause between two pages (--think)


def _views(port: int, paths: list[str], stop: threading.Event, out: list[float]) -> None:
    rng = random.Random(3)
    while not stop.wait(THINK["seconds"]):
        path = rng.choice(paths)
        started = time.perf_counter()
        try:
            _request(port, path)
        except OSError:
            continue
        out.append((time.perf_counter() - started) * 1000)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def _load_during(port: int, paths: list[str], clients: int, until) -> list[float]:
    stop, latencies = threading.Event(), []
    threads = [
        threading.Thread(target=_views, args=(port, paths, stop, latencies), daemon=True)
        for _ in range(clients)
    ]
    for thread in threads:
        thread.start()
    try:
        until()
    finally:
        stop.set()
        for thread in threads:
            thread.join(10)
    return latencies


def _export(port: int, data: dict, fmt: str, timeout: float) -> dict:
    status, body = _request(
        port,
        f"/api/v1/spaces/{data['slug']}/exports",
        data["token"],
        {"format": fmt, "selection": data["selection"]},
    )
    assert status == 202, status
    job = json.loads(body)
    deadline = time.monotonic() + timeout
    while job["status"] in ("queued", "running"):
        if time.monotonic() > deadline:
            raise RuntimeError(f"{fmt} export still {job['status']} after {timeout} s")
        time.sleep(0.25)
        job = json.loads(_request(port, f"/api/v1/exports/{job['id']}", data["token"])[1])
    return job


def _job_seconds(job: dict) -> float:
    from datetime import datetime

    created = datetime.fromisoformat(job["created_at"].rstrip("Z"))
    finished = datetime.fromisoformat(job["finished_at"].rstrip("Z"))
    return (finished - created).total_seconds()


def _peak_mb(log_path: Path, job_id: str) -> str:
    found = re.findall(
        rf"export {job_id} \w+ in [\d.]+ s, peak memory (\d+) MB", log_path.read_text()
    )
    return found[-1] if found else "?"


def _pdf_pages(port: int, job: dict) -> int:
    from urllib.parse import urlsplit

    from pypdf import PdfReader

    _status, body = _request(port, urlsplit(job["download_url"]).path)
    return len(PdfReader(io.BytesIO(body)).pages)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200, help="pages added to the demo space")
    parser.add_argument("--formats", default="pdf,html,markdown")
    parser.add_argument("--clients", type=int, default=8, help="concurrent page viewers")
    parser.add_argument("--timeout", type=float, default=600.0, help="per export, seconds")
    parser.add_argument("--rest-seconds", type=float, default=5.0)
    parser.add_argument(
        "--think", type=float, default=0.25, help="each viewer's pause between pages, seconds"
    )
    args = parser.parse_args(argv)
    THINK["seconds"] = args.think
    base = Path(tempfile.mkdtemp(prefix="cercle-bench-export-"))
    started = time.monotonic()
    data = build_instance(base, args.pages)
    print(f"instance: {len(data['paths'])} pages, built in {time.monotonic() - started:.0f} s")
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("GUNICORN_CMD_ARGS",)},
        "CERCLE_DATA_DIR": str(base / "data"),
        "DATABASE_URL": f"sqlite:///{base / 'cercle.db'}",
        "SECRET_KEY": SECRET,
    }
    log_path = base / "server.log"

    # app.py reads PORT from the environment
    def wrapped(port: int) -> list[str]:
        return ["env", f"PORT={port}", sys.executable, "app.py"]

    with servers.running(
        wrapped, env=env, cwd=ROOT, log_path=log_path, probe_path="/connexion"
    ) as (
        port,
        _pgid,
    ):
        for path in data["paths"][:50]:  # warm the HTML cache
            _request(port, path)
        rest = _load_during(
            port, data["paths"], args.clients, lambda: time.sleep(args.rest_seconds)
        )
        print(
            f"page views at rest: {len(rest)} views, p50 {_percentile(rest, 0.5):.0f} ms, "
            f"p99 {_percentile(rest, 0.99):.0f} ms"
        )
        for fmt in [f for f in args.formats.split(",") if f]:
            holder: dict = {}

            def run(fmt=fmt, holder=holder) -> None:
                holder["job"] = _export(port, data, fmt, args.timeout)

            if fmt == "pdf":
                during = _load_during(port, data["paths"], args.clients, run)
            else:
                during = None
                run()
            job = holder["job"]
            if job["status"] != "done":
                print(f"{fmt}: {job['status']} ({job.get('error')}: {job.get('error_message')})")
                continue
            line = (
                f"{fmt}: {_job_seconds(job):.1f} s, worker peak memory "
                f"{_peak_mb(log_path, job['id'])} MB, file {job['size_bytes'] / 1024:.0f} KB"
            )
            if fmt == "pdf":
                line += f", {_pdf_pages(port, job)} pages"
            print(line)
            if during is not None:
                print(
                    f"page views while the PDF was built: {len(during)} views, "
                    f"p50 {statistics.median(during) if during else float('nan'):.0f} ms, "
                    f"p99 {_percentile(during, 0.99):.0f} ms"
                )


if __name__ == "__main__":
    main()
