from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from participants.forms import ParticipantForm

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


class WalkInForm(ParticipantForm):
    """A person who turned up at an info day: the coordinator workspace's person form plus consent."""

    consent = forms.BooleanField(
        label=_("A résztvevő megismerte az adatkezelési tájékoztatót és hozzájárul adatai kezeléséhez."),
        error_messages={"required": _("Hozzájárulás nélkül nem rögzíthetjük a résztvevőt.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*self.person_fieldsets(), "consent")


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
