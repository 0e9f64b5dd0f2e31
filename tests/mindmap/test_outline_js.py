"""The browser's outline parser and its edits (static/src/mindmap/outline.js) on the cases
the Python parser is checked against, through node (skipped where node is absent)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

CHECK = Path(__file__).parent / "outline_check.mjs"
NODE = shutil.which("node")


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_javascript_parser_and_edits_agree_with_the_cases() -> None:
    run = subprocess.run(
        [NODE, "--no-warnings", str(CHECK)], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stdout + run.stderr
