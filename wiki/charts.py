"""Server-side charts as plain SVG strings: the same picture on the wall, in a page and in a PDF.

Every text that comes from people (labels, options, words) goes through ``html.escape``;
numbers are formatted here. Only presentation attributes are used (no ``style``), so the
site's Content-Security-Policy lets them through, and colours depend on the data's order,
never on who answered. The strings are marked safe in one place only,
``wiki.rendering.trusted_svg``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

WIDTH = 640
LABEL_WIDTH = 220
BAR_MAX = 330
ROW = 30
TOP = 12
FONT = "system-ui, sans-serif"
INK = "#1f2933"
MUTED = "#52606d"
BAR = "#2f6f9f"
MEAN = "#b44d12"
PALETTE = ("#2f6f9f", "#2e7d46", "#8a4baf", "#b44d12", "#0f766e", "#9d174d")
LABEL_CHARS = 34
RADAR_CX, RADAR_CY, RADAR_R = WIDTH / 2, 250.0, 170.0


def number(value: float, digits: int = 1) -> str:
    """French decimal comma: 3,5."""
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:.0f}"
    return text.replace(".", ",")


def _short(label: str, size: int = LABEL_CHARS) -> str:
    return label if len(label) <= size else label[: size - 1].rstrip() + "…"


def _svg(title: str, height: float, body: Sequence[str]) -> str:
    label = escape(title, quote=True)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {math.ceil(height)}" '
        f'width="{WIDTH}" height="{math.ceil(height)}" role="img" aria-label="{label}" '
        f'font-family="{FONT}" class="cercle-chart">'
        f"<title>{escape(title)}</title>" + "".join(body) + "</svg>"
    )


def _text(
    x: float, y: float, content: str, tooltip: str | None = None, **attrs: str | float
) -> str:
    extra = "".join(
        f' {name.replace("_", "-")}="{escape(str(v), quote=True)}"' for name, v in attrs.items()
    )
    hint = f"<title>{escape(tooltip)}</title>" if tooltip else ""
    return f'<text x="{x:.1f}" y="{y:.1f}"{extra}>{escape(content)}{hint}</text>'


def bar_chart(
    title: str,
    bars: Sequence[tuple[str, float]],
    *,
    mean: float | None = None,
    mean_label: str = "moyenne",
    scale_max: float | None = None,
    value_text: Sequence[str] | None = None,
) -> str:
    """Horizontal bars, one per label, with the value written after each bar.

    ``mean`` adds a line across the bars at that label's position (scales: bars are the
    values of the scale in order, so the mean falls between two of them).
    """
    biggest = scale_max if scale_max is not None else max((v for _, v in bars), default=0)
    body: list[str] = []
    for index, (label, value) in enumerate(bars):
        shown = value_text[index] if value_text else number(value, 0)
        body += _bar_row(TOP + index * ROW, label, value, shown, biggest)
    if mean is not None and len(bars) > 1:
        body += _mean_line(bars, mean, mean_label)
    return _svg(title, TOP + len(bars) * ROW + 10, body)


def _bar_row(y: float, label: str, value: float, shown: str, biggest: float) -> list[str]:
    length = BAR_MAX * value / biggest if biggest else 0
    return [
        _text(LABEL_WIDTH - 8, y + 19, _short(label), text_anchor="end", fill=INK, font_size=14),
        f'<rect x="{LABEL_WIDTH}" y="{y + 5}" width="{length:.1f}" height="{ROW - 10}" '
        f'rx="3" fill="{PALETTE[0]}"><title>{escape(label)} : {escape(shown)}</title></rect>',
        _text(LABEL_WIDTH + length + 6, y + 19, shown, fill=INK, font_size=14),
    ]


def _mean_line(bars: Sequence[tuple[str, float]], mean: float, label: str) -> list[str]:
    """A dashed line where the mean falls between the scale's steps (one bar per step)."""
    first, last = _scale_ends(bars)
    y = TOP + (mean - first) / ((last - first) or 1) * (len(bars) - 1) * ROW + ROW / 2
    text = f"{label} {number(mean, 2)}"
    return [
        f'<line x1="{LABEL_WIDTH - 4}" x2="{LABEL_WIDTH + BAR_MAX + 40}" y1="{y:.1f}" '
        f'y2="{y:.1f}" stroke="{MEAN}" stroke-width="2" stroke-dasharray="6 4"/>',
        _text(WIDTH - 4, y - 4, text, text_anchor="end", fill=MEAN, font_size=13),
    ]


