"""Forms of the public site; they check input, the rules live in the services."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from participants.forms import ParticipantForm
from participants.validators import validate_free_text


class CertificateLookupForm(forms.Form):
    code = forms.CharField(
        label=_("A tanúsítványon szereplő ellenőrző kód"), max_length=40,
        help_text=_("Például ABCD-EFGH-JKLM-NPQR. A kis- és nagybetű mindegy."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class CourseFilterForm(forms.Form):
    """The public course list's filter: a region and a settlement or library name."""

    regio = forms.ModelChoiceField(label=_("Régió"), queryset=None, required=False, to_field_name="code",
                                   empty_label=_("Minden régió"), widget=forms.Select(attrs={"class": "form-select"}))
    hely = forms.CharField(label=_("Település vagy könyvtár"), max_length=60, required=False,
                           validators=[validate_free_text],
                           widget=forms.TextInput(attrs={"class": "form-control", "type": "search"}))

    def __init__(self, *args, **kwargs):
        from events.models import Region

        super().__init__(*args, **kwargs)
        self.fields["regio"].queryset = Region.objects.order_by("position")


class CertificateRevokeForm(forms.Form):
    reason = forms.CharField(label=_("A visszavonás oka"), max_length=300,
                             widget=forms.Textarea(attrs={"rows": 2}))


class PublicRegistrationForm(ParticipantForm):
    """The coordinator form's person fields and checks (``ParticipantForm``), for a visitor.

    The e-mail is required (the link that confirms the registration goes there), consent to the
    current privacy notice is required, and ``website`` is a honeypot: people never see it.
    """

    consent = forms.BooleanField(
        label=_("Elolvastam az adatkezelési tájékoztatót, és hozzájárulok személyes adataim kezeléséhez."),
        error_messages={"required": _("A jelentkezéshez el kell fogadnia az adatkezelési tájékoztatót.")},
    )
    website = forms.CharField(label=_("Weboldal (ezt a mezőt hagyja üresen)"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].help_text = _("Erre a címre küldjük a megerősítő linket.")
        self.fields["email"].error_messages["required"] = _("Adja meg az e-mail-címét: erre küldjük a megerősítő linket.")
        self.fields["consent"].help_text = _("Adatkezelési tájékoztató, %(version)s. változat.") % {
            "version": settings.CONSENT_TEXT_VERSION
        }
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        autocomplete = {"family_name": "family-name", "given_name": "given-name", "email": "email", "phone": "tel",
                        "settlement": "address-level2", "organisation_name": "organization"}
        for name, value in autocomplete.items():
            self.fields[name].widget.attrs["autocomplete"] = value
        for name, field in self.fields.items():
            css = "form-check-input" if isinstance(field.widget, forms.CheckboxInput) else (
                "form-select" if isinstance(field.widget, forms.Select) else "form-control")
            field.widget.attrs.setdefault("class", css)
            described = []
            if field.help_text:
                described.append(f"id_{name}_help")
            field.widget.attrs["aria-describedby"] = " ".join(described)
            if field.required:
                field.widget.attrs["required"] = True

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))

    def mark_errors(self):
        """Tie each error message to its field (aria-invalid, aria-describedby) for screen readers."""
        for name in self.errors:
            if name not in self.fields:
                continue
            attrs = self.fields[name].widget.attrs
            attrs["aria-invalid"] = "true"
            attrs["aria-describedby"] = f"id_{name}_error {attrs.get('aria-describedby', '')}".strip()
            attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Miért mondja le? (nem kötelező)"), required=False, max_length=300,
                             validators=[validate_free_text])
