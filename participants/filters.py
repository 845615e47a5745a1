"""Filters of the participant and registration lists (GET parameters the dashboard links with:
``info_day``, ``course``, ``target_group``, ``status``, ``q``).

The event choices come from the user's scope, so another library's event is not a valid choice;
the views answer such an id with 404 before filtering.
"""

import re

import django_filters
from django import forms

from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import Concat, Replace
from django.utils.translation import gettext_lazy as _

from menet_portal.scope import courses_for, info_days_for

from menet_portal.scope import registrations_for

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


def name_search(queryset, prefix, value):
    """Family or given name, e-mail, the full name in Hungarian order ("Kovács Anna"), the
    organisation's name, and — when the text has at least 6 digits — the phone number and the
    tax number however they are written ("06 30 123 4567", "+36301234567"; "12345678-1-12",
    "12345678112"). The queryset is the user's scope, so the search never reaches beyond it."""
    value = " ".join(value.split())
    if not value:
        return queryset
    full = Concat(f"{prefix}family_name", Value(" "), f"{prefix}given_name")
    condition = (
        Q(_full_name__icontains=value) | Q(**{f"{prefix}email__icontains": value})
        | Q(**{f"{prefix}organisation__name__icontains": value})
    )
    queryset = queryset.alias(_full_name=full)
    digits = re.sub(r"\D", "", value)
    if len(digits) >= MIN_SEARCH_DIGITS:
        phone_digits = digits[2:] if digits.startswith(("06", "36")) else digits  # the stored number is +36 …
        queryset = queryset.alias(
            _phone_digits=_without(F(f"{prefix}phone"), " ", "+", "-", "/"),
            _tax_digits=_without(F(f"{prefix}organisation__tax_number"), "-", " "),
        )
        condition |= Q(_phone_digits__contains=phone_digits) | Q(_tax_digits__startswith=digits)
    return queryset.filter(condition)


class _BaseFilter(django_filters.FilterSet):
    info_day = django_filters.ModelChoiceFilter(
        label=_("Információs nap"), queryset=_info_days, method="filter_event"
    )
    course = django_filters.ModelChoiceFilter(label=_("Képzés"), queryset=_courses, method="filter_event")
    status = django_filters.ChoiceFilter(label=_("Állapot"), choices=RegistrationStatus.choices, method="filter_event")
    q = django_filters.CharFilter(label=_("Keresés"), method="filter_name", widget=forms.TextInput(
        attrs={"placeholder": _("név, e-mail, telefon, szervezet, adószám"), "type": "search"}))

    def filter_event(self, queryset, name, value):
        return queryset  # applied together in filter_queryset

    @property
    def form(self):
        form = super().form
        for field in form.fields.values():  # the filter bar is a plain Bootstrap GET form
            css = "form-select form-select-sm" if isinstance(field.widget, forms.Select) else "form-control form-control-sm"
            field.widget.attrs.setdefault("class", css)
        return form


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
        fields = ["info_day", "course", "target_group", "status", "q", "sort"]

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
        if data.get("sort") == "queue" or (data.get("status") == RegistrationStatus.WAITLISTED and not data.get("sort")):
            from .selectors import by_queue_position

            queryset = by_queue_position(queryset)
        return queryset


class ParticipantFilter(_BaseFilter):
    """Event and status filters select people with a matching registration (one EXISTS, no join)."""

    target_group = django_filters.ChoiceFilter(label=_("Célcsoport"), choices=TargetGroup.choices)

    class Meta:
        model = Participant
        fields = ["info_day", "course", "target_group", "status", "q"]

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
        if condition:
            queryset = queryset.filter(
                # Only registrations the user may see: another library's cancellation is not theirs to filter by.
                Exists(registrations_for(self.request.user).filter(participant=OuterRef("pk"), **condition))
            )
        return queryset

