"""Runs queued export jobs in the background (first version: ``wake`` only)."""

from __future__ import annotations

from flask import Flask


def wake(app: Flask) -> None:
    """Tell this process's runner that a job was queued (nothing when none runs here)."""
    runner = app.extensions.get("cercle-export-runner")
    if runner is not None:
        runner.wake()
