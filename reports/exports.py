"""The dashboard's figures as rows for a CSV/XLSX download: aggregates only, no personal data."""

from django.utils.translation import gettext_lazy as _

from menet_portal.exports import Column


def _row(section, slice_label, indicator, figure):
    return {
        "section": str(section), "slice": str(slice_label), "indicator": str(indicator), "value": figure.value,
        "target_min": figure.target_min, "target_max": figure.target_max, "state": str(figure.state_label),
    }


def _plain(section, slice_label, indicator, value):
    from .selectors import Figure

    return _row(section, slice_label, indicator, Figure(value))


def indicator_export_rows(ind):
    total = _("Összesen")
    rows = [
        _row(total, "", _("Megtartott információs napok"), ind.info_days_held),
        _row(total, "", _("Információs napra jelentkezett (visszaigazolt)"), ind.info_day_registered),
        _row(total, "", _("Információs napon részt vett"), ind.info_day_attended),
        _row(total, "", _("Megtartott képzések"), ind.trainings_held),
        _row(total, "", _("Képzésre jelentkezett (visszaigazolt)"), ind.trainees),
        _row(total, "", _("Sikeresen elvégezte"), ind.completions),
        _row(total, "", _("Teljesített képzési órák"), ind.training_hours),
    ]

    def counts(section, row):
        c = row.counts
        return [
            _plain(section, row.label, _("Információs napra jelentkezett (visszaigazolt)"), c.info_day_registered),
            _plain(section, row.label, _("Információs napon részt vett"), c.info_day_attended),
            _plain(section, row.label, _("Képzésre jelentkezett (visszaigazolt)"), c.trainees),
            _plain(section, row.label, _("Sikeresen elvégezte"), c.completions),
            _plain(section, row.label, _("Teljesített képzési órák"), c.training_hours),
        ]

    for row in ind.by_region:
        rows.append(_plain(_("Régió"), row.label, _("Megtartott információs napok"), row.info_days_held))
        rows.append(_plain(_("Régió"), row.label, _("Megtartott képzések"), row.trainings_held))
        rows += counts(_("Régió"), row)
    for row in ind.by_target_group:
        rows += counts(_("Célcsoport"), row)
    for row in ind.info_days:
        label = f"{row.info_day.library} – {row.info_day.date:%Y.%m.%d.}"
        rows.append(_row(_("Információs nap"), label, _("Jelentkezett (visszaigazolt)"), row.registered_figure))
        rows.append(_row(_("Információs nap"), label, _("Részt vett"), row.attended_figure))
    for row in ind.by_training_site:
        rows.append(_plain(_("Képző intézmény"), row.label, _("Megtartott képzések"), row.trainings_held))
        rows.append(_row(_("Képző intézmény"), row.label, _("Képzésre jelentkezett (visszaigazolt)"), row.trainees_figure))
        rows.append(_plain(_("Képző intézmény"), row.label, _("Sikeresen elvégezte"), row.counts.completions))
        rows.append(_plain(_("Képző intézmény"), row.label, _("Teljesített képzési órák"), row.counts.training_hours))
    return rows


def indicator_export_columns():
    return [
        Column(_("Bontás"), lambda r: r["section"]),
        Column(_("Megnevezés"), lambda r: r["slice"]),
        Column(_("Mutató"), lambda r: r["indicator"]),
        Column(_("Érték"), lambda r: r["value"]),
        Column(_("Vállalás (minimum)"), lambda r: r["target_min"]),
        Column(_("Vállalás (maximum)"), lambda r: r["target_max"]),
        Column(_("Állapot"), lambda r: r["state"]),
    ]
