"""Small inline SVG: the p50/p95 voice-to-voice plot and a turn's latency waterfall.

Drawn on the server as plain SVG (no script, no chart library): it renders in any browser,
in a screenshot and in a page saved to disk.
"""

from __future__ import annotations

from html import escape
from typing import Any

from receptionist.app.metrics import BUDGET_MS
from receptionist.console.queries import Stage

COLOURS = {"endpoint": "#8e7cc3", "stt": "#6fa8dc", "dialog": "#93c47d", "tts": "#f6b26b"}


def latency_plot(days: list[dict[str, Any]], width: int = 640, height: int = 220) -> str:
    """p50 and p95 voice-to-voice per day, with the 1000 ms budget as a red line."""
    points = [d for d in days if d["p50"] is not None]
    left, right, top, bottom = 48, 12, 12, 36
    top_ms = max([BUDGET_MS, *(d["p95"] for d in points)]) * 1.2
    inner_w, inner_h = width - left - right, height - top - bottom

    def x(i: int) -> float:
        return left + (inner_w * (i + 0.5) / max(1, len(points)))

    def y(ms: float) -> float:
        return top + inner_h * (1 - ms / top_ms)

    parts = [f'<svg class="plot" role="img" aria-label="voice-to-voice p50 and p95 per day" '
             f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
             f'<rect x="{left}" y="{top}" width="{inner_w}" height="{inner_h}" fill="#fafafa" '
             'stroke="#ccc"/>']  # fmt: skip
    for ms in range(0, int(top_ms) + 1, 250 if top_ms <= 2500 else 1000):
        parts.append(f'<text x="{left - 4}" y="{y(ms) + 4:.1f}" font-size="10" '
                     f'text-anchor="end">{ms}</text>')  # fmt: skip
    parts.append(f'<line x1="{left}" x2="{left + inner_w}" y1="{y(BUDGET_MS):.1f}" '
                 f'y2="{y(BUDGET_MS):.1f}" stroke="#c00" stroke-dasharray="4 3"/>'
                 f'<text x="{left + inner_w - 2}" y="{y(BUDGET_MS) - 3:.1f}" font-size="10" '
                 f'fill="#c00" text-anchor="end">budget {BUDGET_MS} ms</text>')  # fmt: skip
    for key, colour in (("p95", "#e69138"), ("p50", "#3d85c6")):
        coords = " ".join(f"{x(i):.1f},{y(d[key]):.1f}" for i, d in enumerate(points))
        if coords:
            parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
                         f'points="{coords}"/>')  # fmt: skip
        for i, d in enumerate(points):
            parts.append(
                f'<circle cx="{x(i):.1f}" cy="{y(d[key]):.1f}" r="3" fill="{colour}">'
                f"<title>{escape(d['day'])} {key} {d[key]} ms</title></circle>"
            )
    for i, d in enumerate(points):
        parts.append(f'<text x="{x(i):.1f}" y="{height - bottom + 14}" font-size="10" '
                     f'text-anchor="middle">{escape(d["day"][5:])}</text>')  # fmt: skip
    parts.append(f'<text x="{left}" y="{height - 6}" font-size="11" fill="#3d85c6">— p50</text>'
                 f'<text x="{left + 50}" y="{height - 6}" font-size="11" fill="#e69138">— p95'
                 "</text></svg>")  # fmt: skip
    return "".join(parts)


def waterfall(stages: list[Stage], v2v_ms: int | None, width: int = 520) -> str:
    """One reply: each stage a bar from where the previous ended, the caller-heard
    voice-to-voice bar under them, the budget as a red line."""
    end = max([BUDGET_MS, v2v_ms or 0, *(s.start_ms + s.ms for s in stages)])
    label_w, bar_h = 70, 14
    scale = (width - label_w - 60) / end  # room on the right for the last label
    rows = [*((s.name, s.start_ms, s.ms, COLOURS.get(s.name, "#999")) for s in stages)]
    if v2v_ms is not None:
        rows.append(("voice→voice", 0, v2v_ms, "#cc0000" if v2v_ms > BUDGET_MS else "#38761d"))
    height = len(rows) * (bar_h + 4) + 6
    parts = [
        f'<svg class="waterfall" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="latency waterfall">'
    ]
    for i, (name, start, ms, colour) in enumerate(rows):
        top = 3 + i * (bar_h + 4)
        parts.append(
            f'<text x="0" y="{top + 11}" font-size="11">{escape(name)}</text>'
            f'<rect x="{label_w + start * scale:.1f}" y="{top}" width="{max(1.0, ms * scale):.1f}"'
            f' height="{bar_h}" fill="{colour}"><title>{escape(name)} {ms} ms</title></rect>'
            f'<text x="{label_w + (start + ms) * scale + 3:.1f}" y="{top + 11}" '
            f'font-size="10">{ms} ms</text>'
        )
    budget_x = label_w + BUDGET_MS * scale
    parts.append(
        f'<line x1="{budget_x:.1f}" x2="{budget_x:.1f}" y1="0" y2="{height}" '
        f'stroke="#c00" stroke-dasharray="3 2"><title>budget {BUDGET_MS} ms</title>'
        "</line></svg>"
    )
    return "".join(parts)
