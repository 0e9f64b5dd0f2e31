"""The two builders run as export jobs (``wiki.export_worker.run_job``, the worker's code
path, in this process): the job ends done, with the file's size and SHA-256."""

from __future__ import annotations

import hashlib
import secrets
import zipfile

import pytest

from wiki import export_worker, exports, memoire
from wiki.db import db
from wiki.models_memoire import ExportJob


@pytest.mark.parametrize("fmt", ["html", "markdown"])
def test_a_job_of_each_format(app, personas, site_sample, fmt):
    space = site_sample.space
    job = ExportJob(
        id=secrets.token_hex(16),
        space_id=space.id,
        format=fmt,
        selection=memoire.dumps(memoire.whole_space(space)),
        status="running",
        file_name=exports.file_name(space, fmt),
    )
    db.session.add(job)
    db.session.commit()
    with app.test_request_context():
        assert export_worker.run_job(job.id)
    db.session.refresh(job)
    assert (job.status, job.progress, job.error) == ("done", 100, "")
    path = exports.file_path(job)
    assert job.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        assert zf.testzip() is None
    expected = f"{space.slug}-site/index.html" if fmt == "html" else "cercle.json"
    assert expected in names
