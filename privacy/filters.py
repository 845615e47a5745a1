"""Filter of the access log (staff): by person id, user, action, date range."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AccessAction, AccessLogEntry


class AccessLogFilter(django_filters.FilterSet):
    participant = django_filters.NumberFilter(label=_("Résztvevő azonosítója"), field_name="participants__id",
                                              distinct=True)
    username = django_filters.CharFilter(label=_("Felhasználó"), field_name="username", lookup_expr="icontains")
    action = django_filters.ChoiceFilter(label=_("Művelet"), choices=AccessAction.choices)
    since = django_filters.DateFilter(label=_("Ettől"), field_name="at", lookup_expr="date__gte",
                                      widget=forms.DateInput(attrs={"type": "date"}))
    until = django_filters.DateFilter(label=_("Eddig"), field_name="at", lookup_expr="date__lte",
                                      widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = AccessLogEntry
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
