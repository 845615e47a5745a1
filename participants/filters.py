"""Filters of the participant and registration lists (GET parameters the dashboard links with:
``info_day``, ``course``, ``target_group``, ``status``, ``q``).

The event choices come from the user's scope, so another library's event is not a valid choice;
the views answer such an id with 404 before filtering.
"""

import re

import django_filters
from django import forms

from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import Replace
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from menet_portal.scope import courses_for, info_days_for
from menet_portal.widgets import QuickSelect

from menet_portal.scope import person_registrations_for, registrations_for

from .models import Participant, Registration, RegistrationStatus, TargetGroup


def _info_days(request):
    return info_days_for(request.user).order_by("date") if request else info_days_for(None)


def _courses(request):
    return courses_for(request.user).order_by("title") if request else courses_for(None)


MIN_SEARCH_DIGITS = 6  # fewer digits (a birth year, a house number) would match too many phones


def _without(expression, *characters):
    for character in characters:
        expression = Replace(expression, Value(character), Value(""))
    return expression


def event_text_q(value, prefix=""):
    """Registrations whose event's title or town contains ``value`` (the event search's plain
    text fallback: without JavaScript the typed text itself filters)."""
    return (
        Q(**{f"{prefix}info_day__title__icontains": value})
        | Q(**{f"{prefix}info_day__library__settlement__icontains": value})
        | Q(**{f"{prefix}course__title__icontains": value})
        | Q(**{f"{prefix}course__site__library__settlement__icontains": value})
    )


class EventSearchSelect(QuickSelect):
    """An event select that renders only the chosen event and a few search hits (never all 2,000
    events); ``static/js/event-search.js`` refills it from the JSON search as the user types."""

    def __init__(self, kind, attrs=None):
        super().__init__(attrs={**(attrs or {}), "data-event-kind": kind,
                                "data-event-search-url": reverse_lazy("participants:event_search")})
        self.kind = kind


def name_search(queryset, prefix, value):
    """Family or given name, e-mail, the full name in Hungarian order ("Kovács Anna"), the
    organisation's name, and — when the text has at least 6 digits — the phone number and the
    tax number however they are written ("06 30 123 4567", "+36301234567"; "12345678-1-12",
    "12345678112"). The queryset is the user's scope, so the search never reaches beyond it.

    The people found are one ``IN (… UNION ALL …)`` of a branch per kind of match, each read from
    its own trigram index (participants migration 0016, ``ILIKE`` through
    ``menet_portal.db.ILikeContains``). As one OR over the people joined to their organisations,
    with Django's ``UPPER(…) LIKE``, every search read all 100,000 people (85 ms, twice a page)
    and a coordinator's started from them rather than from the library's 2,000 registrations."""
    from menet_portal.db import FullName, ILikeContains

    from .models import Organisation

    value = " ".join(value.split())
    if not value:
        return queryset
    if len(value) < TRIGRAM_MIN_LENGTH:  # no trigram to look up: the index would be read whole
        return _name_search_by_scan(queryset, prefix, value)
    people = Participant.objects.order_by()
    branches = [
        people.filter(ILikeContains(FullName(), value)),
        people.filter(ILikeContains(F("email"), value)),
        people.filter(organisation_id__in=Organisation.objects.order_by().filter(
            ILikeContains(F("name"), value)).values("pk")),
    ]
    digits = re.sub(r"\D", "", value)
    if len(digits) >= MIN_SEARCH_DIGITS:
        phone_digits = digits[2:] if digits.startswith(("06", "36")) else digits  # the stored number is +36 …
        branches.append(people.alias(_phone_digits=_without(F("phone"), " ", "+", "-", "/"))
                        .filter(_phone_digits__contains=phone_digits))
        branches.append(people.filter(organisation_id__in=Organisation.objects.order_by().alias(
            _tax_digits=_without(F("tax_number"), "-", " ")).filter(_tax_digits__startswith=digits).values("pk")))
    first, *others = [branch.values("pk") for branch in branches]
    found = first.union(*others, all=True)
    return queryset.filter(**{f"{prefix}pk__in" if not prefix else f"{prefix.removesuffix('__')}__in": found})


# Shorter texts hold no trigram: one pass over the people is faster than the whole index (a search
# for "a" took 550 ms through the branches, 85 ms as one scan).
TRIGRAM_MIN_LENGTH = 3


def _name_search_by_scan(queryset, prefix, value):
    """``name_search`` of a text shorter than a trigram: one OR over the scope's people."""
    from django.db.models.functions import Concat

    condition = (
        Q(_full_name__icontains=value) | Q(**{f"{prefix}email__icontains": value})
        | Q(**{f"{prefix}organisation__name__icontains": value})
    )
    return queryset.alias(_full_name=Concat(f"{prefix}family_name", Value(" "), f"{prefix}given_name")).filter(condition)


