from django import forms
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
