"""QR codes of invitation links, to project in the room."""

from __future__ import annotations

import io

import segno


def svg(data: str) -> str:
    buffer = io.BytesIO()
    segno.make(data, error="m").save(buffer, kind="svg", scale=8, border=2, dark="#1d2733")
    return buffer.getvalue().decode()


def svg_data_uri(data: str) -> str:
    return segno.make(data, error="m").svg_data_uri(scale=8, border=2, dark="#1d2733")