class EventSearchFilterMixin:
    """Event filters (``info_day``, ``course``) as searchable selects: each renders the chosen event
    and the first search hits only, never all 2,000 events; ``event_q`` is the typed search (it
    filters by itself without JavaScript, and ``static/participants/event-search.js`` refills the
    selects as the user types). Used by the participant, registration and attendance lists."""

    @property
    def form(self):
        form = super().form
        if getattr(form, "_event_selects_ready", False):
            return form
        for name, kind in (("info_day", "info_day"), ("course", "course")):
            if name in form.fields:
                form.fields[name].widget = EventSearchSelect(kind)
        for field in form.fields.values():  # the filter bar is a plain Bootstrap GET form
            css = "form-select form-select-sm" if isinstance(field.widget, forms.Select) else "form-control form-control-sm"
            field.widget.attrs.setdefault("class", css)
        event_q = form.fields["event_q"].widget
        event_q.attrs.update({"type": "search", "data-event-search": "1", "autocomplete": "off",
                              "placeholder": _("cím vagy település")})
        form._event_selects_ready = True
        return form

    def limit_event_options(self):
        """Fill the two event selects with the chosen event and the first search hits only."""
        from .selectors import EVENT_SEARCH_LIMIT, course_label, info_day_label, search_events

        form = self.form
        cleaned = getattr(form, "cleaned_data", {}) or {}
        text = cleaned.get("event_q") or ""
        for name, label in (("info_day", info_day_label), ("course", course_label)):
            field = form.fields[name]
            hits = search_events(self.request.user if self.request else None, name, text,
                                 limit=EVENT_SEARCH_LIMIT + 1)
            chosen = cleaned.get(name)
            choices = [("", field.empty_label or "---------")]
            if chosen is not None:
                choices.append((chosen.pk, label(chosen)))
            choices += [(pk, text_) for pk, text_ in hits[:EVENT_SEARCH_LIMIT] if chosen is None or pk != chosen.pk]
            field.widget.choices = choices
            field.more_events = len(hits) > EVENT_SEARCH_LIMIT


class _BaseFilter(EventSearchFilterMixin, django_filters.FilterSet):
    info_day = django_filters.ModelChoiceFilter(
        label=_("Információs nap"), queryset=_info_days, method="filter_event"
    )
    course = django_filters.ModelChoiceFilter(label=_("Képzés"), queryset=_courses, method="filter_event")
    status = django_filters.ChoiceFilter(label=_("Állapot"), choices=RegistrationStatus.choices, method="filter_event")
    event_q = django_filters.CharFilter(label=_("Esemény keresése"), method="filter_event")
    q = django_filters.CharFilter(label=_("Keresés"), method="filter_name", widget=forms.TextInput(
        attrs={"placeholder": _("név, e-mail, telefon, szervezet, adószám"), "type": "search"}))

    def filter_event(self, queryset, name, value):
        return queryset  # applied together in filter_queryset


class RegistrationFilter(_BaseFilter):
    target_group = django_filters.ChoiceFilter(
        label=_("Célcsoport"), field_name="participant__target_group", choices=TargetGroup.choices
    )

    sort = django_filters.ChoiceFilter(
        label=_("Sorrend"), method="filter_event", empty_label=_("név szerint"),
        choices=[("queue", _("várólista sorrendje"))],
    )

    class Meta:
        model = Registration
        fields = ["info_day", "course", "event_q", "target_group", "status", "q", "sort"]

    def filter_name(self, queryset, name, value):
        return name_search(queryset, "participant__", value)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        if data.get("info_day"):
            queryset = queryset.filter(info_day=data["info_day"])
        if data.get("course"):
            queryset = queryset.filter(course=data["course"])
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        if data.get("event_q") and not (data.get("info_day") or data.get("course")):
            queryset = queryset.filter(event_text_q(" ".join(data["event_q"].split())))
        if data.get("sort") == "queue" or (data.get("status") == RegistrationStatus.WAITLISTED and not data.get("sort")):
            from .selectors import by_queue_position

            queryset = by_queue_position(queryset)
        return queryset


class ParticipantFilter(_BaseFilter):
    """Event and status filters select people with a matching registration (one EXISTS, no join)."""

    target_group = django_filters.ChoiceFilter(label=_("Célcsoport"), choices=TargetGroup.choices)

    class Meta:
        model = Participant
        fields = ["info_day", "course", "event_q", "target_group", "status", "q"]

    def filter_name(self, queryset, name, value):
        return name_search(queryset, "", value)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        condition = {}
        if data.get("info_day"):
            condition["info_day"] = data["info_day"]
        if data.get("course"):
            condition["course"] = data["course"]
        if data.get("status"):
            condition["status"] = data["status"]
        text = " ".join((data.get("event_q") or "").split())
        if text and not (data.get("info_day") or data.get("course")):
            condition["text"] = event_text_q(text)
        if condition:
            text_q = condition.pop("text", Q())
            queryset = queryset.filter(
                # Only registrations the user may see: another library's cancellation is not theirs to filter by.
                Exists(person_registrations_for(self.request.user, OuterRef("pk")).filter(text_q, **condition))
            )
        return queryset