def _scale_ends(bars: Sequence[tuple[str, float]]) -> tuple[float, float]:
    try:
        return float(bars[0][0]), float(bars[-1][0])
    except ValueError:
        return 0.0, float(len(bars) - 1)


def ranking_chart(
    title: str, mean_ranks: Sequence[tuple[str, float]], rank_text: str = "rang moyen %(rank)s"
) -> str:
    """Options from best (lowest mean rank) to worst; a longer bar is a better rank."""
    count = len(mean_ranks)
    ordered = sorted(mean_ranks, key=lambda item: item[1])
    bars = [(label, (count + 1 - rank) if rank else 0.0) for label, rank in ordered]
    texts = [rank_text % {"rank": number(rank, 1)} if rank else "—" for _, rank in ordered]
    return bar_chart(title, bars, scale_max=float(count), value_text=texts)


def _advance(word: str, size: float) -> float:
    """Room a word takes (an estimate: the server has no fonts to measure with)."""
    return 0.64 * size * len(word) + 20


def _word_rows(words: Sequence[tuple[str, int]]) -> list[list[tuple[int, str, int, float]]]:
    """Words laid out left to right in rows that fit the width: (index, word, count, size)."""
    top_count = max((count for _, count in words), default=1)
    rows: list[list[tuple[int, str, int, float]]] = [[]]
    x = 12.0
    for index, (word, count) in enumerate(words):
        size = 14 + 30 * (count / top_count)
        advance = _advance(word, size)
        if x + advance > WIDTH - 12 and rows[-1]:
            rows.append([])
            x = 12.0
        rows[-1].append((index, word, count, size))
        x += advance
    return rows


def word_cloud(title: str, words: Sequence[tuple[str, int]]) -> str:
    """Words in rows, most given first; the size follows the count (14 to 44 px), and the
    words of a row share one baseline."""
    body: list[str] = []
    y = 8.0
    for row in _word_rows(words):
        height = max((size for *_, size in row), default=0) * 1.2
        x, baseline = 12.0, y + height * 0.85
        for index, word, count, size in row:
            colour = PALETTE[index % len(PALETTE)]
            body.append(
                _text(
                    x,
                    baseline,
                    word,
                    f"{word} : {count}",
                    font_size=f"{size:.0f}",
                    fill=colour,
                    font_weight="600",
                )
            )
            x += _advance(word, size)
        y += height + 6
    return _svg(title, y + 10, body)


def _point(cx: float, cy: float, radius: float, angle: float) -> tuple[float, float]:
    return cx + radius * math.sin(angle), cy - radius * math.cos(angle)


def _polygon(points: Sequence[tuple[float, float]], **attrs: str) -> str:
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    extra = "".join(f' {name.replace("_", "-")}="{value}"' for name, value in attrs.items())
    return f'<polygon points="{path}"{extra}/>'


#: the radar's text size; the key under it wraps at this many characters a line
RADAR_FONT, RADAR_KEY_CHARS = 15, 44
#: a rough width of one character at ``RADAR_FONT`` (system-ui), to size the picture
RADAR_CHAR_W = RADAR_FONT * 0.56
Box = tuple[float, float, float, float]  # x0, y0, x1, y1


