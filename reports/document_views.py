"""Pages of the report archive: generate, follow progress, download, finalise, delete.

Every object comes from a scoped queryset (menet_portal.scope): another library's info day,
course or report answers 404. Rules live in reports.archive; these views only call it.
"""

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from events.forms import EventListFilter
from events.models import Programme
from menet_portal import scope
from menet_portal.db import hungarian_name_order
from menet_portal.models import Role
from menet_portal.paging import list_page
from menet_portal.permissions import role_required, user_has_role
from participants.models import Registration, RegistrationStatus
from trainings.completion import annotate_completion
from trainings.models import Session

from . import archive
from .document_forms import GenerateReportForm
from .models import ReportKind, ReportStatus

GENERATORS = (Role.STAFF, Role.COORDINATOR)
READERS = (Role.STAFF, Role.COORDINATOR, Role.FUNDER)


# Each list of the documents page shows a page of events, with its own page number in the address
# (``napok``, ``kepzesek``), so turning one does not turn the other.
EVENTS_PER_PAGE = 25
INFO_DAY_PAGE_PARAM, COURSE_PAGE_PARAM = "napok", "kepzesek"


def _home_context(request):
    user = request.user
    is_staff = user_has_role(user, (Role.STAFF,))
    # The latest programme's events first (staff see every earlier wave too), each programme's in
    # date order (info days) and by settlement and title (courses), as before.
    info_days = scope.info_days_for(user).select_related("library", "region").order_by(
        "-programme__start_date", "date", "pk"
    )
    courses = scope.courses_for(user).select_related("site__library").prefetch_related(
        Prefetch("sessions", queryset=Session.objects.order_by("number"))
    ).order_by("-site__programme__start_date", "site__library__settlement", "title", "pk")
    query = request.GET if request.method == "GET" else {}
    event_filter = EventListFilter(query or None, staff=is_staff)
    if event_filter.is_valid():
        info_days, courses = event_filter.filter_info_days(info_days), event_filter.filter_courses(courses)
    elif event_filter.is_bound:
        messages.error(request, _("Hibás szűrési feltétel: javítsa a jelölt mezőt. A listák szűretlenek."))
    info_day_list = list_page(request, info_days, param=INFO_DAY_PAGE_PARAM, anchor="info-days-title",
                              per_page=EVENTS_PER_PAGE)
    course_list = list_page(request, courses, param=COURSE_PAGE_PARAM, anchor="courses-title", per_page=EVENTS_PER_PAGE)
    return {
        "event_filter": event_filter,
        "info_days": info_day_list.page, "info_day_list": info_day_list,
        "courses": course_list.page, "course_list": course_list,
        "programmes": Programme.objects.order_by("-start_date") if is_staff else Programme.objects.none(),
        "is_staff": is_staff,
        "recent": scope.generated_reports_for(user)[:10],
        "kinds": ReportKind,
    }


@role_required(*GENERATORS)
def documents_home(request):
    """What the user may print: their events' attendance sheets and lists (staff: everything)."""
    return render(request, "reports/documents/home.html", _home_context(request))


@role_required(*GENERATORS)
@require_POST
def generate(request):
    form = GenerateReportForm(request.POST)
    error = None
    if form.is_valid():
        try:
            report = archive.request_report(
                kind=form.cleaned_data["kind"], parameters=form.parameters(), user=request.user
            )
        except ObjectDoesNotExist:
            raise Http404
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            if report.status == ReportStatus.DONE:
                messages.success(request, _("A jelentés elkészült és bekerült az archívumba."))
            return redirect("report_documents:detail", pk=report.pk)
    else:
        error = _("Hibás kérés: %(errors)s") % {
            "errors": "; ".join(f"{form.fields[f].label or f}: {' '.join(e)}" for f, e in form.errors.items())
        }
    messages.error(request, error)
    return render(request, "reports/documents/home.html", _home_context(request), status=400)


@role_required(*READERS)
def archive_list(request):
    reports = scope.generated_reports_for(request.user)
    kind = request.GET.get("fajta")
    if kind in ReportKind.values:
        reports = reports.filter(kind=kind)
    if request.GET.get("vegleges") == "1":
        reports = reports.filter(finalised_at__isnull=False)
    page = Paginator(reports, 25).get_page(request.GET.get("oldal"))
    return render(request, "reports/documents/archive.html", {
        "page": page, "kinds": ReportKind.choices, "kind": kind, "only_final": request.GET.get("vegleges") == "1",
        "is_staff": user_has_role(request.user, (Role.STAFF,)),
    })


