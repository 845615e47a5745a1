"""Server-side SVG charts: geometry computed here, drawn by templates/reports/charts/*.html.

No JavaScript and no chart library: the dashboard and the PDF report get the same SVG.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from participants.models import TargetGroup

# Colour-blind-safe palette (Okabe–Ito), one colour per target group.
GROUP_COLOURS = {
    TargetGroup.CITIZEN: "#0072B2",
    TargetGroup.NONPROFIT: "#E69F00",
    TargetGroup.BUSINESS: "#009E73",
}
STATE_COLOURS = {"below": "#C0392B", "in_band": "#1E8449", "full": "#1A5276", None: "#6C757D"}


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
