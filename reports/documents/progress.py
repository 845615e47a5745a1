"""Programme progress report (szakmai beszámoló): the dashboard's indicators against the
commitments, by region, target group and training site, with charts.

Every figure comes from ``reports.selectors.programme_indicators`` (the dashboard's one
source); this module only lays them out.
"""

from django.utils.translation import gettext as _

from participants.models import TargetGroup
from reports import charts
from plan.selectors import plan_progress
from reports.selectors import programme_indicators

from .base import DocumentSpec, report


def build(key, programme, *, progress=None, now=None):
    indicators = programme_indicators(programme, now=now)
    report(progress, 25)
    headline = [
        (_("Megtartott információs napok"), indicators.info_days_held),
        (_("Információs napi jelentkezők"), indicators.info_day_registered),
        (_("Információs napi résztvevők (jelenlét)"), indicators.info_day_attended),
        (_("Megtartott képzések"), indicators.trainings_held),
        (_("Képzésre jelentkezők (képzettek)"), indicators.trainees),
        (_("Teljesítések"), indicators.completions),
        (_("Teljesített képzési órák"), indicators.training_hours),
    ]
    groups = [(g.value, g.label) for g in TargetGroup]
    region_chart = charts.horizontal_bars(
        (row.label, row.counts.info_day_attended, row.band_min) for row in indicators.by_region
    )
    site_chart = charts.horizontal_bars(
        (row.object.library.settlement, row.counts.trainees, row.trainee_target or None)
        for row in indicators.by_training_site
    )
    # The dashboard's chart (same geometry, same Okabe–Ito target-group colours), in our PDF font.
    group_chart = charts.render_stacked_bars(
        charts.region_by_group_chart(indicators, width=640), chart_id="pdf-region-group", font_family=charts.PDF_FONT
    )
    # The satisfaction questionnaire (feedback/): aggregates only, never the free-text answers.
    from feedback.selectors import programme_results

    questionnaire = programme_results(programme)
    questionnaire_chart = charts.distribution_bars(
        [(q.question.text, q.distribution) for q in questionnaire.total.questions if q.count], label_width=220,
    ) if questionnaire.total.shown else ""
    # Event photos staff picked for the report (photos/), embedded from the archive storage.
    from photos.services import path_of, picked_photos

    photos = [{"photo": p, "uri": path_of(p).as_uri()} for p in picked_photos(programme)]
    return DocumentSpec(
        template="reports/pdf/progress.html",
        title=_("Szakmai beszámoló – %(programme)s") % {"programme": programme.name},
        context={
            "indicators": indicators,
            "headline": headline,
            "groups": groups,
            "region_chart": region_chart,
            "site_chart": site_chart,
            "group_chart": group_chart,
            "as_of": indicators.as_of,
            "questionnaire": questionnaire,
            "questionnaire_chart": questionnaire_chart,
            # Each indicator against the plan to date (templates/reports/pdf/_plan.html).
            "plan": plan_progress(indicators, now=indicators.as_of),
            "photos": photos,
        },
        extra={"files": [path_of(item["photo"]) for item in photos]},
        programme=programme,
        rows=len(indicators.info_days) + len(indicators.courses),
    )
