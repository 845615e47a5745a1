"""Coordinator workspace: thin views over participants.services and participants.selectors.

Every object comes from a scoped queryset (menet_portal.scope), so another library's id in a
URL or a filter parameter answers 404.
"""

from crispy_forms.layout import Hidden
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, JsonResponse, QueryDict
from django.views.decorators.http import require_POST
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from menet_portal.exports import EXPORT_FORMATS, Column, display, export_response
from menet_portal.models import Role
from menet_portal.ordering import sort_queryset
from menet_portal.paging import IdsFirstPaginator
from menet_portal.permissions import role_required
from menet_portal.scope import courses_for, info_days_for, participants_for, registrations_for
from privacy.models import AccessAction
from privacy.services import log_access

from . import imports, selectors, services
from .filters import ParticipantFilter, RegistrationFilter
from .forms import (
    BulkRegistrationForm, CancelRegistrationForm, EventChoiceForm, ImportUploadForm, ParticipantEditForm,
    RegistrationForm,
)
from .models import ImportStatus, ParticipantImport, RegistrationSource, RegistrationStatus

WORKSPACE_ROLES = (Role.STAFF, Role.COORDINATOR)
PAGE_SIZE = 50
TARGET_SEARCH_PARAM = "cel_q"  # the registration list's bulk-move target search


@role_required(Role.COORDINATOR)
def coordinator_home(request):
    """The coordinator's library: upcoming info days and courses, fill, waiting list, warnings."""
    info_days = selectors.upcoming_info_days(request.user)
    return render(
        request,
        "participants/coordinator_home.html",
        {
            "library": request.user.library,
            "info_days": info_days,
            "courses": selectors.upcoming_courses(request.user),
            "warnings": [d for d in info_days if d.below_minimum_soon],
            "warning_days": selectors.MINIMUM_WARNING_DAYS,
        },
    )


def _check_event_params(request):
    """An ``info_day`` / ``course`` parameter naming an event outside the user's scope is a 404."""
    for name, scoped in (("info_day", info_days_for), ("course", courses_for)):
        value = request.GET.get(name)
        if value:
            if not value.isdigit():
                raise Http404
            get_object_or_404(scoped(request.user), pk=value)


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


class RowsPaginator(IdsFirstPaginator):
    """Pages of plain rows (``values(*fields)`` of ``rows``, no model instances) of a list whose
    keys, order and count come from ``queryset``: the page's keys (with the total, or with
    ``known_count`` when the database keeps it) over ``queryset`` with only the joins its order
    needs, then only those rows from ``rows`` — the same rows' queryset without the scope and
    the filters — joined to their people, events, places and organisations, in the keys' order.

    In one statement a coordinator's list joined all of the library's 2,000 registrations to
    five tables before keeping 50 (hashing every organisation), and the scope's subqueries made
    it 12 relations to plan: 10–13 ms of planning, 23–33 ms of execution and a separate COUNT
    of 4 ms (docs/performance.md). The keys come from the scoped queryset, so ``rows`` never
    shows a row the list would not. The values() queryset's own COUNT would keep the joins of its
    columns (a hash join of every registration with every person, 200 ms at 135,000)."""

    def __init__(self, queryset, per_page, *, fields, rows, known_count=None):
        Paginator.__init__(self, queryset, per_page)
        self.fields, self.rows, self.known_count = fields, rows, known_count

    @cached_property
    def count(self):
        return self.known_count if self.known_count is not None else self.object_list.count()

    def get_page(self, number):
        if self.known_count is not None:  # no total to take along with the keys
            return Paginator.get_page(self, number)
        return super().get_page(number)

    def _rows(self, ids):
        ids = list(ids)
        found = {row["pk"]: row for row in self.rows.filter(pk__in=ids).values(*self.fields).order_by()}
        # In the list's order; a row deleted between the two statements is left out.
        return [found[key] for key in ids if key in found]


def _querystring_without_page(request):
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("format", None)
    return params.urlencode()


def _export_format(request):
    fmt = request.GET.get("format")
    if fmt and fmt not in EXPORT_FORMATS:
        raise Http404
    return fmt


