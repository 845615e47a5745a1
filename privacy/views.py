"""Data-protection pages for MKE staff: thin views over privacy.services."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from menet_portal.models import Role
from menet_portal.permissions import role_required

from . import services
from .models import DuplicateCase, DuplicateStatus


@role_required(Role.STAFF)
def duplicate_list(request):
    status = request.GET.get("status", DuplicateStatus.OPEN)
    if status not in DuplicateStatus.values and status != "all":
        status = DuplicateStatus.OPEN
    cases = DuplicateCase.objects.select_related(
        "first__registering_library", "second__registering_library", "closed_by")
    if status != "all":
        cases = cases.filter(status=status)
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    return render(request, "privacy/duplicate_list.html", {
        "page_obj": page, "status": status, "statuses": DuplicateStatus.choices,
    })


@role_required(Role.STAFF)
def duplicate_detail(request, pk):
    case = get_object_or_404(
        DuplicateCase.objects.select_related("first__organisation", "second__organisation", "first__county",
                                             "second__county", "closed_by", "survivor"), pk=pk)
    error = None
    if request.method == "POST" and case.status == DuplicateStatus.OPEN:
        note = request.POST.get("note", "")
        try:
            if "dismiss" in request.POST:
                services.dismiss_duplicate(case=case, dismissed_by=request.user, note=note)
                messages.success(request, _("Az esetet lezártuk: a két adatlap két különböző személyé."))
                return redirect("privacy:duplicate_list")
            choices = {name: request.POST[f"field_{name}"] for name in services.MERGE_FIELDS
                       if request.POST.get(f"field_{name}")}
            survivor = services.merge_duplicate(case=case, keep=request.POST.get("keep", ""), choices=choices,
                                                merged_by=request.user, note=note)
        except services.PrivacyError as exc:
            error = str(exc)
        except Exception as exc:  # a model rule (ValidationError) refused the chosen combination
            from django.core.exceptions import ValidationError

            if not isinstance(exc, ValidationError):
                raise
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("A két adatlapot összevontuk: %(name)s.") % {"name": survivor.full_name})
            return redirect("privacy:duplicate_detail", pk=case.pk)
    rows = services.merge_field_rows(case) if case.first_id and case.second_id else []
    registrations = {}
    for side in ("first", "second"):
        person = getattr(case, side)
        registrations[side] = list(person.registrations.select_related("info_day", "course")) if person else []
    return render(request, "privacy/duplicate_detail.html", {
        "case": case, "rows": rows, "error": error, "registrations": registrations,
        "chosen": {name: request.POST.get(f"field_{name}", "first") for name in services.MERGE_FIELDS},
        "keep": request.POST.get("keep", "first"),
    }, status=400 if error else 200)


# --- One person's data: GDPR export, consent on request, anonymisation (staff) -----------------

def _person(pk):
    from participants.models import Participant

    return get_object_or_404(Participant.objects.select_related("organisation", "county", "registering_library"),
                             pk=pk)


@role_required(Role.STAFF)
def person_privacy(request, pk):
    """Staff page of one person's data-protection actions, each on the person's documented request."""
    from .models import AnonymisationRecord

    participant = _person(pk)
    error = None
    if request.method == "POST":
        reason = request.POST.get("reason", "")
        try:
            if "anonymise" in request.POST:
                if request.POST.get("confirm") != "1":
                    raise services.PrivacyError(_("Erősítse meg, hogy az anonimizálás nem vonható vissza."))
                services.anonymise_participant(participant=participant, reason=reason, anonymised_by=request.user)
                services.log_access(user=request.user, action="anonymise", participants=[participant.pk],
                                    description=_("anonimizálás"), request=request)
                messages.success(request, _("A személy adatait anonimizáltuk."))
            elif "consent" in request.POST:
                services.record_consent(participant=participant, staff_user=request.user, reason=reason)
                messages.success(request, _("A hozzájárulást az érintett kérésére rögzítettük."))
            return redirect("privacy:person", pk=participant.pk)
        except services.PrivacyError as exc:
            error = str(exc)
    services.log_access(user=request.user, action="view", participants=[participant.pk],
                        description=_("adatvédelmi adatlap"), request=request)
    return render(request, "privacy/person.html", {
        "participant": participant, "error": error,
        "anonymisations": AnonymisationRecord.objects.filter(participant=participant).select_related("anonymised_by"),
    }, status=400 if error else 200)


def _download_name(participant, ext):
    return f"szemelyes-adatok-{participant.pk}.{ext}"


@role_required(Role.STAFF)
def person_export_json(request, pk):
    import json

    from django.http import HttpResponse

    participant = _person(pk)
    data = services.export_person(participant)
    services.log_access(user=request.user, action="gdpr_export", participants=[participant.pk],
                        description="JSON", request=request)
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_download_name(participant, "json")}"'
    response["Cache-Control"] = "no-store"
    return response


@role_required(Role.STAFF)
def person_export_pdf(request, pk):
    from django.http import HttpResponse

    participant = _person(pk)
    content = services.export_person_pdf(participant)
    services.log_access(user=request.user, action="gdpr_export", participants=[participant.pk],
                        description="PDF", request=request)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_download_name(participant, "pdf")}"'
    response["Cache-Control"] = "no-store"
    return response


@role_required(Role.STAFF)
def access_log(request):
    """The access log, newest first, filterable by person, user, action and date. Read-only."""
    from .filters import AccessLogFilter
    from .models import AccessLogEntry

    entries = AccessLogEntry.objects.select_related("user").order_by("-at", "-id")
    filterset = AccessLogFilter(request.GET, queryset=entries)
    queryset = filterset.qs if filterset.is_valid() else entries.none()
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "privacy/access_log.html", {
        "filter": filterset, "page_obj": Paginator(queryset, 50).get_page(request.GET.get("page")),
        "query": params.urlencode(),
    })
