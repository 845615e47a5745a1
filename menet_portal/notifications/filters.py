import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MessageKind, OutboxMessage, OutboxStatus


SELECT = {"class": "form-select form-select-sm"}
INPUT = {"class": "form-control form-control-sm"}


class OutboxFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Állapot"), choices=OutboxStatus.choices, empty_label=_("mind"), widget=forms.Select(attrs=SELECT)
    )
    kind = django_filters.ChoiceFilter(
        label=_("Fajta"), choices=MessageKind.choices, empty_label=_("mind"), widget=forms.Select(attrs=SELECT)
    )
    recipient = django_filters.CharFilter(
        label=_("Címzett"), lookup_expr="icontains", widget=forms.TextInput(attrs=INPUT)
    )
    due_from = django_filters.DateFilter(
        label=_("Esedékes ettől"), field_name="due_at", lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date", **INPUT}),
    )
    due_to = django_filters.DateFilter(
        label=_("Esedékes eddig"), field_name="due_at", lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date", **INPUT}),
    )

    class Meta:
        model = OutboxMessage
        fields = ["status", "kind", "recipient", "due_from", "due_to"]
