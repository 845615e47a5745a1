"""Dashboards (MKE staff, funder), the attendance list and the exports: thin views over selectors."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from menet_portal import scope
from menet_portal.exports import EXPORT_FORMATS, export_response
from menet_portal.models import Role
from menet_portal.permissions import role_required, user_has_role

from .charts import region_by_group_chart
from .exports import indicator_export_columns, indicator_export_rows
from .filters import AttendanceFilter
from .selectors import ALERT_WINDOW_DAYS, current_programme, programme_alerts, programme_indicators
from .tables import ATTENDANCE_EXPORT_COLUMNS, ATTENDANCE_RELATED, AttendanceTable


# A national programme has ~90 training sites and dozens of alerts: the dashboards show a page
# of them (every row one click away, and all of them in the indicator export), so the page does
# not grow with the programme. Rendering all 86 site rows was ~40 % of the page's template time.
SITES_PER_PAGE = 20
SITE_PAGE_PARAM = "helyszinek"
ALERTS_SHOWN = 10
ALL_ALERTS_PARAM = "figyelmeztetesek"


def _dashboard_context(request, *, with_alerts: bool):
    programme = current_programme()
    if programme is None:
        return {"programme": None}
    indicators = programme_indicators(programme)
    site_page = Paginator(indicators.by_training_site, SITES_PER_PAGE).get_page(request.GET.get(SITE_PAGE_PARAM))
    query = request.GET.copy()
    query.pop(SITE_PAGE_PARAM, None)
    context = {
        "programme": programme, "ind": indicators, "chart": region_by_group_chart(indicators),
        "site_page": site_page, "site_page_param": SITE_PAGE_PARAM, "site_query": query.urlencode(),
    }
    context.update(_plan_and_evidence(indicators))
    if with_alerts:
        alerts = programme_alerts(indicators)
        all_alerts = request.GET.get(ALL_ALERTS_PARAM) == "mind"
        query = request.GET.copy()
        query[ALL_ALERTS_PARAM] = "mind"
        context.update(
            alerts=alerts, alert_days=ALERT_WINDOW_DAYS, alerts_all=all_alerts,
            alert_slice=":" if all_alerts else f":{ALERTS_SHOWN}", alerts_shown=ALERTS_SHOWN,
            all_alerts_query=query.urlencode(),
        )
    return context


def _plan_and_evidence(indicators):
    """Each indicator against the plan to date (plan.selectors) and the evidence counts
    (evidence.selectors: states and counts only, so the funder's viewer shows them too)."""
    from evidence.selectors import evidence_state_counts
    from plan.selectors import plan_progress
    from trainings.models import Session

    plan = plan_progress(indicators)
    programme = indicators.programme
    summary = evidence_state_counts(
        info_days=programme.info_days.all(), sessions=Session.objects.filter(course__site__programme=programme),
        now=indicators.as_of,
    )
    return {"plan": plan, "plan_items": plan.by_key, "evidence_summary": summary}


@role_required(Role.STAFF)
def staff_home(request):
    """MKE staff's dashboard: indicators against commitments, alerts, links to the lists behind them."""
    return render(request, "reports/staff_home.html", _dashboard_context(request, with_alerts=True))


@role_required(Role.FUNDER, Role.STAFF)
def funder_home(request):
    """The ministry's read-only viewer: aggregates only, no personal data."""
    return render(request, "reports/funder_home.html", _dashboard_context(request, with_alerts=False))


@role_required(Role.FUNDER, Role.STAFF)
def indicator_export(request):
    """Every figure and breakdown of the dashboard as CSV or XLSX (aggregates only)."""
    fmt = request.GET.get("format", "xlsx")
    if fmt not in EXPORT_FORMATS:
        return HttpResponseBadRequest(_("Ismeretlen formátum."))
    programme = current_programme()
    if programme is None:
        return HttpResponseBadRequest(_("Még nincs program."))
    rows = indicator_export_rows(programme_indicators(programme))
    return export_response(rows, indicator_export_columns(), "menet-mutatok", fmt)


def _attendance_queryset(user):
    # Newest first by default, read in that order from the index attendance_recent: the page's
    # 50 ids without sorting every visible row (a 13 MB sort on disk at national scale); the
    # table joins only its page's rows (menet_portal.paging.IdsFirstTable), the export all.
    return scope.attendance_for(user).select_related(*ATTENDANCE_RELATED).order_by("-recorded_at", "-id")


@role_required(Role.STAFF, Role.COORDINATOR, Role.TRAINER)
def attendance_list(request):
    """Attendance rows the user may see, filtered; the same filter feeds the CSV/XLSX export."""
    filterset = AttendanceFilter(request.GET or None, queryset=_attendance_queryset(request.user), user=request.user)
    valid = filterset.is_bound is False or filterset.is_valid()
    fmt = request.GET.get("format")
    if fmt:
        if fmt not in EXPORT_FORMATS:
            return HttpResponseBadRequest(_("Ismeretlen formátum."))
        if not valid:
            return HttpResponseBadRequest(_("Hibás szűrési feltétel: a letöltés nem készült el."))
        # The rows name people: the access log gets one entry linked to every person in them.
        from participants.models import Participant
        from privacy.models import AccessAction
        from privacy.services import log_access

        log_access(user=request.user, action=AccessAction.EXPORT, request=request,
                   participants=Participant.objects.filter(pk__in=filterset.qs.values("registration__participant_id")),
                   description=_("jelenléti lista (%(format)s)") % {"format": fmt})
        return export_response(filterset.qs.iterator(chunk_size=2000), ATTENDANCE_EXPORT_COLUMNS, "jelenlet", fmt)
    if not valid:
        messages.error(request, _("Hibás szűrési feltétel: javítsa a jelölt mezőt."))
    filterset.limit_event_options()
    table = AttendanceTable(filterset.qs if valid else filterset.queryset.none())
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    query = request.GET.copy()
    for key in ("format", "page", "sort"):
        query.pop(key, None)
    return render(request, "reports/attendance_list.html", {
        "filter": filterset, "table": table, "export_query": query.urlencode(), "formats": EXPORT_FORMATS,
        # The event selects' autocomplete answers staff and coordinators (participants.views.event_search);
        # a trainer's few courses are all among the first hits, and the typed search works without it.
        "event_autocomplete": user_has_role(request.user, (Role.STAFF, Role.COORDINATOR)),
    })
