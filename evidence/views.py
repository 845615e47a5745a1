"""Signing on the register page (tablet or phone): thin views over evidence.services.

The event comes from the user's scope (menet_portal.scope), the participant's attendance row
from that event: another library's event or person answers 404.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from menet_portal.models import Role
from menet_portal.permissions import role_required, user_has_role
from menet_portal.scope import generated_reports_for, info_days_for, sessions_for

from . import scans, services
from .forms import EvidenceFilterForm
from .models import ScannedSheet, SignerRole
from .signatures import PAD_HEIGHT, PAD_WIDTH

SESSION, INFO_DAY = "foglalkozas", "informacios-nap"
DELIVERY_ROLES = (Role.STAFF, Role.COORDINATOR, Role.TRAINER)


def _event(request, kind, pk):
    if kind == SESSION:
        return get_object_or_404(sessions_for(request.user).select_related("course__site__library"), pk=pk)
    if kind == INFO_DAY and user_has_role(request.user, (Role.STAFF, Role.COORDINATOR)):
        return get_object_or_404(info_days_for(request.user).select_related("library"), pk=pk)
    raise Http404


def register_url(kind, event):
    if kind == SESSION:
        return reverse("trainings:session_register", args=[event.pk])
    return reverse("trainings:info_day_register", args=[event.pk])


def _pad_page(request, *, kind, event, heading, signer_name=None, ask_name=False):
    return render(request, "evidence/sign.html", {
        "event": event, "kind": kind, "heading": heading, "signer_name": signer_name, "ask_name": ask_name,
        "back_url": register_url(kind, event), "pad_width": PAD_WIDTH, "pad_height": PAD_HEIGHT,
    })


@role_required(*DELIVERY_ROLES)
@never_cache
def sign_participant(request, kind, pk, registration_pk):
    event = _event(request, kind, pk)
    attendance = services.attendance_of(event, registration_pk)
    if attendance is None:
        raise Http404
    name = attendance.registration.participant.full_name
    if request.method == "POST":
        try:
            services.sign_attendance(attendance=attendance, strokes=request.POST.get("strokes", ""),
                                     collected_by=request.user)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("%(name)s aláírása elmentve.") % {"name": name})
            return redirect(register_url(kind, event) + "#alairasok")
    return _pad_page(request, kind=kind, event=event, heading=_("%(name)s aláírása") % {"name": name},
                     signer_name=name)


@role_required(*DELIVERY_ROLES)
@never_cache
def sign_register(request, kind, pk, role):
    event = _event(request, kind, pk)
    if role not in SignerRole.values:
        raise Http404
    default_name = request.user.get_full_name() or request.user.get_username()
    if request.method == "POST":
        try:
            services.sign_register(event=event, role=role, signer_name=request.POST.get("signer_name", ""),
                                   strokes=request.POST.get("strokes", ""), collected_by=request.user)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("A jelenléti ív aláírása elmentve."))
            return redirect(register_url(kind, event) + "#alairasok")
        default_name = request.POST.get("signer_name", default_name)
    return _pad_page(request, kind=kind, event=event,
                     heading=_("A jelenléti ív aláírása: %(role)s") % {"role": SignerRole(role).label},
                     signer_name=default_name, ask_name=True)


@role_required(Role.STAFF, Role.COORDINATOR)
@require_POST
def upload_scan(request, report_pk):
    """The scan of a printed sheet, uploaded on the archived sheet's page (scope: generated_reports_for)."""
    report = get_object_or_404(generated_reports_for(request.user), pk=report_pk)
    uploaded = request.FILES.get("scan")
    if uploaded is None:
        messages.error(request, _("Válassza ki a beolvasott jelenléti ív fájlját (PDF, JPEG vagy PNG)."))
    else:
        try:
            scan = scans.upload_scan(report=report, uploaded=uploaded, user=request.user)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("A beolvasott ív elmentve (SHA-256: %(sha)s).") % {"sha": scan.sha256})
    return redirect("report_documents:detail", pk=report.pk)


@role_required(Role.STAFF, Role.COORDINATOR)
def download_scan(request, report_pk):
    report = get_object_or_404(generated_reports_for(request.user), pk=report_pk)
    scan = get_object_or_404(ScannedSheet, report=report)
    try:
        content = scans.read_scan(scan)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("report_documents:detail", pk=report.pk)
    response = HttpResponse(content, content_type=scan.content_type)
    extension = scans.SCAN_TYPES[scan.content_type]
    response["Content-Disposition"] = f'attachment; filename="{scans.archive_reference(report)}-alairt.{extension}"'
    response["X-Content-SHA256"] = scan.sha256
    return response


