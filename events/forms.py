from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from events.models import EventStatus, Region
from menet_portal.widgets import QuickSelect
from participants.validators import validate_free_text

KIND_CHOICES = [("", _("mind")), ("info_day", _("információs nap")), ("course", _("képzés"))]


SELECT = {"class": "form-select"}


class EventOverviewFilterForm(forms.Form):
    """The overview's filter bar, rendered by plain Bootstrap markup in the template (crispy's
    field templates were ≈ 7 ms of the page)."""

    q = forms.CharField(label=_("Keresés (cím, település)"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"class": "form-control"}))
    kind = forms.ChoiceField(label=_("Típus"), choices=KIND_CHOICES, required=False, widget=QuickSelect(SELECT))
    status = forms.ChoiceField(label=_("Állapot"), choices=[("", _("mind"))] + EventStatus.choices, required=False,
                               widget=QuickSelect(SELECT))
    region = forms.ModelChoiceField(label=_("Régió"), queryset=Region.objects.order_by("position"), required=False,
                                    empty_label=_("mind"), widget=QuickSelect(SELECT))
    below_minimum = forms.BooleanField(label=_("Csak a minimum alattiak"), required=False,
                                       widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))


class RegistrationOpenForm(forms.Form):
    open = forms.TypedChoiceField(choices=[("1", _("megnyitás")), ("0", _("lezárás"))], coerce=lambda v: v == "1")


class CapacityForm(forms.Form):
    capacity = forms.IntegerField(label=_("Férőhely"), min_value=1, max_value=1000)


class CancelEventForm(forms.Form):
    reason = forms.CharField(
        label=_("Az elmaradás oka"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_free_text],
        help_text=_("A jelentkezők értesítést kapnak erről; a jelentkezések lemondásra kerülnek."),
    )
    confirm = forms.BooleanField(label=_("Igen, az eseményt lemondom"), required=True)


class ProgrammeChoiceField(forms.ModelChoiceField):
    """A programme by its name and years: the waves of a national programme share one name."""

    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.start_date:%Y}–{obj.end_date:%Y})"


class EventListFilter(forms.Form):
    """Which events a page of several event lists shows (the documents page, the programme set-up):
    a programme (staff, who see every programme) and a search in the event's title and its
    library's name and settlement. Unfiltered, the national documents page drew 13,000 buttons
    (5.5 MB, 3.4 s) and the set-up page 4,000 rows (614 KB, 1.3 s); they show a page of each list."""

    programme = ProgrammeChoiceField(
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

    def _narrow(self, queryset, programme, *text):
        """``queryset`` of the chosen programme (through ``programme``) whose ``text`` fields
        contain the search."""
        data = self.cleaned_data
        if data.get("programme"):
            queryset = queryset.filter(**{programme: data["programme"]})
        if data.get("q"):
            condition = Q()
            for field in text:
                condition |= Q(**{f"{field}__icontains": data["q"]})
            queryset = queryset.filter(condition)
        return queryset

    def filter_info_days(self, info_days):
        return self._narrow(info_days, "programme", "title", "library__name", "library__settlement")

    def filter_sites(self, sites):
        return self._narrow(sites, "programme", "library__name", "library__settlement")

    def filter_courses(self, courses):
        return self._narrow(courses, "site__programme", "title", "site__library__name", "site__library__settlement")
