from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _


class MonthlyPlanForm(forms.Form):
    """One row per month of the programme: info-day participants and trainees expected in it."""

    def __init__(self, *args, months, initial_rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.months = months
        for month in months:
            participants, trainees = initial_rows.get(month, (0, 0))
            label = date_format(month, "Y. F")
            self.fields[f"p_{month:%Y_%m}"] = forms.IntegerField(
                label=_("%(month)s: információs napi résztvevők") % {"month": label}, min_value=0, max_value=100000,
                initial=participants)
            self.fields[f"t_{month:%Y_%m}"] = forms.IntegerField(
                label=_("%(month)s: képzésre jelentkezők") % {"month": label}, min_value=0, max_value=100000,
                initial=trainees)

    def rows(self):
        return [(month, self[f"p_{month:%Y_%m}"], self[f"t_{month:%Y_%m}"]) for month in self.months]

    def cleaned_rows(self) -> dict:
        return {m: (self.cleaned_data[f"p_{m:%Y_%m}"], self.cleaned_data[f"t_{m:%Y_%m}"]) for m in self.months}