def _filtered_states(user, form):
    """The rows of the evidence list: the user's registers (scope), narrowed by the form."""
    from .selectors import evidence_states

    info_days, sessions = _filtered_events(user, form)
    rows = evidence_states(info_days=info_days, sessions=sessions)
    if form.cleaned_data.get("state"):
        rows = [r for r in rows if r.state == form.cleaned_data["state"]]
    return rows


def _filtered_events(user, form):
    """The user's info days and sessions (scope), narrowed by the form's event filters."""
    from menet_portal.scope import info_days_for

    info_days, sessions = info_days_for(user), sessions_for(user)
    data = form.cleaned_data
    if data.get("kind") == "info_day":
        sessions = sessions.none()
    elif data.get("kind") == "session":
        info_days = info_days.none()
    if data.get("region"):
        info_days = info_days.filter(region=data["region"])
        sessions = sessions.filter(course__site__library__county__region=data["region"])
    if data.get("library"):
        info_days = info_days.filter(library=data["library"])
        sessions = sessions.filter(course__site__library=data["library"])
    if data.get("date_from"):
        info_days = info_days.filter(date__gte=data["date_from"])
        sessions = sessions.filter(starts_at__date__gte=data["date_from"])
    if data.get("date_to"):
        info_days = info_days.filter(date__lte=data["date_to"])
        sessions = sessions.filter(starts_at__date__lte=data["date_to"])
    return info_days, sessions


@role_required(Role.STAFF, Role.COORDINATOR, Role.FUNDER)
def overview(request):
    """Evidence state of every register the user may see; ``?state=missing`` is the missing-proof
    list. The funder sees the same states and counts (never a signature or a name)."""
    from django.core.paginator import Paginator

    from events.models import Library
    from menet_portal.exports import EXPORT_FORMATS, export_response

    from .exports import EVIDENCE_EXPORT_COLUMNS
    from .selectors import ProofState, evidence_page, evidence_page_in_state, evidence_summary

    is_coordinator = user_has_role(request.user, (Role.COORDINATOR,))
    libraries = None if is_coordinator else Library.objects.order_by("settlement", "name")
    form = EvidenceFilterForm(request.GET or None, libraries=libraries)
    valid = not form.is_bound or form.is_valid()
    if not form.is_bound:
        form.cleaned_data = {}
    fmt = request.GET.get("format")
    if fmt:
        if fmt not in EXPORT_FORMATS:
            return HttpResponseBadRequest(_("Ismeretlen formátum."))
        if not valid:
            return HttpResponseBadRequest(_("Hibás szűrési feltétel: a letöltés nem készült el."))
        return export_response(_filtered_states(request.user, form), EVIDENCE_EXPORT_COLUMNS, "igazolasok", fmt)
    if not valid:
        messages.error(request, _("Hibás szűrési feltétel: javítsa a jelölt mezőt."))
        rows = []
        page_obj, summary = Paginator(rows, 50).get_page(1), evidence_summary(rows)
    elif form.cleaned_data.get("state"):  # every register's state by the rule, the page's in full
        info_days, sessions = _filtered_events(request.user, form)
        page_obj, summary = evidence_page_in_state(info_days=info_days, sessions=sessions,
                                                   state=form.cleaned_data["state"],
                                                   number=request.GET.get("page"), per_page=50)
        rows = page_obj.object_list
    else:  # the proof of the page's registers only, the counts grouped (evidence_page)
        info_days, sessions = _filtered_events(request.user, form)
        page_obj, summary = evidence_page(info_days=info_days, sessions=sessions,
                                          number=request.GET.get("page"), per_page=50)
        rows = page_obj.object_list  # the page's rows (all of them when they fit on one page)
    query = request.GET.copy()
    for key in ("format", "page"):
        query.pop(key, None)
    return render(request, "evidence/overview.html", {
        "form": form, "rows": rows, "page_obj": page_obj, "summary": summary,
        "states": ProofState, "query": query.urlencode(), "formats": EXPORT_FORMATS,
        "show_links": user_has_role(request.user, (Role.STAFF, Role.COORDINATOR)),
    })
