import django_tables2 as tables
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils import timezone

import datetime

KIND_SLUGS = {"info_day": "informacios-nap", "course": "kepzes"}


class EventOverviewTable(tables.Table):
    """Rows are ``events.selectors.EventOverviewRow``; sorting happens on the (small) list of events."""

    next_date = tables.Column(verbose_name=_("Következő időpont"), accessor="sort_date",
                              attrs={"td": {"class": "col-date"}})
    title = tables.Column(verbose_name=_("Esemény"), accessor="event", order_by=("library__settlement",),
                          attrs={"td": {"class": "col-event"}})
    region = tables.Column(verbose_name=_("Régió"), accessor="region__name")
    status = tables.Column(verbose_name=_("Állapot"), accessor="event__get_status_display", order_by=("event__status",))
    fill_rate = tables.Column(verbose_name=_("Telítettség"), attrs={"td": {"class": "text-end text-nowrap"}})
    waitlisted = tables.Column(verbose_name=_("Várólista"), attrs={"td": {"class": "text-end"}})
    minimum_reached = tables.Column(verbose_name=_("Minimum"), order_by=("confirmed",),
                                    attrs={"td": {"class": "text-nowrap"}})
    attendance = tables.Column(verbose_name=_("Jelenlét rögzítve"), accessor="attendance_done", orderable=False)
    actions = tables.Column(verbose_name=_("Műveletek"), empty_values=(), orderable=False)

    class Meta:
        template_name = "django_tables2/bootstrap5.html"
        attrs = {"class": "table table-sm table-striped align-middle", "id": "event-overview"}

    def render_next_date(self, record):
        d = record.next_date
        if d is None:
            return "–"
        if isinstance(d, datetime.datetime):
            return date_format(timezone.localtime(d), "DATETIME_FORMAT")
        return date_format(d, "DATE_FORMAT")

    def render_title(self, record):
        return format_html('{}<br><span class="small text-muted">{} · {}</span>', record.event, record.kind_label,
                           record.library)

    def render_fill_rate(self, record):
        return format_html("{} / {} <span class=\"text-muted small\">({}%)</span>", record.confirmed,
                           record.capacity, record.fill_rate)

    def render_minimum_reached(self, record):
        if record.minimum_reached:
            return format_html('<span class="badge text-bg-success">{} ({})</span>', _("elérve"), record.minimum)
        return format_html('<span class="badge text-bg-danger">{} ({} / {})</span>', _("nincs meg"),
                           record.confirmed, record.minimum)

    def render_attendance(self, record):
        if record.attendance_complete is None:
            return "–"
        if record.kind == "course":
            text = f"{record.attendance_done} / {record.attendance_due}"
        else:
            text = _("rögzítve") if record.attendance_done else _("hiányzik")
        cls = "text-bg-success" if record.attendance_complete else "text-bg-warning"
        return format_html('<span class="badge {}">{}</span>', cls, text)

    def render_actions(self, record):
        url = reverse("events:manage", args=[KIND_SLUGS[record.kind], record.event.pk])
        edit = reverse("setup:info_day_edit" if record.kind == "info_day" else "setup:course_edit",
                       args=[record.event.pk])
        return format_html('<a class="btn btn-sm btn-outline-primary" href="{}">{}</a> '
                           '<a class="btn btn-sm btn-outline-secondary" href="{}">{}</a>',
                           url, _("Kezelés"), edit, _("Szerkesztés"))
