"""Runs queued export jobs in the background, one space at a time.

The job table (``ExportJob``) is the truth: a runner claims a queued job with one atomic
``UPDATE … WHERE status = 'queued'`` that also requires no running job of the same space,
so two exports of one space run one after the other even with several processes (on
PostgreSQL the space's row is locked for the claim; SQLite writes one at a time). The
build itself runs in a separate process (``python -m wiki.export_worker JOB_ID``, at a
lower priority), so a minute of layout never holds the web process's GIL; the worker writes
the progress, the file and its SHA-256 to the row.

At start-up a runner looks for jobs left ``running`` by a process that is gone (its pid is
not alive on this host, or it started longer ago than a build may take): they are queued
again once, then failed with the code "interrupted".

In production the runner thread starts with the first request (``EXPORT_RUNNER``, default
on unless ``TESTING``); tests drive it with ``ExportRunner(app).run_once()``.
"""

from __future__ import annotations

import atexit
import datetime as dt
import json
import logging
import os
import socket
import subprocess
import sys
import threading
import weakref
from typing import Any

from flask import Flask
from sqlalchemy import exists, select, update
from sqlalchemy.orm import aliased

from .db import db
from .models import Space
from .models_memoire import ExportJob, _utcnow

log = logging.getLogger(__name__)

EXTENSION = "cercle-export-runner"
#: how long a build may take before it is stopped ("timeout")
DEFAULT_TIMEOUT = 15 * 60
#: how often an idle runner looks for jobs queued by another process
POLL_SECONDS = 2.0
MAX_ATTEMPTS = 2
#: the configuration the worker process needs to open the same database and folders
PASSED_CONFIG = (
    "DATABASE_URL",
    "DATA_DIR",
    "UPLOAD_DIR",
    "SECRET_KEY",
    "SERVER_NAME",
    "BABEL_DEFAULT_TIMEZONE",
    "EXPORT_TIMEOUT",
)


def host() -> str:
    return socket.gethostname()[:60]


def worker_id(pid: int | None = None) -> str:
    return f"{host()}:{pid or os.getpid()}"


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _left_behind(job: ExportJob, now: dt.datetime, timeout: float) -> bool:
    """True when the process that runs ``job`` is gone."""
    started = job.started_at or job.created_at
    if now - started > dt.timedelta(seconds=timeout * 2):
        return True
    name, _, pid = job.worker.rpartition(":")
    if name != host() or not pid.isdigit():
        return False  # another machine's job: only its age tells
    return not pid_alive(int(pid))


def recover(app: Flask) -> int:
    """Queue again (once) or fail the jobs a dead process left running; how many changed."""
    timeout = float(app.config.get("EXPORT_TIMEOUT", DEFAULT_TIMEOUT))
    changed = 0
    with app.app_context():
        now = _utcnow()
        for job in db.session.scalars(select(ExportJob).where(ExportJob.status == "running")):
            if not _left_behind(job, now, timeout):
                continue
            if job.attempts >= MAX_ATTEMPTS:
                job.status, job.error, job.finished_at = "failed", "interrupted", now
            else:
                job.status, job.progress = "queued", 0
            log.warning("export %s left running by %s: now %s", job.id, job.worker, job.status)
            job.worker = ""
            changed += 1
        db.session.commit()
    return changed


