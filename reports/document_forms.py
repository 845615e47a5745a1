from django import forms
from django.utils.translation import gettext_lazy as _

from .documents import KINDS


class GenerateReportForm(forms.Form):
    """Which report, about what: exactly one of the id fields, checked by the archive service."""

    kind = forms.ChoiceField(label=_("Jelentés"), choices=[(k, spec.label) for k, spec in KINDS.items()])
    info_day = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    session = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    course = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    programme = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    registration = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def parameters(self):
        return {k: self.cleaned_data.get(k) for k in ("info_day", "session", "course", "programme", "registration")
                if self.cleaned_data.get(k) is not None}