def _organisation(p):
    return p.organisation.name if p.organisation_id else ""


PARTICIPANT_COLUMNS = [
    Column(_("Családi név"), lambda p: p.family_name),
    Column(_("Utónév"), lambda p: p.given_name),
    Column(_("E-mail"), lambda p: p.email),
    Column(_("Telefon"), lambda p: p.phone),
    Column(_("Születési év"), lambda p: p.birth_year),
    Column(_("Település"), lambda p: p.settlement),
    Column(_("Vármegye"), lambda p: p.county.name),
    Column(_("Célcsoport"), lambda p: display(p, "target_group")),
    Column(_("Szervezet"), _organisation),
    Column(_("Adószám"), lambda p: p.organisation.tax_number if p.organisation_id else ""),
    Column(_("Hozzájárulás ideje"), lambda p: p.consent_given_at),
    Column(_("Adatkezelési tájékoztató verziója"), lambda p: p.consent_text_version),
]

REGISTRATION_COLUMNS = [
    Column(_("Családi név"), lambda r: r.participant.family_name),
    Column(_("Utónév"), lambda r: r.participant.given_name),
    Column(_("E-mail"), lambda r: r.participant.email),
    Column(_("Telefon"), lambda r: r.participant.phone),
    Column(_("Célcsoport"), lambda r: display(r.participant, "target_group")),
    Column(_("Szervezet"), lambda r: _organisation(r.participant)),
    Column(_("Esemény"), lambda r: str(r.event)),
    Column(_("Állapot"), lambda r: display(r, "status")),
    Column(_("Várólista helye"), lambda r: getattr(r, "queue_position", None) or ""),
    Column(_("Forrás"), lambda r: display(r, "source")),
    Column(_("Jelentkezés ideje"), lambda r: r.created_at),
    Column(_("Lemondás oka"), lambda r: r.cancel_reason),
]


@role_required(*WORKSPACE_ROLES)
def participant_list(request):
    _check_event_params(request)
    fmt = _export_format(request)
    filterset = ParticipantFilter(request.GET, queryset=selectors.participant_list(request.user), request=request)
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    queryset, sort = sort_queryset(request, queryset, selectors.PARTICIPANT_SORTS)
    if fmt:
        log_access(user=request.user, action=AccessAction.EXPORT, participants=queryset,
                   description=_("résztvevőlista (%(format)s)") % {"format": fmt}, request=request)
        return export_response(queryset.iterator(chunk_size=2000), PARTICIPANT_COLUMNS, "resztvevok", fmt)
    filterset.limit_event_options()
    page = IdsFirstPaginator(queryset, PAGE_SIZE, select_related=("organisation",)).get_page(request.GET.get("page"))
    page.object_list = selectors.with_participant_links(page.object_list)
    return render(request, "participants/participant_list.html", {
        "filter": filterset, "page_obj": page, "query": _querystring_without_page(request), "sort": sort,
    })


