"""Forms of the coordinator workspace. They check input; the rules live in services.py."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout, Submit
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import County
from menet_portal.widgets import QuickSelect

from .models import BUSINESS_KINDS, NONPROFIT_KINDS, OrganisationKind, SizeBand, TargetGroup
from .services import normalise_tax_number
from .validators import normalise_phone, validate_free_text, validate_phone, validate_plain_text, validate_tax_number

ORGANISATION_FIELDS = ("organisation_name", "organisation_kind", "tax_number", "size_band")


class ParticipantForm(forms.Form):
    """A person's data, with their organisation for nonprofit and business participants.

    Used by the registration form, the edit form and, row by row, by the bulk import, so a
    row of a file is checked exactly like a form typed in the browser.
    """

    family_name = forms.CharField(label=_("Családi név"), max_length=100, validators=[validate_plain_text])
    given_name = forms.CharField(label=_("Utónév"), max_length=100, validators=[validate_plain_text])
    email = forms.EmailField(label=_("E-mail"), required=False, max_length=254)
    phone = forms.CharField(
        label=_("Telefon"), required=False, max_length=30, help_text=_("Például +36 30 123 4567 vagy 06 30 123 4567.")
    )
    birth_year = forms.IntegerField(label=_("Születési év"), min_value=1900)
    settlement = forms.CharField(label=_("Település"), max_length=100, validators=[validate_plain_text])
    county = forms.ModelChoiceField(label=_("Vármegye"), queryset=County.objects.all())
    target_group = forms.ChoiceField(label=_("Célcsoport"), choices=TargetGroup.choices)
    organisation_name = forms.CharField(
        label=_("Szervezet neve"), required=False, max_length=200, validators=[validate_plain_text]
    )
    organisation_kind = forms.ChoiceField(
        label=_("Szervezet típusa"), required=False, choices=[("", "---------"), *OrganisationKind.choices]
    )
    tax_number = forms.CharField(
        label=_("Adószám"), required=False, max_length=20, help_text=_("Formátum: 12345678-1-12.")
    )
    size_band = forms.ChoiceField(
        label=_("Méret (gazdasági szervezetnél)"), required=False, choices=[("", "---------"), *SizeBand.choices]
    )
    photo_consent = forms.BooleanField(
        label=_("Hozzájárul, hogy a rendezvényen fénykép készüljön róla, és az a program beszámolójában megjelenjen."),
        required=False, help_text=_("Nem kötelező; bármikor visszavonható."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        year = timezone.localdate().year
        self.fields["birth_year"].validators.append(MaxValueValidator(year))
        self.fields["birth_year"].widget.attrs["max"] = year

    def clean_phone(self):
        phone = normalise_phone(self.cleaned_data["phone"])
        validate_phone(phone)
        return phone

    def clean_tax_number(self):
        value = normalise_tax_number(self.cleaned_data["tax_number"])
        if value:
            validate_tax_number(value)
        return value

    def clean(self):
        data = super().clean()
        group = data.get("target_group")
        if group in (TargetGroup.NONPROFIT, TargetGroup.BUSINESS):
            required = {
                "organisation_name": _("Adja meg a szervezet nevét."),
                "organisation_kind": _("Válassza ki a szervezet típusát."),
                "tax_number": _("Adja meg a szervezet adószámát."),
            }
            if group == TargetGroup.BUSINESS:
                required["size_band"] = _("Gazdasági szervezetnél adja meg a méretet.")
            for field, message in required.items():
                if not data.get(field) and field not in self.errors:
                    self.add_error(field, message)
            kind = data.get("organisation_kind")
            allowed = NONPROFIT_KINDS if group == TargetGroup.NONPROFIT else BUSINESS_KINDS
            if kind and kind not in allowed:
                self.add_error("organisation_kind", _("Ez a szervezettípus nem illik a választott célcsoporthoz."))
            if group == TargetGroup.NONPROFIT:
                data["size_band"] = ""
        elif group == TargetGroup.CITIZEN:
            for field in ORGANISATION_FIELDS:
                data[field] = ""
        return data

    def person_fieldsets(self):
        return [
            Fieldset(
                _("Személyes adatok"),
                Div(Div("family_name", css_class="col-md-6"), Div("given_name", css_class="col-md-6"), css_class="row"),
                Div(Div("email", css_class="col-md-6"), Div("phone", css_class="col-md-6"), css_class="row"),
                Div(
                    Div("birth_year", css_class="col-md-3"), Div("settlement", css_class="col-md-5"),
                    Div("county", css_class="col-md-4"), css_class="row",
                ),
                "target_group",
            ),
            Div(
                Fieldset(
                    _("Szervezet (nonprofit és gazdasági szervezet képviselőjénél)"),
                    Div(
                        Div("organisation_name", css_class="col-md-8"), Div("organisation_kind", css_class="col-md-4"),
                        css_class="row",
                    ),
                    Div(Div("tax_number", css_class="col-md-4"), Div("size_band", css_class="col-md-8"), css_class="row"),
                ),
                css_id="organisation-fields",
            ),
            Fieldset(_("Fénykép (nem kötelező)"), "photo_consent"),
        ]


class EventField(forms.ChoiceField):
    """The ``info_day:<id>`` / ``course:<id>`` choice of an event. With ``lookup`` (a value → the
    event, or None when the value names no event the user may choose) a submitted value is
    checked by that one look-up instead of building every choice, and the event found is kept
    in ``event``; the choices are built only when the form is shown."""

    lookup = None
    event = None

    def valid_value(self, value):
        if self.lookup is None:
            return super().valid_value(value)
        self.event = self.lookup(value)
        return self.event is not None


def _built_once(build):
    """``build()``'s result, built on first use and kept (a widget iterates its choices more than once)."""
    kept = []

    def choices():
        if not kept:
            kept.append(list(build()))
        return kept[0]
    return choices


