"""One export job, in a process of its own: ``python -m wiki.export_worker JOB_ID``.

Started by ``wiki.export_runner`` with the web app's configuration in
``CERCLE_EXPORT_CONFIG`` (JSON). It lowers its priority, runs the format's builder on the
job's selection, writes the file through a temporary name (fsync, then rename, so a
download never sees half a file), and records progress, size, SHA-256 and the outcome on
the job's row. Exit status 0 when the job is done, 1 when it failed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import resource
import sys
import time
from pathlib import Path

from sqlalchemy import update

log = logging.getLogger("wiki.export_worker")
NICENESS = 10
PROGRESS_EVERY = 0.5  # seconds between two progress writes


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def run_job(job_id: str) -> bool:
    """Build job ``job_id`` (app context needed); True when done."""
    from . import exports, memoire
    from .db import db
    from .models import Space
    from .models_memoire import ExportJob, _utcnow

    job = db.session.get(ExportJob, job_id)
    if job is None or job.status != "running":
        return False
    space = db.session.get(Space, job.space_id)
    target = exports.file_path(job)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.part")
    last = {"at": 0.0, "value": -1}

    def progress(percent: int) -> None:
        value = max(0, min(99, int(percent)))
        now = time.monotonic()
        if value == last["value"] or now - last["at"] < PROGRESS_EVERY:
            return
        last.update(at=now, value=value)
        db.session.execute(
            update(ExportJob)
            .where(ExportJob.id == job_id, ExportJob.status == "running")
            .values(progress=value)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()

    def finish(**values) -> None:
        db.session.rollback()
        db.session.execute(
            update(ExportJob)
            .where(ExportJob.id == job_id, ExportJob.status == "running")
            .values(finished_at=_utcnow(), **values)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()

    try:
        if space is None:
            raise LookupError("space gone")
        build = exports.builder_for(job.format)
    except (ImportError, AttributeError, KeyError, LookupError):
        log.exception("export %s: no builder for %s", job_id, job.format)
        finish(status="failed", error="unavailable")
        return False
    try:
        build(space, memoire.loads(job.selection), partial, progress)
        with partial.open("rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, target)
        _fsync_dir(target.parent)
    except Exception:
        log.exception("export %s (%s) failed", job_id, job.format)
        partial.unlink(missing_ok=True)
        finish(status="failed", error="error")
        return False
    finish(
        status="done",
        progress=100,
        error="",
        size_bytes=target.stat().st_size,
        sha256=sha256_of(target),
    )
    return True


def _config() -> dict:
    config = json.loads(os.environ.get("CERCLE_EXPORT_CONFIG") or "{}")
    # the worker only reads: no search index writer, no background runner of its own
    config.update(SEARCH_BACKEND="memory", SEARCH_ASYNC=False, EXPORT_RUNNER=False)
    return config


def main(argv: list[str]) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    if len(argv) != 1:
        log.error("usage: python -m wiki.export_worker JOB_ID")
        return 2
    with contextlib.suppress(OSError):  # already as low as allowed
        os.nice(NICENESS)
    from app import create_app

    started = time.monotonic()
    app = create_app(_config())
    with app.app_context(), app.test_request_context():
        done = run_job(argv[0])
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    log.info(
        "export %s %s in %.1f s, peak memory %.0f MB",
        argv[0],
        "done" if done else "failed",
        time.monotonic() - started,
        peak_mb,
    )
    return 0 if done else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
