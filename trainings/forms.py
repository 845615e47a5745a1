from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from participants.models import (
    BUSINESS_KINDS,
    NONPROFIT_KINDS,
    Organisation,
    OrganisationKind,
    Participant,
    SizeBand,
    TargetGroup,
)
from participants.validators import normalise_phone, validate_tax_number

from .models import AttendanceStatus


class RegisterForm(forms.Form):
    """One radio group per confirmed person: ``status_<registration id>``."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = list(rows)
        for registration in self.rows:
            current = registration.current_attendance[0].status if registration.current_attendance else None
            self.fields[self.field_name(registration)] = forms.ChoiceField(
                label=registration.participant.full_name,
                choices=AttendanceStatus.choices,
                widget=forms.RadioSelect,
                initial=current,
                error_messages={"required": _("Jelölje meg, hogy jelen volt-e.")},
            )

    @staticmethod
    def field_name(registration):
        return f"status_{registration.pk}"

    def statuses(self):
        return {r.pk: self.cleaned_data[self.field_name(r)] for r in self.rows}

    def bound_rows(self):
        return [(r, self[self.field_name(r)]) for r in self.rows]


class WalkInForm(forms.ModelForm):
    """A person who turned up at an info day: the participant's data, consent, and their organisation."""

    consent = forms.BooleanField(
        label=_("A résztvevő megismerte az adatkezelési tájékoztatót és hozzájárul adatai kezeléséhez."),
        error_messages={"required": _("Hozzájárulás nélkül nem rögzíthetjük a résztvevőt.")},
    )
    organisation_name = forms.CharField(label=_("Szervezet neve"), max_length=200, required=False)
    organisation_kind = forms.ChoiceField(
        label=_("Szervezet típusa"), choices=[("", "---------"), *OrganisationKind.choices], required=False
    )
    organisation_tax_number = forms.CharField(
        label=_("Adószám"), max_length=13, required=False, help_text=_("Például 12345678-1-12")
    )
    organisation_size_band = forms.ChoiceField(
        label=_("Méret (vállalkozásnál)"), choices=[("", "---------"), *SizeBand.choices], required=False
    )

    class Meta:
        model = Participant
        fields = ["family_name", "given_name", "birth_year", "settlement", "county", "email", "phone", "target_group"]

    def clean_phone(self):
        return normalise_phone(self.cleaned_data.get("phone", ""))

    def clean(self):
        data = super().clean()
        group = data.get("target_group")
        if group and group != TargetGroup.CITIZEN:
            kind = data.get("organisation_kind")
            if not data.get("organisation_name"):
                self.add_error("organisation_name", _("Szervezet képviselőjénél adja meg a szervezet nevét."))
            allowed = NONPROFIT_KINDS if group == TargetGroup.NONPROFIT else BUSINESS_KINDS
            if kind not in allowed:
                self.add_error("organisation_kind", _("Válasszon a célcsoporthoz illő szervezettípust."))
            tax_number = data.get("organisation_tax_number", "").strip()
            try:
                validate_tax_number(tax_number)
            except ValidationError as exc:
                self.add_error("organisation_tax_number", exc)
            if group == TargetGroup.BUSINESS and not data.get("organisation_size_band"):
                self.add_error("organisation_size_band", _("Vállalkozásnál adja meg a méretet."))
        return data

    def organisation(self):
        data = self.cleaned_data
        if data.get("target_group") == TargetGroup.CITIZEN:
            return None
        return Organisation(
            name=data["organisation_name"],
            kind=data["organisation_kind"],
            tax_number=data["organisation_tax_number"].strip(),
            settlement=data.get("settlement", ""),
            size_band=data["organisation_size_band"] if data["target_group"] == TargetGroup.BUSINESS else "",
        )


class QuizForm(forms.Form):
    """A lesson's self-check: one radio group per question."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            self.fields[f"q{question.pk}"] = forms.TypedChoiceField(
                label=question.text,
                choices=[(c.pk, c.text) for c in question.choices.all()],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Válasszon egy választ.")},
            )

    def answers(self):
        return {q.pk: self.cleaned_data[f"q{q.pk}"] for q in self.questions}

    def bound_questions(self):
        return [(q, self[f"q{q.pk}"]) for q in self.questions]