def claim(me: str) -> ExportJob | None:
    """Take the oldest queued job whose space runs no export now (app context needed)."""
    running = aliased(ExportJob)
    busy = exists().where(running.space_id == ExportJob.space_id, running.status == "running")
    candidates = list(
        db.session.execute(
            select(ExportJob.id, ExportJob.space_id)
            .where(ExportJob.status == "queued", ~busy)
            .order_by(ExportJob.created_at, ExportJob.id)
            .limit(10)
        )
    )
    db.session.rollback()  # SQLite: the claim below is a transaction of its own
    for job_id, space_id in candidates:
        if db.engine.dialect.name != "sqlite":  # two claims of one space wait for each other
            db.session.execute(select(Space.id).where(Space.id == space_id).with_for_update())
        result = db.session.execute(
            update(ExportJob)
            .where(ExportJob.id == job_id, ExportJob.status == "queued", ~busy)
            .values(
                status="running",
                worker=me,
                started_at=_utcnow(),
                progress=0,
                attempts=ExportJob.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        if result.rowcount == 1:
            return db.session.get(ExportJob, job_id, populate_existing=True)
    return None


def _finish(job_id: str, status: str, error: str = "") -> None:
    db.session.execute(
        update(ExportJob)
        .where(ExportJob.id == job_id, ExportJob.status == "running")
        .values(status=status, error=error, finished_at=_utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def worker_environment(app: Flask) -> dict[str, str]:
    config = {key: str(app.config[key]) for key in PASSED_CONFIG if app.config.get(key)}
    env = dict(os.environ)
    env["CERCLE_EXPORT_CONFIG"] = json.dumps(config)
    return env


class ExportRunner:
    """One per process: claims jobs and runs each in a worker process, one at a time."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.timeout = float(app.config.get("EXPORT_TIMEOUT", DEFAULT_TIMEOUT))
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._child: subprocess.Popen[bytes] | None = None
        self._child_job: str | None = None
        self._lock = threading.Lock()

    # --- driving ------------------------------------------------------------------------

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name="cercle-exports", daemon=True)
            self._thread.start()
        atexit.register(_stop_at_exit, weakref.ref(self))

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the thread; a build in progress is stopped and its job queued again."""
        self._stop.set()
        self._wake.set()
        self._interrupt_child()
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        try:
            recover(self.app)
        except Exception:
            log.exception("export recovery failed")
        while not self._stop.is_set():
            try:
                ran = self.run_once()
            except Exception:
                log.exception("export runner failed; retrying")
                ran = False
            if not ran:
                self._wake.wait(POLL_SECONDS)
                self._wake.clear()

    def run_once(self) -> bool:
        """Claim one job and run it to the end; False when none could be claimed."""
        with self.app.app_context():
            job = claim(worker_id())
            if job is None:
                return False
            job_id = job.id
        self._run(job_id)
        return True

    def run_all(self) -> int:
        """Run jobs until none is left that may start (tests, the command line)."""
        count = 0
        while self.run_once():
            count += 1
        return count

    # --- one job ------------------------------------------------------------------------

    def _spawn(self, job_id: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "wiki.export_worker", job_id],
            env=worker_environment(self.app),
            cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
            stdin=subprocess.DEVNULL,
        )

    def _run(self, job_id: str) -> None:
        try:
            child = self._spawn(job_id)
        except OSError:
            log.exception("export %s: the worker could not start", job_id)
            with self.app.app_context():
                _finish(job_id, "failed", "error")
            return
        with self._lock:
            self._child, self._child_job = child, job_id
        with self.app.app_context():
            db.session.execute(
                update(ExportJob)
                .where(ExportJob.id == job_id, ExportJob.status == "running")
                .values(worker=worker_id(child.pid))
                .execution_options(synchronize_session=False)
            )
            db.session.commit()
        error = "error"  # what a worker that exits without finishing its job failed of
        try:
            child.wait(self.timeout)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
            error = "timeout"
        finally:
            with self._lock:
                self._child, self._child_job = None, None
        with self.app.app_context():
            if self._stop.is_set():  # stopped on purpose: the next start runs it again
                self._requeue(job_id)
            else:  # nothing changes when the worker wrote "done" or "failed" itself
                _finish(job_id, "failed", error)

    def _requeue(self, job_id: str) -> None:
        db.session.execute(
            update(ExportJob)
            .where(ExportJob.id == job_id, ExportJob.status == "running")
            .values(status="queued", progress=0, worker="", attempts=ExportJob.attempts - 1)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()

    def _interrupt_child(self) -> None:
        with self._lock:
            child = self._child
        if child is not None and child.poll() is None:
            child.terminate()


def _stop_at_exit(ref: weakref.ref[ExportRunner]) -> None:
    runner = ref()
    if runner is not None:
        runner.stop(5.0)


def get(app: Flask) -> ExportRunner | None:
    return app.extensions.get(EXTENSION)


def start(app: Flask) -> ExportRunner:
    """This process's runner, started (once)."""
    runner = app.extensions.get(EXTENSION)
    if runner is None:
        runner = app.extensions.setdefault(EXTENSION, ExportRunner(app))
    runner.start()
    return runner


def wake(app: Flask) -> None:
    """Tell this process's runner a job was queued; start it if this app runs one."""
    runner = get(app)
    if runner is None and enabled(app):
        runner = start(app)
    if runner is not None:
        runner.wake()


def enabled(app: Flask) -> bool:
    return bool(app.config.get("EXPORT_RUNNER", not app.config.get("TESTING")))


def init_app(app: Flask) -> None:
    """Start the runner with the first request when this app runs one (not in tests)."""
    if not enabled(app):
        return
    started: dict[str, Any] = {"done": False}

    @app.before_request
    def _start_exports() -> None:
        if not started["done"]:
            started["done"] = True
            start(app)
