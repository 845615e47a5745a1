from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.utils import timezone
from django.utils.formats import date_format
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

    def table_rows(self, choices):
        """What each row of the register shows, worked out once here rather than per radio in the
        template (15 rows × 4 options): the radios' names, ids and checked state as the RadioSelect
        widget would write them, and who recorded the row when."""
        rows = []
        for registration, field in self.bound_rows():
            current, auto_id = field.value(), field.auto_id
            attendance = registration.current_attendance[0] if registration.current_attendance else None
            rows.append({
                "registration": registration, "field": field, "name": field.html_name,
                "radios": [(value, label, f"{auto_id}_{n}", value == current) for n, (value, label) in enumerate(choices)],
                "recorded": (f"{attendance.recorded_by or '–'}, "
                             f"{date_format(timezone.localtime(attendance.recorded_at), 'DATETIME_FORMAT')}"
                             if attendance else "–"),
            })
        return rows


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