class RegistrationForm(ParticipantForm):
    """Registering a person for one of the library's events (or only recording them).

    ``event_choices`` is the list of choices, or a callable building it when the form is shown;
    ``event_lookup`` (see ``EventField``) checks a submitted event without building them. The
    event chosen is ``form.chosen_event`` after validation.
    """

    event = EventField(label=_("Esemény"), required=False)
    consent = forms.BooleanField(
        label=_("A résztvevő hozzájárult személyes adatai kezeléséhez az adatkezelési tájékoztató szerint."),
        error_messages={"required": _("Az adatkezeléshez való hozzájárulás nélkül nem rögzíthető a résztvevő.")},
    )

    def __init__(self, *args, event_choices=(), event_lookup=None, **kwargs):
        super().__init__(*args, **kwargs)
        blank = ("", _("– csak a személy rögzítése, jelentkezés nélkül –"))
        if callable(event_choices):
            built = _built_once(event_choices)
            self.fields["event"].choices = lambda: [blank, *built()]
        else:
            self.fields["event"].choices = [blank, *event_choices]
        self.fields["event"].lookup = event_lookup
        self.fields["consent"].help_text = _("Adatkezelési tájékoztató, %(version)s. változat.") % {
            "version": settings.CONSENT_TEXT_VERSION
        }
        self.helper = FormHelper()
        self.helper.form_id = "participant-form"
        self.helper.form_error_title = _(
            "Az adatok nem kerültek rögzítésre: javítsa a pirossal jelölt mezőket. A beírt adatokat megőriztük.")
        # novalidate (the portal's own Hungarian messages, not the browser's bubbles) comes with
        # every crispy form: templates/bootstrap5/whole_uni_form.html.
        self.helper.layout = Layout(
            Fieldset(_("Jelentkezés"), "event"),
            *self.person_fieldsets(),
            Fieldset(_("Hozzájárulás"), "consent"),
            Submit("save", _("Rögzítés"), css_class="btn-primary"),
            # Several people in a row: save and start the next one with the same event.
            Submit("save_another", _("Mentés és új"), css_class="btn-outline-primary ms-2"),
        )

    @property
    def chosen_event(self):
        """The event chosen (found by ``event_lookup``), or None: only record the person."""
        return self.fields["event"].event if self.cleaned_data.get("event") else None


