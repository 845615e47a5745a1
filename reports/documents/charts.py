"""Small bar charts as inline SVG for the PDFs: drawn by WeasyPrint itself, no image files,
no JavaScript. Labels are escaped here because the SVG is marked safe for the template."""

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import mark_safe

COLOURS = ["#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#20c997", "#dc3545", "#6c757d"]


def _fit(label, label_width):
    """Labels longer than the label column are shortened with an ellipsis (the tables give them in full)."""
    label = str(label)
    room = int(label_width / 5.2)
    return label if len(label) <= room else label[: room - 1].rstrip() + "…"


def _num(value):
    return f"{Decimal(value):.0f}" if isinstance(value, Decimal) else str(value)


def horizontal_bars(rows, *, width=520, label_width=170, bar_height=14, gap=6, target_label=""):
    """``rows``: (label, value, target or None). A bar per row; a dark tick marks the target."""
    rows = list(rows)
    top = max([float(v) for _, v, _ in rows] + [float(t) for _, _, t in rows if t] + [1])
    scale = (width - label_width - 70) / top
    height = len(rows) * (bar_height + gap) + gap
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
             f'font-family="MENET Sans" font-size="9">']
    for i, (label, value, target) in enumerate(rows):
        y = gap + i * (bar_height + gap)
        w = max(float(value) * scale, 0)
        end = max(w, float(target) * scale if target else 0)
        parts.append(f'<text x="{label_width - 6}" y="{y + bar_height - 3}" text-anchor="end">{escape(_fit(label, label_width))}</text>')
        parts.append(f'<rect x="{label_width}" y="{y}" width="{w:.1f}" height="{bar_height}" fill="{COLOURS[0]}"/>')
        parts.append(f'<text x="{label_width + end + 5:.1f}" y="{y + bar_height - 3}">{escape(_num(value))}'
                     f'{" / " + escape(_num(target)) if target else ""}</text>')
        if target:
            tx = label_width + float(target) * scale
            parts.append(f'<line x1="{tx:.1f}" y1="{y - 2}" x2="{tx:.1f}" y2="{y + bar_height + 2}" stroke="#111" stroke-width="1.5"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def stacked_bars(rows, series, *, width=520, label_width=170, bar_height=14, gap=6):
    """``rows``: (label, {series key: value}); ``series``: [(key, label)]. One stacked bar per row plus a legend."""
    rows = list(rows)
    top = max([sum(float(v) for v in values.values()) for _, values in rows] + [1])
    scale = (width - label_width - 40) / top
    legend_h = 18
    height = len(rows) * (bar_height + gap) + gap + legend_h
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
             f'font-family="MENET Sans" font-size="9">']
    for i, (label, values) in enumerate(rows):
        y = gap + i * (bar_height + gap)
        x = label_width
        parts.append(f'<text x="{label_width - 6}" y="{y + bar_height - 3}" text-anchor="end">{escape(_fit(label, label_width))}</text>')
        for j, (key, _) in enumerate(series):
            w = float(values.get(key, 0)) * scale
            if w > 0:
                parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_height}" fill="{COLOURS[j % len(COLOURS)]}"/>')
            x += w
        parts.append(f'<text x="{x + 4:.1f}" y="{y + bar_height - 3}">{sum(int(v) for v in values.values())}</text>')
    y = height - legend_h + 6
    x = 10
    for j, (_, label) in enumerate(series):
        parts.append(f'<rect x="{x}" y="{y}" width="10" height="10" fill="{COLOURS[j % len(COLOURS)]}"/>')
        parts.append(f'<text x="{x + 14}" y="{y + 9}">{escape(str(label))}</text>')
        x += 14 + 6 * len(str(label)) + 16
    parts.append("</svg>")
    return mark_safe("".join(parts))
