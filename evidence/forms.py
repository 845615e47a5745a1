from django import forms
from django.utils.translation import gettext_lazy as _

from events.models import Library, Region

from .selectors import ProofState

KIND_CHOICES = [("", _("mind")), ("info_day", _("információs nap")), ("session", _("foglalkozás"))]


class EvidenceFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Igazolás"), required=False,
        choices=[("", _("mind"))] + [(k, v) for k, v in ProofState.LABELS.items()],
    )
    kind = forms.ChoiceField(label=_("Típus"), choices=KIND_CHOICES, required=False)
    region = forms.ModelChoiceField(label=_("Régió"), queryset=Region.objects.order_by("position"), required=False,
                                    empty_label=_("mind"))
    library = forms.ModelChoiceField(label=_("Könyvtár"), queryset=Library.objects.none(), required=False,
                                     empty_label=_("mind"))
    date_from = forms.DateField(label=_("Ettől (dátum)"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Eddig (dátum)"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, libraries=None, **kwargs):
        super().__init__(*args, **kwargs)
        if libraries is None:
            del self.fields["library"]  # a coordinator sees one library only
        else:
            self.fields["library"].queryset = libraries

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("A záró dátum nem lehet korábbi a kezdőnél."))
        return data