class ParticipantEditForm(ParticipantForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = "participant-form"
        self.helper.form_error_title = _(
            "Az adatok nem kerültek rögzítésre: javítsa a pirossal jelölt mezőket. A beírt adatokat megőriztük.")
        self.helper.layout = Layout(*self.person_fieldsets(), Submit("save", _("Mentés"), css_class="btn-primary"))

    @classmethod
    def initial_for(cls, participant):
        organisation = participant.organisation
        return {
            "family_name": participant.family_name, "given_name": participant.given_name,
            "email": participant.email, "phone": participant.phone, "birth_year": participant.birth_year,
            "settlement": participant.settlement, "county": participant.county_id,
            "target_group": participant.target_group,
            "organisation_name": organisation.name if organisation else "",
            "organisation_kind": organisation.kind if organisation else "",
            "tax_number": organisation.tax_number if organisation else "",
            "size_band": organisation.size_band if organisation else "",
            "photo_consent": participant.photo_consent_at is not None,
        }


class EventChoiceForm(forms.Form):
    """Registering a known person for another event."""

    event = forms.ChoiceField(label=_("Esemény"))

    def __init__(self, *args, event_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].choices = [("", "---------"), *event_choices]
        self.helper = FormHelper()
        self.helper.form_class = "row g-2 align-items-end"
        self.helper.layout = Layout(
            Div("event", css_class="col-md-8"), Div(Submit("register", _("Jelentkeztetés")), css_class="col-md-4 mb-3")
        )


class CancelRegistrationForm(forms.Form):
    reason = forms.CharField(
        label=_("A lemondás oka"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_free_text], error_messages={"required": _("Adja meg a lemondás okát.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout("reason", Submit("cancel", _("Jelentkezés lemondása"), css_class="btn-danger"))

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Adja meg a lemondás okát."))
        return reason


class ImportUploadForm(forms.Form):
    event = forms.ChoiceField(label=_("Esemény"))
    file = forms.FileField(
        label=_("Fájl (CSV vagy XLSX)"),
        help_text=_("Legfeljebb 5 MB és 5000 sor. CSV: UTF-8 vagy Windows-1250, vesszővel vagy pontosvesszővel."),
    )

    def __init__(self, *args, event_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].choices = [("", "---------"), *event_choices]
        self.helper = FormHelper()
        self.helper.attrs = {"enctype": "multipart/form-data"}
        self.helper.layout = Layout("event", "file", Submit("preview", _("Előnézet"), css_class="btn-primary"))

    def clean_file(self):
        from .imports import MAX_FILE_BYTES

        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError(
                _("A fájl túl nagy (%(size)s MB): legfeljebb 5 MB tölthető fel. Bontsa több fájlra.")
                % {"size": f"{upload.size / 1024 / 1024:.1f}"}
            )
        name = upload.name.lower()
        if not name.endswith((".csv", ".xlsx", ".txt")):
            raise ValidationError(_("Csak CSV vagy XLSX fájl tölthető fel."))
        return upload



class BulkRegistrationForm(forms.Form):
    """What to do with the registrations ticked on the list (the ids come separately, checked
    against the user's scope by the view)."""

    ACTIONS = [
        ("", _("– válasszon –")),
        ("cancel", _("Lemondás")),
        ("move", _("Áthelyezés másik eseményre")),
        ("csv", _("Letöltés (CSV)")),
        ("xlsx", _("Letöltés (Excel)")),
    ]
    action = forms.ChoiceField(label=_("Művelet a kijelöltekkel"), choices=ACTIONS,
                               error_messages={"required": _("Válassza ki, mit tegyünk a kijelöltekkel.")})
    reason = forms.CharField(label=_("A lemondás oka"), max_length=300, required=False)
    to_event = forms.ChoiceField(label=_("Cél esemény"), required=False, widget=QuickSelect)

    def __init__(self, *args, event_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_event"].choices = [("", "---------"), *event_choices]
        for field in self.fields.values():
            css = "form-select form-select-sm" if isinstance(field.widget, forms.Select) else "form-control form-control-sm"
            field.widget.attrs["class"] = css
            field.widget.attrs["form"] = "bulk-form"

    def clean(self):
        data = super().clean()
        if data.get("action") == "cancel" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("A lemondáshoz adja meg a lemondás okát."))
        if data.get("action") == "move" and not data.get("to_event"):
            self.add_error("to_event", _("Az áthelyezéshez válassza ki a cél eseményt."))
        return data
