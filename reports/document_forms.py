from django import forms
from django.db.models import Q
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


class DocumentEventFilter(forms.Form):
    """Which events the documents page lists: a programme (staff, who see every programme) and a
    search in the event's title and its library's name and settlement. Unfiltered, a national
    programme's page drew 13,000 buttons (5.5 MB, 3.4 s); it now shows a page of each list."""

    programme = forms.ModelChoiceField(
        label=_("Program"), required=False, queryset=None, empty_label=_("– minden program –"),
    )
    q = forms.CharField(
        label=_("Keresés"), required=False, max_length=100, strip=True,
        widget=forms.TextInput(attrs={
            "type": "search", "class": "form-control form-control-sm", "placeholder": _("cím, könyvtár vagy település"),
        }),
    )

    def __init__(self, *args, staff: bool, **kwargs):
        super().__init__(*args, **kwargs)
        from events.models import Programme

        if staff:
            self.fields["programme"].queryset = Programme.objects.order_by("-start_date", "pk")
            self.fields["programme"].widget.attrs["class"] = "form-select form-select-sm"
        else:  # a coordinator's events are all of their own library: only the search
            del self.fields["programme"]

    def filter_info_days(self, info_days):
        data = self.cleaned_data
        if data.get("programme"):
            info_days = info_days.filter(programme=data["programme"])
        if data.get("q"):
            q = data["q"]
            info_days = info_days.filter(
                Q(title__icontains=q) | Q(library__name__icontains=q) | Q(library__settlement__icontains=q)
            )
        return info_days

    def filter_courses(self, courses):
        data = self.cleaned_data
        if data.get("programme"):
            courses = courses.filter(site__programme=data["programme"])
        if data.get("q"):
            q = data["q"]
            courses = courses.filter(
                Q(title__icontains=q) | Q(site__library__name__icontains=q) | Q(site__library__settlement__icontains=q)
            )
        return courses
