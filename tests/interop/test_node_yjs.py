"""Interop: a Node client on the real ``yjs`` package and a Python (pycrdt) client co-edit."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.collab.conftest import SEED_TEXT, LiveServer, live_collab  # noqa: F401 (fixture)
from tests.collab.yclient import YClient, wait_for

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("node") is None or not (ROOT / "node_modules" / "yjs").is_dir(),
        reason="node et node_modules (npm ci) sont nécessaires",
    ),
]


def test_node_and_python_converge(live_collab: LiveServer) -> None:  # noqa: F811
    python = YClient(live_collab.url, live_collab.tokens["participant"], live_collab.page_id)
    python.connect()
    try:
        wait_for(lambda: python.content() == SEED_TEXT, what="état initial")
        node = subprocess.Popen(
            [
                "node",
                str(Path(__file__).with_name("yjs_client.mjs")),
                live_collab.url,
                live_collab.tokens["facilitator"],
                str(live_collab.page_id),
                "Écrit par Node ✓",
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "WAIT_FOR": "[pycrdt] "},
        )
        for i, ch in enumerate("[pycrdt] "):
            python.insert(i, ch)
        out, err = node.communicate(timeout=40)
        assert node.returncode == 0, err
        node_text = json.loads(out)["text"]
        wait_for(lambda: python.content() == node_text, what="convergence Node/Python")
        assert "Écrit par Node ✓" in node_text and "pycrdt" in node_text
        assert node_text.count("Bonjour") == 1
        wait_for(lambda: live_collab.stored_text()[0] == node_text, what="stocké")
    finally:
        python.close()