@role_required(*WORKSPACE_ROLES)
def registration_list(request):
    _check_event_params(request)
    fmt = _export_format(request)
    filterset = RegistrationFilter(
        request.GET, queryset=selectors.registration_list(request.user), request=request
    )
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    queryset, sort = sort_queryset(request, queryset, selectors.REGISTRATION_SORTS)
    if fmt:
        log_access(user=request.user, action=AccessAction.EXPORT,
                   participants=list(queryset.values_list("participant_id", flat=True).distinct()),
                   description=_("jelentkezéslista (%(format)s)") % {"format": fmt}, request=request)
        return export_response(queryset.iterator(chunk_size=2000), REGISTRATION_COLUMNS, "jelentkezesek", fmt)
    filterset.limit_event_options()
    # The move target lists the first matches only; its search box (a GET form of its own that
    # keeps the list's filters) narrows them without JavaScript, event-search refills them with it.
    target_query = request.GET.get(TARGET_SEARCH_PARAM, "")[:100]
    target_choices, more_targets = selectors.registrable_event_choices(request.user, target_query)
    known = selectors.known_registration_count(
        request.user, filterset.form.cleaned_data) if filterset.is_valid() else None
    page_obj = RowsPaginator(queryset, PAGE_SIZE, fields=selectors.REGISTRATION_ROW_FIELDS, known_count=known,
                             rows=selectors.registration_rows_by_key()).get_page(request.GET.get("page"))
    marker = "987654321"
    page_obj.object_list = selectors.registration_rows(
        page_obj.object_list, marker=marker,
        detail_url=reverse("participants:participant_detail", args=[marker]),
        cancel_url=reverse("participants:registration_cancel", args=[marker]))
    return render(request, "participants/registration_list.html", {
        "filter": filterset, "page_obj": page_obj, "query": _querystring_without_page(request),
        "sort": sort, "bulk_form": BulkRegistrationForm(event_choices=target_choices),
        "target_query": target_query, "more_targets": more_targets,
        "target_search_keep": [(k, v) for k in request.GET for v in request.GET.getlist(k) if k != TARGET_SEARCH_PARAM],
        "bulk_report": request.session.pop(BULK_REPORT_KEY, None), "form_token": services.new_form_token(),
    })


@role_required(*WORKSPACE_ROLES)
def event_search(request):
    """The event filter's autocomplete: ``{"results": [{"id", "text"}]}`` of the user's own info
    days or courses (``kind``) matching ``q``, at most ``selectors.EVENT_SEARCH_LIMIT``.
    ``kind=target``: the bulk move's targets (events open for registration, both kinds, ids
    ``info_day:<pk>`` / ``course:<pk>`` with their ``group``)."""
    kind = request.GET.get("kind")
    if kind == "target":
        groups, _more = selectors.registrable_event_choices(request.user, request.GET.get("q", "")[:100])
        return JsonResponse({"results": [{"id": value, "text": text, "group": str(group)}
                                         for group, options in groups for value, text in options]})
    if kind not in ("info_day", "course"):
        raise Http404
    hits = selectors.search_events(request.user, kind, request.GET.get("q", "")[:100])
    return JsonResponse({"results": [{"id": pk, "text": text} for pk, text in hits]})


