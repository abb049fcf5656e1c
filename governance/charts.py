"""Charts drawn server-side as SVG: XmR (statistical process control) and bar charts.

Hand-written SVG, no plotting library: small, fast and the same on screen and in the PDFs.
Each chart is ``role="img"`` named by its ``<title>`` and described by its ``<desc>`` (what
it shows and any signal); the page shows the same numbers in a table beneath it. Special
causes are marked by shape (a square) as well as colour.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from markupsafe import Markup, escape

from governance.spc import XmR

TEXT = "#212b32"
GRID = "#d8dde0"
LINE = "#005eb8"
MEAN = "#425563"
LIMIT = "#768692"
SPECIAL = "#ed8b00"
BAR = "#005eb8"
FONT = 'font-family="Frutiger W01, Arial, sans-serif"'


def _fmt(value: float, decimals: int) -> str:
    text = f"{value:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """About ``count`` round tick values covering ``low``..``high``."""
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


def xmr_svg(
    *,
    chart_id: str,
    title: str,
    labels: Sequence[str],
    chart: XmR,
    unit: str = "",
    decimals: int = 0,
    width: int = 640,
    height: int = 300,
) -> Markup:
    left, right, top, bottom = 56, 16, 16, 64
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [p.value for p in chart.points if p.value is not None]
    extremes = [*values]
    if chart.upper is not None and chart.lower is not None:
        extremes += [chart.upper, chart.lower]
    low = min([0.0, *extremes]) if extremes else 0.0
    high = max(extremes) if extremes else 1.0
    ticks = nice_ticks(low, high)
    y_min, y_max = ticks[0], ticks[-1]
    n = max(len(chart.points), 1)

    def x(i: int) -> float:
        return left + (plot_w * (i + 0.5) / n)

    def y(v: float) -> float:
        return top + plot_h - (v - y_min) / (y_max - y_min) * plot_h

    out: list[str] = []
    for t in ticks:
        out.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y(t):.1f}" y2="{y(t):.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y(t) + 4:.1f}" text-anchor="end" font-size="12" '
            f'fill="{TEXT}" {FONT}>{escape(_fmt(t, 1))}</text>'
        )
    every = 1 if n <= 13 else math.ceil(n / 12)
    for i, label in enumerate(labels):
        if i % every:
            continue
        out.append(
            f'<text x="{x(i):.1f}" y="{top + plot_h + 16}" text-anchor="end" font-size="11" '
            f'fill="{TEXT}" {FONT} transform="rotate(-40 {x(i):.1f} {top + plot_h + 16})">'
            f"{escape(label)}</text>"
        )
    if chart.mean is not None:
        out.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y(chart.mean):.1f}" '
            f'y2="{y(chart.mean):.1f}" stroke="{MEAN}" stroke-width="1.5"/>'
        )
    for limit in (chart.upper, chart.lower):
        if limit is not None and y_min <= limit <= y_max:
            out.append(
                f'<line x1="{left}" x2="{left + plot_w}" y1="{y(limit):.1f}" '
                f'y2="{y(limit):.1f}" stroke="{LIMIT}" stroke-width="1.5" '
                'stroke-dasharray="6 4"/>'
            )
    path: list[str] = []
    for point in chart.points:
        if point.value is None:
            continue
        path.append(f"{'L' if path else 'M'}{x(point.index):.1f},{y(point.value):.1f}")
    if path:
        out.append(f'<path d="{" ".join(path)}" fill="none" stroke="{LINE}" stroke-width="2"/>')
    for point in chart.points:
        if point.value is None:
            continue
        cx, cy = x(point.index), y(point.value)
        if point.special:
            out.append(
                f'<rect x="{cx - 5:.1f}" y="{cy - 5:.1f}" width="10" height="10" '
                f'fill="{SPECIAL}" stroke="{TEXT}" stroke-width="1"/>'
            )
        else:
            out.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3.5" fill="{LINE}"/>')
    # Legend
    ly = height - 12
    out.append(
        f'<line x1="{left}" x2="{left + 24}" y1="{ly - 4}" y2="{ly - 4}" stroke="{MEAN}" '
        f'stroke-width="1.5"/><text x="{left + 30}" y="{ly}" font-size="11" fill="{TEXT}" '
        f"{FONT}>Mean</text>"
        f'<line x1="{left + 80}" x2="{left + 104}" y1="{ly - 4}" y2="{ly - 4}" '
        f'stroke="{LIMIT}" stroke-width="1.5" stroke-dasharray="6 4"/>'
        f'<text x="{left + 110}" y="{ly}" font-size="11" fill="{TEXT}" {FONT}>'
        "Process limits</text>"
        f'<rect x="{left + 210}" y="{ly - 9}" width="10" height="10" fill="{SPECIAL}" '
        f'stroke="{TEXT}"/><text x="{left + 226}" y="{ly}" font-size="11" fill="{TEXT}" '
        f"{FONT}>Special cause</text>"
    )
    description = describe_xmr(title, chart, unit, decimals)
    return _svg(chart_id, title, description, width, height, "".join(out))


def describe_xmr(title: str, chart: XmR, unit: str, decimals: int) -> str:
    if chart.mean is None:
        return f"{title}: no data in this period."
    suffix = f" {unit}" if unit else ""
    text = f"{title}. Mean {_fmt(chart.mean, decimals + 1)}{suffix}"
    if chart.upper is not None and chart.lower is not None:
        text += (
            f"; process limits {_fmt(chart.lower, decimals + 1)} to "
            f"{_fmt(chart.upper, decimals + 1)}{suffix}"
        )
    text += ". "
    if chart.signals:
        text += "Special cause variation: " + "; ".join(chart.signals) + "."
    else:
        text += "Common cause variation only: no special cause signals."
    return text


def bar_svg(
    *, chart_id: str, title: str, rows: Sequence[tuple[str, int]], width: int = 640
) -> Markup:
    """Horizontal bars, one per row, the count at the end of each."""
    label_w, row_h, top = 260, 26, 8
    height = top * 2 + row_h * max(len(rows), 1)
    most = max([count for _, count in rows] + [1])
    plot_w = width - label_w - 56
    out: list[str] = []
    for i, (label, count) in enumerate(rows):
        y = top + i * row_h
        bar = plot_w * count / most
        short = label if len(label) <= 40 else label[:39] + "…"
        out.append(
            f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end" font-size="12" '
            f'fill="{TEXT}" {FONT}>{escape(short)}</text>'
            f'<rect x="{label_w}" y="{y + 4}" width="{bar:.1f}" height="{row_h - 8}" '
            f'fill="{BAR}"/>'
            f'<text x="{label_w + bar + 6:.1f}" y="{y + 17}" font-size="12" fill="{TEXT}" '
            f"{FONT}>{count}</text>"
        )
    if rows:
        top_rows = ", ".join(f"{label}: {count}" for label, count in rows[:5])
        description = f"{title}. {top_rows}{'…' if len(rows) > 5 else ''}."
    else:
        description = f"{title}: none in this period."
    return _svg(chart_id, title, description, width, height, "".join(out))


def _svg(chart_id: str, title: str, description: str, width: int, height: int, body: str) -> Markup:
    cid = escape(chart_id)
    # Every piece of text in ``body`` was escaped where it was made.
    return Markup(  # noqa: S704
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" class="leder-chart" role="img" '
        f'aria-labelledby="{cid}-title {cid}-desc" focusable="false">'
        f'<title id="{cid}-title">{escape(title)}</title>'
        f'<desc id="{cid}-desc">{escape(description)}</desc>'
        f"{body}</svg>"
    )
