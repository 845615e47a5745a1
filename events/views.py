from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from menet_portal.db import HungarianCollate
from menet_portal.models import Role
from menet_portal.ordering import sort_queryset
from menet_portal.permissions import role_required
from menet_portal.scope import courses_for, info_days_for
from participants.services import RegistrationError, availability, change_capacity

from .forms import CancelEventForm, CapacityForm, EventOverviewFilterForm, RegistrationOpenForm
from .selectors import event_overview_page, with_registration_counts
from .services import EventActionError, cancel_event, set_registration_open
from .tables import KIND_SLUGS, SORT_PARAM, headers, prepare_rows

SLUG_KINDS = {slug: kind for kind, slug in KIND_SLUGS.items()}


@role_required(Role.STAFF, Role.COORDINATOR, Role.FUNDER)
def info_day_list(request):
    info_days = with_registration_counts(info_days_for(request.user)).order_by("date", "start_time", "pk")
    info_days, sort = sort_queryset(request, info_days, INFO_DAY_SORTS)
    return render(request, "events/info_day_list.html", {"info_days": info_days, "sort": sort})


# Sortable columns of the info-day list (menet_portal/ordering.py): ?rendezes=key or -key.
INFO_DAY_SORTS = {
    "regio": [HungarianCollate("region__name").asc(), "date"],
    "helyszin": [HungarianCollate("library__name").asc(), "date"],
    "datum": ["date", "start_time"],
    "allapot": ["status", "date"],
    "letszam": ["confirmed_count", "date"],
}


@role_required(Role.STAFF)
def overview(request):
    """All info days and courses: fill rate, waiting list, minimum, attendance, next date."""
    form = EventOverviewFilterForm(request.GET or None)
    info_days, courses = info_days_for(request.user), courses_for(request.user)
    below_only = False
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Hibás szűrési feltétel: javítsa a jelölt mezőt."))
        info_days, courses = info_days.none(), courses.none()
    elif form.is_bound:
        data = form.cleaned_data
        if data["kind"] == "info_day":
            courses = courses.none()
        elif data["kind"] == "course":
            info_days = info_days.none()
        if data["status"]:
            info_days, courses = info_days.filter(status=data["status"]), courses.filter(status=data["status"])
        if data["region"]:
            info_days = info_days.filter(region=data["region"])
            courses = courses.filter(site__library__county__region=data["region"])
        for word in data["q"].split():
            info_days = info_days.filter(
                Q(title__icontains=word) | Q(library__settlement__icontains=word) | Q(library__name__icontains=word)
            )
            courses = courses.filter(
                Q(title__icontains=word) | Q(site__library__settlement__icontains=word)
                | Q(site__library__name__icontains=word)
            )
        below_only = data["below_minimum"]
    sort = request.GET.get(SORT_PARAM)
    rows, page_obj, totals = event_overview_page(
        info_days=info_days, courses=courses, sort=sort, page=request.GET.get("page"), below_only=below_only,
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "events/overview.html", {
        "form": form, "rows": prepare_rows(rows), "headers": headers(request.GET, sort), "count": totals.events,
        "totals": totals, "page_obj": page_obj, "query": query.urlencode(),
        "manage_label": _("Kezelés"), "edit_label": _("Szerkesztés"),  # once, not a {% translate %} per row
    })


def _event_or_404(user, kind_slug, pk):
    kind = SLUG_KINDS.get(kind_slug)
    if kind is None:
        raise Http404
    qs = info_days_for(user) if kind == "info_day" else courses_for(user)
    return get_object_or_404(qs, pk=pk)


def _manage_context(event, **forms):
    context = {
        "event": event,
        "kind_slug": KIND_SLUGS[event.kind],
        "availability": availability(event),
        "capacity_form": CapacityForm(initial={"capacity": event.capacity}),
        "cancel_form": CancelEventForm(),
    }
    context.update(forms)
    return context


@role_required(Role.STAFF)
def manage(request, kind, pk):
    """One event's staff actions: open/close registration, change capacity, cancel."""
    event = _event_or_404(request.user, kind, pk)
    return render(request, "events/manage.html", _manage_context(event))


@require_POST
@role_required(Role.STAFF)
def registration_toggle(request, kind, pk):
    event = _event_or_404(request.user, kind, pk)
    form = RegistrationOpenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Ismeretlen művelet."))
    else:
        try:
            set_registration_open(event=event, open=form.cleaned_data["open"], changed_by=request.user)
        except EventActionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("A jelentkezés megnyitva.") if form.cleaned_data["open"]
                             else _("A jelentkezés lezárva."))
    return redirect("events:manage", kind, pk)


@require_POST
@role_required(Role.STAFF)
def capacity(request, kind, pk):
    event = _event_or_404(request.user, kind, pk)
    form = CapacityForm(request.POST)
    if form.is_valid():
        try:
            promoted = change_capacity(event=event, capacity=form.cleaned_data["capacity"], changed_by=request.user)
        except RegistrationError as error:
            form.add_error("capacity", str(error))
        else:
            messages.success(request, _("A férőhely módosítva; %(n)s fő került át a várólistáról.")
                             % {"n": len(promoted)})
            return redirect("events:manage", kind, pk)
    event.refresh_from_db()
    return render(request, "events/manage.html", _manage_context(event, capacity_form=form), status=400)


@require_POST
@role_required(Role.STAFF)
def cancel(request, kind, pk):
    event = _event_or_404(request.user, kind, pk)
    form = CancelEventForm(request.POST)
    if form.is_valid():
        try:
            n = cancel_event(event=event, reason=form.cleaned_data["reason"], cancelled_by=request.user)
        except EventActionError as error:
            form.add_error("reason", str(error))
        else:
            messages.success(request, _("Az esemény lemondva; %(n)s jelentkezés lemondva, a jelentkezők értesítést kapnak.")
                             % {"n": n})
            return redirect("events:manage", kind, pk)
    return render(request, "events/manage.html", _manage_context(event, cancel_form=form), status=400)
