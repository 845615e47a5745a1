"""The questionnaire as a form: radio buttons 1–5 for scale questions, a text box for free text.

The form only shapes the page; every rule (range, required, length) is checked again by
``services.clean_answers``, so the public link and the paper entry obey the same rules.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from participants.models import TargetGroup

from .models import SCALE_MAX, SCALE_MIN
from .services import MAX_TEXT_LENGTH

SCALE_CHOICES = [(str(v), str(v)) for v in range(SCALE_MIN, SCALE_MAX + 1)]


class QuestionnaireForm(forms.Form):
    def __init__(self, *args, questionnaire, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questionnaire.questions.all())
        for question in self.questions:
            name = f"q{question.pk}"
            if question.is_scale:
                self.fields[name] = forms.ChoiceField(
                    label=question.text, choices=SCALE_CHOICES, required=question.required,
                    widget=forms.RadioSelect, error_messages={"required": _("Erre a kérdésre kérjük a választ."),
                                                              "invalid_choice": _("Válasszon 1 és 5 között.")})
            else:
                self.fields[name] = forms.CharField(
                    label=question.text, required=question.required, max_length=MAX_TEXT_LENGTH,
                    widget=forms.Textarea(attrs={"rows": 4}),
                    error_messages={"required": _("Erre a kérdésre kérjük a választ.")})
            self.fields[name].question = question

    def rows(self):
        return [(question, self[f"q{question.pk}"]) for question in self.questions]

    def answers(self):
        return {name: value for name, value in self.cleaned_data.items() if name.startswith("q")}


class PaperQuestionnaireForm(QuestionnaireForm):
    """A paper questionnaire keyed in by the coordinator: optionally whose sheet it is."""

    def __init__(self, *args, respondents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["respondent"] = forms.ChoiceField(
            label=_("Kitöltő (ha a lapon szerepel a neve)"), required=False,
            choices=[("", _("– név nélküli lap –")), *[(str(i.registration_id), i.registration.participant.full_name)
                                                       for i in respondents]],
            widget=forms.Select(attrs={"class": "form-select"}),
            help_text=_("Ha kiválasztja, a személy nem szerepel többé a „még nem válaszolt” listán. "
                        "A válaszok ekkor sem kapcsolódnak a nevéhez."))
        self.fields["target_group"] = forms.ChoiceField(
            label=_("Célcsoport (név nélküli lapnál)"), required=False,
            choices=[("", "---------"), *TargetGroup.choices], widget=forms.Select(attrs={"class": "form-select"}))
        self.order_fields(["respondent", "target_group"])
