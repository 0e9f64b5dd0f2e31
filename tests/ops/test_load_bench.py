"""bench/load.py at a tiny size, one process on SQLite: every simulated person gets through
(0 errors, exit code 0) and the side-by-side table is printed."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.collab.conftest import ROOT

pytestmark = pytest.mark.slow


def test_the_load_benchmark_runs_without_errors_at_a_tiny_size() -> None:
    argv = [sys.executable, "-m", "bench.load", "--setups", "one", "--seconds", "3"]
    argv += ["--readers", "5", "--editors", "3", "--answerers", "3", "--pages", "20"]
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert any(line.split() == ["errors", "0"] for line in lines), done.stdout
    for label in ("page view p50 / p99 ms", "edit delivery p50 / p99 ms", "server RSS peak MB"):
        assert any(line.startswith(label) for line in lines), done.stdout
    counts = {
        line.rsplit(None, 1)[0]: int(line.rsplit(None, 1)[1])
        for line in lines
        if line.startswith(("page view count", "edit delivery count", "results delivery count"))
    }
    assert counts["page view count"] > 0, done.stdout
    assert counts["edit delivery count"] > 0, done.stdout  # 3 editors share one page
    assert counts["results delivery count"] == 3, done.stdout
