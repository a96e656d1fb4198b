"""Small charts drawn as SVG on the server, for the PDF report (WeasyPrint draws SVG; no JS there)."""

from decimal import Decimal
from html import escape

from ispbill.core.pdf import FONT_STACK

WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 640, 220, 70, 28, 12
COLOURS = ("#0172ad", "#e07b00", "#2f855a", "#c2410c")


def _scale(values: list[Decimal]) -> tuple[float, float]:
    numbers = [float(v) for v in values if v is not None] or [0.0]
    low, high = min(0.0, min(numbers)), max(0.0, max(numbers))
    if high == low:
        high = low + 1
    return low, high


def _y(value: float, low: float, high: float) -> float:
    inner = HEIGHT - PAD_BOTTOM - PAD_TOP
    return PAD_TOP + inner * (1 - (value - low) / (high - low))


def _frame(low: float, high: float, labels: list[str], step: float) -> list[str]:
    parts = [f'<line x1="{PAD_LEFT}" y1="{_y(0, low, high):.1f}" x2="{WIDTH}" y2="{_y(0, low, high):.1f}" stroke="#888" stroke-width="1"/>']
    for tick in (low, (low + high) / 2, high):
        parts.append(f'<text x="{PAD_LEFT - 6}" y="{_y(tick, low, high) + 4:.1f}" font-size="10" text-anchor="end">{tick:,.0f}</text>')
    for i, label in enumerate(labels):
        x = PAD_LEFT + step * (i + 0.5)
        parts.append(f'<text x="{x:.1f}" y="{HEIGHT - 8}" font-size="9" text-anchor="middle">{escape(label)}</text>')
    return parts


def bar_chart(labels: list[str], series: list[tuple[str, list]]) -> str:
    """Grouped bars: one group per label, one bar per series; a legend on top."""
    low, high = _scale([v for _, values in series for v in values])
    step = (WIDTH - PAD_LEFT) / max(len(labels), 1)
    bar = step * 0.8 / max(len(series), 1)
    parts = _frame(low, high, labels, step)
    for s, (name, values) in enumerate(series):
        colour = COLOURS[s % len(COLOURS)]
        for i, value in enumerate(values):
            if value is None:
                continue
            x = PAD_LEFT + step * i + step * 0.1 + bar * s
            top, bottom = _y(max(float(value), 0), low, high), _y(min(float(value), 0), low, high)
            parts.append(f'<rect x="{x:.1f}" y="{top:.1f}" width="{bar:.1f}" height="{max(bottom - top, 0.5):.1f}" fill="{colour}"/>')
        parts.append(f'<rect x="{PAD_LEFT + 120 * s}" y="0" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{PAD_LEFT + 120 * s + 14}" y="9" font-size="10">{escape(name)}</text>')
    return _svg(parts)


def line_chart(labels: list[str], series: list[tuple[str, list]]) -> str:
    low, high = _scale([v for _, values in series for v in values])
    step = (WIDTH - PAD_LEFT) / max(len(labels), 1)
    parts = _frame(low, high, labels, step)
    for s, (name, values) in enumerate(series):
        colour = COLOURS[s % len(COLOURS)]
        points = " ".join(
            f"{PAD_LEFT + step * (i + 0.5):.1f},{_y(float(v), low, high):.1f}" for i, v in enumerate(values) if v is not None
        )
        parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
        parts.append(f'<rect x="{PAD_LEFT + 120 * s}" y="0" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{PAD_LEFT + 120 * s + 14}" y="9" font-size="10">{escape(name)}</text>')
    return _svg(parts)


def _svg(parts: list[str]) -> str:
    body = "".join(parts)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
            f'font-family="{escape(FONT_STACK)}">{body}</svg>')  # the PDF's shipped fonts, not the machine's