def radar_chart(
    title: str,
    axes: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    low: float,
    high: float,
) -> str:
    """One axis per section; ``series`` are (name, values) lines, the group's first.

    Each spoke carries its number, and the key under the rings names the sections in full:
    side labels would take the width from the rings. The viewBox is the box of what is
    drawn, no fixed margins, so on a phone the radar fills the screen's width."""
    count = max(len(axes), 1)
    angles = [2 * math.pi * index / count for index in range(count)]
    body, boxes = _radar_grid(axes, angles, low, high)
    span = (high - low) or 1
    for index, (_name, values) in enumerate(series):
        colour = (BAR, MEAN)[index % 2]
        points = [
            _point(RADAR_CX, RADAR_CY, RADAR_R * ((v if v is not None else low) - low) / span, a)
            for v, a in zip(values, angles, strict=False)
        ]
        dash = {"stroke_dasharray": "6 4"} if index else {}
        fill = "0.15" if not index else "0"
        body.append(
            _polygon(
                points, fill=colour, fill_opacity=fill, stroke=colour, stroke_width="2.5", **dash
            )
        )
    x0, _top, x1, y = _union(boxes)
    keys = [(f"{n}. {axis}", INK) for n, axis in enumerate(axes, start=1)]
    keys += [(f"— {name}", (BAR, MEAN)[index % 2]) for index, (name, _v) in enumerate(series)]
    chars = max(12, int((x1 - x0) / RADAR_CHAR_W))
    for text, colour in keys:
        y += 8
        for line in _wrap(text, chars):
            y += RADAR_FONT * 1.3
            body.append(_text(x0, y, line, fill=colour, font_size=RADAR_FONT))
    boxes.append((x0, y, x0, y + 5))
    return _svg_box(title, _union(boxes), body)


def _union(boxes: Sequence[Box]) -> Box:
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _svg_box(title: str, box: Box, body: Sequence[str], pad: float = 6) -> str:
    """``_svg`` with the viewBox around ``box`` (its origin need not be 0, 0)."""
    x0, y0 = math.floor(box[0] - pad), math.floor(box[1] - pad)
    width, height = math.ceil(box[2] + pad) - x0, math.ceil(box[3] + pad) - y0
    label = escape(title, quote=True)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{x0} {y0} {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{label}" '
        f'font-family="{FONT}" class="cercle-chart">'
        f"<title>{escape(title)}</title>" + "".join(body) + "</svg>"
    )


def _wrap(text: str, chars: int) -> list[str]:
    """Words into lines of ``chars`` characters at most (a longer word is cut)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= chars:
            lines[-1] += " " + word
        else:
            lines.append(_short(word, chars))
    return lines or [""]


def _radar_grid(
    axes: Sequence[str], angles: list[float], low: float, high: float
) -> tuple[list[str], list[Box]]:
    """One ring per step of the scale, one spoke and number per axis; the boxes they take."""
    body: list[str] = []
    boxes: list[Box] = []
    for level in range(int(low), int(high) + 1):
        ring = RADAR_R * (level - low) / ((high - low) or 1)
        points = [_point(RADAR_CX, RADAR_CY, ring, a) for a in angles]
        body.append(_polygon(points, fill="none", stroke="#cbd2d9", stroke_width="1"))
        boxes.extend((x, y, x, y) for x, y in points)
    for number_, (axis, angle) in enumerate(zip(axes, angles, strict=False), start=1):
        x, y = _point(RADAR_CX, RADAR_CY, RADAR_R, angle)
        body.append(
            f'<line x1="{RADAR_CX}" y1="{RADAR_CY}" x2="{x:.1f}" y2="{y:.1f}" stroke="#cbd2d9"/>'
        )
        lx, ly = _point(RADAR_CX, RADAR_CY, RADAR_R + 16, angle)
        font = RADAR_FONT + 3
        body.append(
            _text(
                lx,
                ly + font * 0.35,
                str(number_),
                axis,
                text_anchor="middle",
                fill=INK,
                font_size=font,
                font_weight="bold",
            )
        )
        boxes.append((lx - font, ly - font, lx + font, ly + font))
    return body, boxes