def _detail_context(request, report, *, notes=None):
    is_staff = user_has_role(request.user, (Role.STAFF,))
    context = {"report": report, "is_staff": is_staff, "can_retry": user_has_role(request.user, GENERATORS)}
    if report.kind == ReportKind.PROGRESS:
        from plan.selectors import deviation_notes_for
        from plan.services import behind_indicators

        context["deviation_notes"] = list(deviation_notes_for(report).values())
        if is_staff and report.is_done and not report.is_finalised:
            programme = Programme.objects.filter(pk=report.parameters.get("programme")).first()
            if programme is not None:
                plan = behind_indicators(programme)
                typed = notes or {}
                context["deviation_missing"] = notes is not None
                context["deviation_form"] = [
                    {"item": item, "name": f"note_{item.key}", "value": typed.get(item.key, "")}
                    for item in plan.behind
                ]
    return context


@role_required(*READERS)
def detail(request, pk):
    report = get_object_or_404(scope.generated_reports_for(request.user), pk=pk)
    return render(request, "reports/documents/detail.html", _detail_context(request, report))


@role_required(*READERS)
def status(request, pk):
    """Polled by the detail page while a large report renders."""
    report = get_object_or_404(scope.generated_reports_for(request.user).select_related(None), pk=pk)
    return JsonResponse({
        "status": report.status,
        "status_label": report.get_status_display(),
        "progress": report.progress,
        "error": report.error,
        "download_url": reverse("report_documents:download", args=[report.pk]) if report.is_done else None,
        # False when nobody will work on it until someone retries (the broker was down): stop polling.
        "queued": not report.not_queued,
    })


@role_required(*GENERATORS)
@require_POST
def retry(request, pk):
    """Queue again a report whose queueing failed (the background service was down)."""
    report = get_object_or_404(scope.generated_reports_for(request.user), pk=pk)
    if archive.retry_report(report=report):
        messages.success(request, _("A jelentés újra sorba került; az oldal magától frissül."))
    else:
        report.refresh_from_db()
        if report.not_queued:
            messages.error(request, _("A háttérszolgáltatás még mindig nem érhető el. Próbálja újra néhány perc múlva."))
    return redirect("report_documents:detail", pk=report.pk)


@role_required(*READERS)
def download(request, pk):
    report = get_object_or_404(scope.generated_reports_for(request.user), pk=pk, status=ReportStatus.DONE)
    try:
        content = archive.read_verified(report)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("report_documents:detail", pk=report.pk)
    if not report.aggregate:  # a document with personal data (sheet, list, certificates)
        from privacy.models import AccessAction
        from privacy.services import log_access

        log_access(user=request.user, action=AccessAction.EXPORT, request=request,
                   description=_("dokumentum: %(title)s (#%(pk)s)") % {"title": report.title, "pk": report.pk})
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report.download_name}"'
    response["X-Content-SHA256"] = report.sha256
    return response


@role_required(Role.STAFF)
@require_POST
def finalise(request, pk):
    report = get_object_or_404(scope.generated_reports_for(request.user), pk=pk)
    if report.kind == ReportKind.PROGRESS:
        return _finalise_progress(request, report)
    try:
        archive.finalise_report(report=report, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("A jelentés véglegesítve: többé nem törölhető és nem cserélhető le."))
    return redirect("report_documents:detail", pk=report.pk)


def _finalise_progress(request, report):
    """A progress report is finalised with a deviation note per indicator behind the plan; when one
    is missing the page comes back with the message and every note typed so far."""
    notes = {key[len("note_"):]: value for key, value in request.POST.items() if key.startswith("note_")}
    try:
        final = archive.finalise_report(report=report, user=request.user, notes=notes)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return render(request, "reports/documents/detail.html", _detail_context(request, report, notes=notes),
                      status=400)
    messages.success(request, _("A szakmai beszámoló végleges változata elkészült az eltérések indoklásával, "
                                "és véglegesítve lett: többé nem törölhető és nem cserélhető le."))
    return redirect("report_documents:detail", pk=final.pk)


@role_required(Role.STAFF)
@require_POST
def delete(request, pk):
    report = get_object_or_404(scope.generated_reports_for(request.user), pk=pk)
    try:
        archive.delete_report(report=report, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("report_documents:detail", pk=report.pk)
    messages.success(request, _("A jelentés törölve."))
    return redirect("report_documents:archive")


@role_required(Role.STAFF)
def course_certificates(request, course_pk):
    """A course's trainees with their completion; a certificate button for those who completed."""
    course = get_object_or_404(scope.courses_for(request.user), pk=course_pk)
    registrations = (
        annotate_completion(
            Registration.objects.filter(course=course, status=RegistrationStatus.CONFIRMED), course.site.programme
        )
        .select_related("participant")
        .order_by(*hungarian_name_order("participant__"))
    )
    return render(request, "reports/documents/course.html", {"course": course, "registrations": registrations})
