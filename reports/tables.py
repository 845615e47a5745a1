import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from menet_portal.db import HungarianCollate, hungarian_name_order
from menet_portal.exports import Column, display
from menet_portal.paging import IdsFirstTable

# What a row of the attendance list and its export shows besides the attendance row itself.
ATTENDANCE_RELATED = (
    "registration__participant", "registration__info_day__library", "registration__info_day__region",
    "registration__course__site__library", "session",
)


class AttendanceTable(IdsFirstTable, tables.Table):
    page_select_related = ATTENDANCE_RELATED
    participant = tables.Column(
        verbose_name=_("Résztvevő"), accessor="registration__participant__full_name",
        order_by=("registration__participant__family_name",),
    )
    target_group = tables.Column(
        verbose_name=_("Célcsoport"), accessor="registration__participant__get_target_group_display",
        order_by=("registration__participant__target_group",),
    )
    event = tables.Column(verbose_name=_("Esemény"), accessor="registration__event", orderable=False)
    session = tables.Column(verbose_name=_("Foglalkozás"), accessor="session__number", default="–")
    date = tables.Column(verbose_name=_("Időpont"), empty_values=(), order_by=("session__starts_at", "registration__info_day__date"))
    status = tables.Column(verbose_name=_("Jelenlét"))
    recorded_at = tables.DateTimeColumn(verbose_name=_("Rögzítve"), format="Y. m. d. H:i")

    class Meta:
        template_name = "reports/_attendance_table.html"  # tables2's bootstrap5 with the rows drawn directly
        attrs = {"class": "table table-sm table-striped", "id": "attendance-table"}
        orderable = True

    def order_participant(self, queryset, is_descending):
        prefix = "registration__participant__"
        if not is_descending:
            return queryset.order_by(*hungarian_name_order(prefix)), True
        return queryset.order_by(
            HungarianCollate(f"{prefix}family_name").desc(), HungarianCollate(f"{prefix}given_name").desc(), "-id"
        ), True

    def render_date(self, record):
        from django.utils.formats import date_format
        from django.utils import timezone

        if record.session_id:
            return date_format(timezone.localtime(record.session.starts_at), "DATETIME_FORMAT")
        return date_format(record.registration.info_day.date, "DATE_FORMAT")


def _when(a):
    return a.session.starts_at if a.session_id else a.registration.info_day.date


ATTENDANCE_EXPORT_COLUMNS = [
    Column(_("Családi név"), lambda a: a.registration.participant.family_name),
    Column(_("Utónév"), lambda a: a.registration.participant.given_name),
    Column(_("Célcsoport"), lambda a: display(a.registration.participant, "target_group")),
    Column(_("Esemény"), lambda a: str(a.registration.event)),
    Column(_("Helyszín"), lambda a: str(a.registration.event.library)),
    Column(_("Foglalkozás"), lambda a: a.session.number if a.session_id else ""),
    Column(_("Időpont"), _when),
    Column(_("Jelenlét"), lambda a: display(a, "status")),
    Column(_("Rögzítve"), lambda a: a.recorded_at),
]
