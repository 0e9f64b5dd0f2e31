"""Export jobs: queued → running → done in a worker process, progress, SHA-256 of the file,
one export of a space at a time, recovery of jobs a dead process left running."""

from __future__ import annotations

import datetime as dt
import hashlib
import os

import pytest

from wiki import exports
from wiki.db import db
from wiki.errors import NotFound, PermissionDenied, ValidationError
from wiki.export_runner import claim, host, recover, worker_id
from wiki.models import Space
from wiki.models_memoire import ExportJob, _utcnow

from .conftest import reload


def test_a_job_runs_in_a_worker_process_and_records_its_file(app, personas, runner):
    job = exports.enqueue(personas.facilitator, personas.space, "pdf")
    assert (job.status, job.progress, len(job.id)) == ("queued", 0, 32)
    assert exports.download_url(job) is None
    assert runner.run_once() is True
    job = reload(job)
    assert (job.status, job.progress, job.error) == ("done", 100, "")
    assert job.worker.startswith(host() + ":") and job.worker != worker_id()  # another process
    path = exports.file_path(job)
    assert path.read_bytes().startswith(b"%PDF")
    assert job.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert job.size_bytes == path.stat().st_size
    assert not list(path.parent.glob(".*part"))
    assert exports.download_url(job) == f"/s/cooperer/exports/{job.id}/cooperer-memoire.pdf"
    assert runner.run_once() is False  # nothing left


def test_download_serves_the_file_with_its_hash_as_etag(app, personas, runner, client_for):
    job = exports.enqueue(personas.facilitator, personas.space, "pdf")
    runner.run_all()
    job = reload(job)
    url = exports.download_url(job)
    with client_for(personas.reader).get(url) as response:
        response.make_sequence()
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["ETag"] == f'"{job.sha256}"'
    assert "attachment" in response.headers["Content-Disposition"]
    assert hashlib.sha256(response.data).hexdigest() == job.sha256
    with client_for(personas.reader).get(
        url, headers={"If-None-Match": f'"{job.sha256}"'}
    ) as again:
        assert again.status_code == 304
    assert client_for(personas.outsider).get(url).status_code == 404
    assert client_for(personas.reader).get(url.replace(".pdf", ".zip")).status_code == 404


def test_only_facilitators_export(app, personas):
    for user in (personas.participant, personas.reader):
        with pytest.raises(PermissionDenied):
            exports.enqueue(user, personas.space, "pdf")
    with pytest.raises(NotFound):
        exports.enqueue(personas.outsider, personas.space, "pdf")
    with pytest.raises(ValidationError):
        exports.enqueue(personas.facilitator, personas.space, "docx")
    job = exports.enqueue(personas.facilitator, personas.space, "markdown")
    with pytest.raises(PermissionDenied):
        exports.get_job(personas.reader, job.id)
    with pytest.raises(NotFound):
        exports.get_job(personas.facilitator, "0" * 32)


def test_an_archived_space_is_still_exported(app, personas):
    personas.space.archived_at = _utcnow()
    db.session.commit()
    job = exports.enqueue(personas.facilitator, personas.space, "pdf")
    assert job.status == "queued"


def test_two_exports_of_one_space_run_one_after_the_other(app, personas, runner):
    first = exports.enqueue(personas.facilitator, personas.space, "pdf")
    second = exports.enqueue(personas.facilitator, personas.space, "pdf")
    other_space = Space(slug="autre", title="Autre espace")
    db.session.add(other_space)
    db.session.commit()
    other = exports.enqueue(personas.admin, other_space, "pdf")
    claimed = claim("elsewhere:1")
    assert claimed.id == first.id
    # while the first runs, the second waits; another space's export may start
    assert claim("elsewhere:2").id == other.id
    assert claim("elsewhere:3") is None
    assert reload(second).status == "queued"
    db.session.execute(
        ExportJob.__table__.update()
        .where(ExportJob.id.in_([first.id, other.id]))
        .values(status="done", finished_at=_utcnow())
    )
    db.session.commit()
    assert claim("elsewhere:4").id == second.id


def test_runner_runs_jobs_of_one_space_in_order(app, personas, runner):
    jobs = [exports.enqueue(personas.facilitator, personas.space, "pdf") for _ in range(2)]
    assert runner.run_all() == 2
    first, second = (reload(job) for job in jobs)
    assert first.status == second.status == "done"
    assert first.finished_at <= second.started_at


def _running(personas, worker: str, attempts: int = 1, started: dt.datetime | None = None):
    job = exports.enqueue(personas.facilitator, personas.space, "pdf")
    job.status, job.worker, job.attempts = "running", worker, attempts
    job.started_at = started or _utcnow()
    db.session.commit()
    return job


def _dead_pid() -> int:
    pid = 2**22 - 7
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        except PermissionError:
            pass
        pid -= 1


def test_restart_requeues_a_job_left_by_a_dead_process_once(app, personas):
    dead = _running(personas, f"{host()}:{_dead_pid()}", attempts=1)
    alive = _running(personas, worker_id(), attempts=1)
    far = _running(personas, "other-host:12", attempts=1)
    stale = _running(personas, "other-host:13", started=_utcnow() - dt.timedelta(days=1))
    assert recover(app) == 2
    assert (reload(dead).status, reload(dead).error) == ("queued", "")
    assert reload(alive).status == "running" and reload(far).status == "running"
    assert reload(stale).status == "queued"


def test_a_job_interrupted_twice_fails_with_a_reason(app, personas, client_for):
    job = _running(personas, f"{host()}:{_dead_pid()}", attempts=2)
    recover(app)
    job = reload(job)
    assert (job.status, job.error) == ("failed", "interrupted")
    assert "interrompu" in exports.error_message(job)
    page = client_for(personas.facilitator).get("/s/cooperer/exports")
    assert "interrompu" in page.get_data(as_text=True)


def test_a_build_that_fails_marks_the_job_failed(app, personas, runner):
    job = exports.enqueue(personas.facilitator, personas.space, "pdf")
    db.session.execute(ExportJob.__table__.update().values(selection="[{]"))  # unreadable
    db.session.commit()
    runner.run_once()
    job = reload(job)
    assert (job.status, job.error) == ("failed", "error")