def _form_errors_from(form, error: ValidationError):
    """Put a model's ValidationError beside the matching form field (or on top of the form)."""
    field_map = {"organisation": "organisation_kind", "name": "organisation_name", "kind": "organisation_kind"}
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            target = field_map.get(field, field)
            form.add_error(target if target in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _announce(request, registration):
    if registration.status == RegistrationStatus.CONFIRMED:
        messages.success(request, _("%(name)s helyet kapott: %(event)s.") % {
            "name": registration.participant.full_name, "event": registration.event})
    else:
        messages.warning(request, _(
            "Az esemény betelt: %(name)s várólistára került (%(event)s). Ha felszabadul egy hely, automatikusan "
            "helyet kap, és értesítést kap róla.") % {"name": registration.participant.full_name,
                                                     "event": registration.event})
    if not registration.eligible_for_certificate:
        messages.warning(request, getattr(registration, "late_join_message", "") or _(
            "%(name)s a képzést már nem tudja teljesíteni: tanúsítványra nem jogosult.")
            % {"name": registration.participant.full_name})


def _masked(candidates):
    """Candidates are always within the user's scope; the e-mail is still shown only masked."""
    for candidate in candidates:
        local, _sep, domain = candidate.email.partition("@")
        candidate.masked_email = f"{local[:2]}…@{domain}" if domain else ""
    return candidates


def _warn_age(request, participant):
    if services.outside_active_age(target_group=participant.target_group, birth_year=participant.birth_year):
        messages.warning(request, _(
            "Figyelem: %(name)s nem aktív korú (15–64 év). A programnak elsősorban az aktív korú "
            "állampolgárok a célcsoportja; a rögzítés ettől megtörtént.") % {"name": participant.full_name})


@role_required(*WORKSPACE_ROLES)
def participant_create(request):
    """Register a person for an event (or only record them), recognising known persons."""
    initial = {}
    for kind in ("info_day", "course"):
        if request.GET.get(kind):
            _check_event_params(request)
            initial["event"] = f"{kind}:{request.GET[kind]}"
    # The event list is built only when the form is shown; a submitted event is checked by one
    # scoped look-up (the same events as the list), and that event is the one registered for.
    form = RegistrationForm(request.POST or None, initial=initial,
                            event_choices=lambda: selectors.event_choices(request.user),
                            event_lookup=lambda value: selectors.registrable_event(request.user, value))
    # One-time token: a double click (or a resent POST) lands on the first submit's result.
    form_token = request.POST.get("form_token") or services.new_form_token()
    form.helper.layout.append(Hidden("form_token", form_token))
    candidates = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        event = form.chosen_event
        library = event.library if event is not None else request.user.library
        try:
            with transaction.atomic():
                submission = services.claim_form_token(token=request.POST.get("form_token"), user=request.user)
                participant, registration = services.record_and_register(
                    data=data, viewer=request.user, event=event, library=library, registered_by=request.user,
                    use_existing=request.POST.get("use_existing") or None,
                )
                result_url = (request.get_full_path() if "save_another" in request.POST
                              else reverse("participants:participant_detail", kwargs={"pk": participant.pk}))
                services.finish_form_token(submission, result_url)
        except services.AlreadySubmitted as exc:
            messages.info(request, str(exc))
            return redirect(exc.result_url)
        except services.DuplicateParticipant as exc:
            candidates = _masked(exc.candidates)
        except services.RegistrationError as exc:
            form.add_error("event", str(exc))
        except ValidationError as exc:
            _form_errors_from(form, exc)
        else:
            _warn_age(request, participant)
            if registration is not None:
                _announce(request, registration)
            else:
                messages.success(request, _("%(name)s adatai rögzítve.") % {"name": participant.full_name})
            return redirect(result_url)
    return render(request, "participants/participant_form.html", {
        "form": form, "candidates": candidates, "title": _("Résztvevő regisztrálása"), "form_token": form_token,
    })


@role_required(*WORKSPACE_ROLES)
def participant_detail(request, pk):
    participant = get_object_or_404(
        participants_for(request.user).select_related("organisation", "county", "registering_library"), pk=pk
    )
    form = EventChoiceForm(request.POST or None, event_choices=selectors.event_choices(request.user))
    if request.method == "POST" and form.is_valid():
        event = selectors.resolve_event(request.user, form.cleaned_data["event"])
        try:
            registration = services.register_participant(
                participant=participant, event=event, source=RegistrationSource.COORDINATOR,
                registered_by=request.user,
            )
        except services.RegistrationError as exc:
            form.add_error("event", str(exc))
        else:
            _announce(request, registration)
            return redirect("participants:participant_detail", pk=participant.pk)
    if request.method == "GET":
        log_access(user=request.user, action=AccessAction.VIEW, participants=[participant.pk],
                   description=_("résztvevő adatlapja"), request=request)
    return render(request, "participants/participant_detail.html", {
        "participant": participant, "form": form,
        "registrations": selectors.participant_registrations(request.user, participant),
    })


@role_required(*WORKSPACE_ROLES)
def participant_edit(request, pk):
    participant = get_object_or_404(participants_for(request.user).select_related("organisation"), pk=pk)
    form = ParticipantEditForm(request.POST or None, initial=ParticipantEditForm.initial_for(participant))
    candidates = []
    if request.method == "POST" and form.is_valid():
        try:
            participant = services.update_participant(
                participant=participant, data=form.cleaned_data, viewer=request.user
            )
        except services.DuplicateParticipant as exc:
            candidates = exc.candidates
            form.add_error(None, _("A megadott adatokkal már szerepel egy másik személy; így nem menthető."))
        except ValidationError as exc:
            _form_errors_from(form, exc)
        else:
            _warn_age(request, participant)
            messages.success(request, _("%(name)s adatai mentve.") % {"name": participant.full_name})
            return redirect("participants:participant_detail", pk=participant.pk)
    return render(request, "participants/participant_form.html", {
        "form": form, "candidates": candidates, "editing": True, "participant": participant,
        "title": _("%(name)s adatainak módosítása") % {"name": participant.full_name},
    })


@role_required(*WORKSPACE_ROLES)
def registration_cancel(request, pk):
    registration = get_object_or_404(registrations_for(request.user), pk=pk)
    form = CancelRegistrationForm(request.POST or None)
    if registration.status == RegistrationStatus.CANCELLED:
        messages.info(request, _("Ez a jelentkezés már le van mondva."))
        return redirect("participants:registration_list")
    if request.method == "POST" and form.is_valid():
        try:
            promoted = services.cancel_registration(
                registration=registration, reason=form.cleaned_data["reason"], cancelled_by=request.user
            )
        except services.RegistrationError as exc:
            form.add_error("reason", str(exc))
        else:
            messages.success(request, _("%(name)s jelentkezése lemondva.") % {
                "name": registration.participant.full_name})
            for promoted_registration in promoted:
                messages.info(request, _("%(name)s a várólistáról helyet kapott; értesítést kap róla.") % {
                    "name": promoted_registration.participant.full_name})
            if getattr(promoted, "message", ""):
                messages.warning(request, promoted.message)
            return redirect(reverse("participants:registration_list") + f"?{registration.event.kind}="
                            f"{registration.event.pk}")
    return render(request, "participants/registration_cancel.html", {"registration": registration, "form": form})



# --- bulk actions on the registration list ------------------------------------------------------

BULK_REPORT_KEY = "participants_bulk_report"


def _bulk_back(request):
    """The registration list with the filters and sort the selection was made under."""
    query = (request.POST.get("back") or "").lstrip("?")
    params = QueryDict(query, mutable=True)
    for name in ("page", "format"):
        params.pop(name, None)
    url = reverse("participants:registration_list")
    return f"{url}?{params.urlencode()}" if params else url


@require_POST
@role_required(*WORKSPACE_ROLES)
def registration_bulk(request):
    """Cancel, move or export the registrations ticked on the list.

    Every id must be in the user's scope: a selection naming another library's registration (a
    forged id) changes nothing. Cancelling and moving go through the services row by row
    (``services.cancel_registrations`` / ``move_registrations``: waiting-list promotion and the
    capacity rule as always); the outcome of each row is shown on the list. A second submit of
    the same form (form token) shows the first one's result instead of acting again.
    """
    back = _bulk_back(request)
    form = BulkRegistrationForm(request.POST, event_choices=selectors.event_choices(request.user))
    raw_ids = request.POST.getlist("ids")
    if not raw_ids:
        messages.error(request, _("Nem jelölt ki egyetlen jelentkezést sem."))
        return redirect(back)
    if not all(value.isdigit() for value in raw_ids):
        raise Http404
    ids = {int(value) for value in raw_ids}
    registrations = list(
        selectors.registration_list(request.user).filter(pk__in=ids).order_by("created_at", "id"))
    if len(registrations) != len(ids):
        messages.error(request, _(
            "A kijelölésben olyan jelentkezés is van, amely nem található vagy nem az Ön könyvtáráé. "
            "Nem változtattunk semmit."))
        return redirect(back)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    action = form.cleaned_data["action"]
    if action in EXPORT_FORMATS:
        log_access(user=request.user, action=AccessAction.EXPORT,
                   participants=list({r.participant_id for r in registrations}),
                   description=_("kijelölt jelentkezések (%(format)s)") % {"format": action}, request=request)
        in_name_order = selectors.registration_list(request.user).filter(pk__in=ids)
        return export_response(in_name_order, REGISTRATION_COLUMNS, "jelentkezesek-kijeloles", action)
    try:
        with transaction.atomic():
            submission = services.claim_form_token(token=request.POST.get("form_token"), user=request.user)
            if action == "cancel":
                outcomes = services.cancel_registrations(
                    registrations=registrations, reason=form.cleaned_data["reason"], cancelled_by=request.user)
                title, params = _("Lemondás: %(done)s / %(total)s jelentkezés"), {}
            else:
                target = selectors.resolve_event(request.user, form.cleaned_data["to_event"])
                outcomes = services.move_registrations(
                    registrations=registrations, to_event=target, moved_by=request.user)
                title = _("Áthelyezés ide: %(event)s – %(done)s / %(total)s jelentkezés")
                params = {"event": str(target)}
            services.finish_form_token(submission, back)
    except services.AlreadySubmitted as exc:
        messages.info(request, str(exc))
        return redirect(exc.result_url)
    done = sum(1 for outcome in outcomes if outcome.done)
    request.session[BULK_REPORT_KEY] = {
        "title": title % {"done": done, "total": len(outcomes), **params},
        "rows": [{"name": o.registration.participant.full_name, "event": str(o.registration.event),
                  "done": o.done, "message": o.message} for o in outcomes],
    }
    return redirect(back)


# --- bulk import ------------------------------------------------------------------------------


@role_required(*WORKSPACE_ROLES)
def import_template(request):
    """An empty list with the expected headers and two example rows (XLSX or CSV)."""
    fmt = request.GET.get("format", "xlsx")
    if fmt not in EXPORT_FORMATS:
        raise Http404
    columns = [Column(header, lambda row, i=i: row[i]) for i, header in enumerate(imports.template_headers())]
    return export_response(iter(imports.EXAMPLE_ROWS), columns, "resztvevo-import-minta", fmt)


@role_required(*WORKSPACE_ROLES)
def import_upload(request):
    """Step 1: upload. The file is read and checked; its rows wait on the server, bound to the user."""
    choices = selectors.event_choices(request.user)
    initial = {}
    for kind in ("info_day", "course"):
        if request.GET.get(kind):
            _check_event_params(request)
            initial["event"] = f"{kind}:{request.GET[kind]}"
    form = ImportUploadForm(request.POST or None, request.FILES or None, initial=initial, event_choices=choices)
    if request.method == "POST" and form.is_valid():
        event = selectors.resolve_event(request.user, form.cleaned_data["event"])
        try:
            rows = imports.read_file(form.cleaned_data["file"])
        except imports.ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            batch = imports.start_import(
                rows=rows, event=event, user=request.user, file_name=form.cleaned_data["file"].name
            )
            return redirect("participants:import_preview", token=batch.token)
    return render(request, "participants/import_upload.html", {
        "form": form, "max_rows": imports.MAX_ROWS, "columns": imports.COLUMNS,
    })


@role_required(*WORKSPACE_ROLES)
def import_preview(request, token):
    """Step 2: every row's outcome; POST confirms (one transaction in a worker), refused while a row
    has an error. While the worker runs the page refreshes itself; then it shows the result."""
    batch = get_object_or_404(ParticipantImport, token=token, created_by=request.user)
    event = selectors.resolve_event(request.user, selectors.event_value(batch.event))
    context = {"batch": batch, "event": event, "file_name": batch.file_name, "token": token}
    if batch.status in (ImportStatus.RUNNING, ImportStatus.DONE, ImportStatus.FAILED):
        if request.method == "POST" and batch.status == ImportStatus.RUNNING:
            imports.queue_import(batch=batch)  # requeues only when no worker holds it
            return redirect("participants:import_preview", token=token)
        return render(request, "participants/import_status.html", context)
    outcomes = imports.check_rows(batch.rows, event, viewer=request.user)
    errors = [o for o in outcomes if not o.ok]
    if request.method == "POST":
        if errors:
            messages.error(request, str(imports.ImportBlocked(outcomes)))
        else:
            imports.queue_import(batch=batch)
            return redirect("participants:import_preview", token=token)
    elif batch.message:
        messages.warning(request, batch.message)
    return render(request, "participants/import_preview.html", {
        **context, "outcomes": outcomes, "error_rows": errors,
        "new_count": sum(o.ok and o.known is None for o in outcomes),
        "known_count": sum(o.ok and o.known is not None for o in outcomes),
        "waitlisted_count": sum(o.ok and o.status == RegistrationStatus.WAITLISTED for o in outcomes),
    })
