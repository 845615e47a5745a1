"""The one chart module: server-side SVG for the web dashboard and the PDFs alike.

Geometry is computed here and drawn by templates/reports/charts/*.html (or, for the small bar
charts, as an SVG string); no JavaScript and no chart library. One palette (Okabe–Ito,
colour-blind safe) for every chart: a target group has the same colour on the dashboard and
in the ministry's PDF. Labels are escaped before an SVG string is marked safe.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from participants.models import TargetGroup

# Okabe–Ito: black, orange, sky blue, bluish green, yellow, blue, vermillion, reddish purple.
OKABE_ITO = ["#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"]
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"]  # series order
BAR_COLOUR = PALETTE[0]
GROUP_COLOURS = {
    TargetGroup.CITIZEN: "#0072B2",
    TargetGroup.NONPROFIT: "#E69F00",
    TargetGroup.BUSINESS: "#009E73",
}
STATE_COLOURS = {"below": "#C0392B", "in_band": "#1E8449", "full": "#1A5276", None: "#6C757D"}
# Against the plan to date (plan.selectors.PlanState): behind, on track, ahead.
PLAN_COLOURS = {"behind": "#C0392B", "on_track": "#1E8449", "ahead": "#1A5276"}
WEB_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif"
PDF_FONT = "MENET Sans"  # the @font-face of templates/reports/pdf/_print.css: no host font in a PDF


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    value: int
    colour: str
    label: str

    @property
    def text_x(self):
        return self.x + self.width / 2

    @property
    def show_value(self):
        return self.width >= 22


@dataclass(frozen=True)
class BarRow:
    label: str
    y: float
    total: int
    segments: list
    end_x: float

    @property
    def text_y(self):
        return self.y + 13


@dataclass(frozen=True)
class StackedBarChart:
    title: str
    width: int
    height: int
    label_width: int
    bar_height: int
    rows: list
    legend: list  # (label, colour, x)
    ticks: list  # (x, value)
    plot_top: int
    plot_bottom: int

    @property
    def legend_y(self):
        return self.height - 8


def region_by_group_chart(indicators, *, width=760, metric="reached"):
    """Stacked horizontal bars: per region, the participations (info-day attendees + trainees) by target group."""
    label_width, bar_height, gap, top = 170, 18, 10, 10
    groups = [g for g in TargetGroup]
    rows_data = []
    for cell in indicators.region_by_group:
        values = [getattr(cell.counts[g.value], metric) for g in groups]
        rows_data.append((cell.region.name, values))
    biggest = max([sum(v) for _, v in rows_data] + [1])
    step = _nice_step(biggest)
    axis_max = step * -(-biggest // step)
    plot_width = width - label_width - 50
    scale = plot_width / axis_max
    rows = []
    for i, (label, values) in enumerate(rows_data):
        y = top + i * (bar_height + gap)
        x = label_width
        segments = []
        for group, value in zip(groups, values):
            w = value * scale
            segments.append(Segment(x=round(x, 1), width=round(w, 1), value=value, colour=GROUP_COLOURS[group],
                                    label=str(group.label)))
            x += w
        rows.append(BarRow(label=label, y=y, total=sum(values), segments=segments, end_x=round(x + 4, 1)))
    plot_bottom = top + len(rows) * (bar_height + gap)
    ticks = [(round(label_width + v * scale, 1), v) for v in range(0, axis_max + 1, step)]
    legend, lx = [], label_width
    for group in groups:
        legend.append((str(group.label), GROUP_COLOURS[group], lx))
        lx += 30 + 8 * len(str(group.label))
    return StackedBarChart(
        title=str(_("Résztvevők régiónként és célcsoportonként")), width=width, height=plot_bottom + 50,
        label_width=label_width, bar_height=bar_height, rows=rows, legend=legend, ticks=ticks,
        plot_top=top, plot_bottom=plot_bottom,
    )


def _nice_step(biggest):
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000, 20000, 50000):
        if biggest / step <= 6:
            return step
    return 100000


def state_colour(state):
    return STATE_COLOURS.get(state, STATE_COLOURS[None])


def render_stacked_bars(chart, *, chart_id="chart", font_family=WEB_FONT):
    """The stacked bar chart as SVG markup (the dashboard includes the same template)."""
    return mark_safe(render_to_string("reports/charts/stacked_bars.html",
                                      {"chart": chart, "chart_id": chart_id, "font_family": font_family}))


def _fit(label, label_width, char_width=5.2):
    """Labels longer than the label column are shortened with an ellipsis (the tables give them in full)."""
    label = str(label)
    room = int(label_width / char_width)
    return label if len(label) <= room else label[: room - 1].rstrip() + "…"


def _num(value):
    return f"{Decimal(value):.0f}" if isinstance(value, Decimal) else str(value)


def horizontal_bars(rows, *, width=520, label_width=170, bar_height=14, gap=6, font_family=PDF_FONT,
                    colour=BAR_COLOUR):
    """``rows``: (label, value, target or None). A bar per row; a dark tick marks the target."""
    rows = list(rows)
    top = max([float(v) for _, v, _ in rows] + [float(t) for _, _, t in rows if t] + [1])
    scale = (width - label_width - 70) / top
    height = len(rows) * (bar_height + gap) + gap
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
             f'font-family="{escape(font_family)}" font-size="9">']
    for i, (label, value, target) in enumerate(rows):
        y = gap + i * (bar_height + gap)
        w = max(float(value) * scale, 0)
        end = max(w, float(target) * scale if target else 0)
        parts.append(f'<text x="{label_width - 6}" y="{y + bar_height - 3}" text-anchor="end">{escape(_fit(label, label_width))}</text>')
        parts.append(f'<rect x="{label_width}" y="{y}" width="{w:.1f}" height="{bar_height}" fill="{colour}"/>')
        parts.append(f'<text x="{label_width + end + 5:.1f}" y="{y + bar_height - 3}">{escape(_num(value))}'
                     f'{" / " + escape(_num(target)) if target else ""}</text>')
        if target:
            tx = label_width + float(target) * scale
            parts.append(f'<line x1="{tx:.1f}" y1="{y - 2}" x2="{tx:.1f}" y2="{y + bar_height + 2}" stroke="#111" stroke-width="1.5"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def distribution_bars(rows, *, width=520, label_width=170, bar_height=14, gap=6, font_family=PDF_FONT):
    """``rows``: (label, [count per scale point 1..n]). One stacked bar per row, the points in the palette's order."""
    rows = list(rows)
    points = max([len(c) for _, c in rows] + [1])
    top = max([sum(c) for _, c in rows] + [1])
    scale = (width - label_width - 40) / top
    legend_h = 18
    height = len(rows) * (bar_height + gap) + gap + legend_h
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
             f'font-family="{escape(font_family)}" font-size="9">']
    for i, (label, counts) in enumerate(rows):
        y = gap + i * (bar_height + gap)
        x = label_width
        parts.append(f'<text x="{label_width - 6}" y="{y + bar_height - 3}" text-anchor="end">{escape(_fit(label, label_width))}</text>')
        for j, count in enumerate(counts):
            w = count * scale
            if w > 0:
                parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_height}" fill="{PALETTE[j % len(PALETTE)]}"/>')
            x += w
        parts.append(f'<text x="{x + 4:.1f}" y="{y + bar_height - 3}">{sum(counts)}</text>')
    y = height - legend_h + 6
    for j in range(points):
        x = 10 + j * 40
        parts.append(f'<rect x="{x}" y="{y}" width="10" height="10" fill="{PALETTE[j % len(PALETTE)]}"/>')
        parts.append(f'<text x="{x + 14}" y="{y + 9}">{j + 1}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


@dataclass(frozen=True)
class PlanBar:
    """A bar to the final commitment: the fact filled in the plan state's colour, a dark tick at
    the plan to date, a dashed tick at a band's minimum (200 units wide; drawn by plan_bar.html)."""

    fill: float
    plan_x: float
    min_x: float | None
    colour: str
    label: str


def plan_bar(item, label=""):
    """Geometry of ``item`` (a plan.selectors.PlanItem) on the dashboard card and in the PDF."""
    top = Decimal(item.final_max or item.final_min or 1)
    scale = Decimal(200) / top

    def x(value):
        return float(min(Decimal(200), max(Decimal(0), Decimal(value) * scale)).quantize(Decimal("0.1")))

    return PlanBar(
        fill=x(item.actual), plan_x=x(item.planned),
        min_x=x(item.final_min) if item.final_max != item.final_min else None,
        colour=PLAN_COLOURS.get(item.state, STATE_COLOURS[None]), label=label or item.label,
    )
