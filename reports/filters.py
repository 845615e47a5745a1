"""Filters of the attendance list; the same filter drives the page and its CSV/XLSX export."""

from types import SimpleNamespace

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from events.models import Region
from menet_portal import scope
from participants.filters import EventSearchFilterMixin, event_text_q
from participants.models import TargetGroup
from trainings.completion import ATTENDED
from trainings.models import AttendanceStatus

KIND_CHOICES = [("info_day", _("információs nap")), ("course", _("képzés"))]


class AttendanceFilter(EventSearchFilterMixin, django_filters.FilterSet):
    """The attendance list's filter; its event selects are searchable (the chosen event and the
    first hits, never every event of a national programme: 243 KB of options before)."""

    q = django_filters.CharFilter(label=_("Név vagy e-mail"), method="filter_q")
    kind = django_filters.ChoiceFilter(label=_("Esemény típusa"), choices=KIND_CHOICES, method="filter_kind")
    info_day = django_filters.ModelChoiceFilter(
        label=_("Információs nap"), field_name="registration__info_day", queryset=None
    )
    course = django_filters.ModelChoiceFilter(label=_("Képzés"), field_name="registration__course", queryset=None)
    event_q = django_filters.CharFilter(label=_("Esemény keresése"), method="filter_event_q")
    region = django_filters.ModelChoiceFilter(
        label=_("Régió"), queryset=Region.objects.order_by("position"), method="filter_region"
    )
    target_group = django_filters.ChoiceFilter(
        label=_("Célcsoport"), field_name="registration__participant__target_group", choices=TargetGroup.choices
    )
    status = django_filters.ChoiceFilter(label=_("Jelenlét"), choices=AttendanceStatus.choices)
    attended = django_filters.ChoiceFilter(
        label=_("Részvétel"), choices=[("1", _("jelen volt vagy késett"))], method="filter_attended"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = SimpleNamespace(user=user)  # whose events the selects search
        self.filters["info_day"].queryset = scope.info_days_for(user).order_by("date")
        self.filters["course"].queryset = scope.courses_for(user).order_by("title")

    def filter_q(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(registration__participant__family_name__icontains=word)
                | Q(registration__participant__given_name__icontains=word)
                | Q(registration__participant__email__icontains=word)
            )
        return queryset

    def filter_event_q(self, queryset, name, value):
        return queryset.filter(event_text_q(" ".join(value.split()), prefix="registration__"))

    def filter_kind(self, queryset, name, value):
        return queryset.filter(session__isnull=(value == "info_day"))

    def filter_region(self, queryset, name, value):
        return queryset.filter(
            Q(registration__info_day__region=value) | Q(registration__course__site__library__county__region=value)
        )

    def filter_attended(self, queryset, name, value):
        return queryset.filter(status__in=ATTENDED) if value == "1" else queryset
