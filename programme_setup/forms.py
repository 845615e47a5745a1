"""Set-up forms: they show and check input; saving is the business of the services."""

import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import EventStatus, InfoDay, Library, Programme
from events.services import SETTABLE_STATUSES
from menet_portal.models import Role, User
from trainings.models import MAX_SESSIONS_PER_COURSE, Course, Session, TrainingSite

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _status_choices(instance):
    if instance is not None and instance.pk and instance.status == EventStatus.CANCELLED:
        return [(EventStatus.CANCELLED, EventStatus.CANCELLED.label)]
    return [(s.value, s.label) for s in SETTABLE_STATUSES]


def _libraries():
    return Library.objects.select_related("county").order_by("settlement", "name")


class InfoDayForm(forms.ModelForm):
    class Meta:
        model = InfoDay
        fields = ["programme", "region", "library", "title", "date", "start_time", "end_time", "room",
                  "capacity", "minimum", "status", "description"]
        widgets = {"date": DATE, "start_time": TIME, "end_time": TIME, "description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "capacity": _("Csökkenteni csak a visszaigazolt jelentkezők számáig lehet; növeléskor a várólistáról töltjük fel."),
            "date": _("Ha a dátum, az idő, a helyszín vagy a terem változik, minden jelentkező e-mailt kap."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["library"].queryset = _libraries()
        self.fields["programme"].queryset = Programme.objects.order_by("-start_date")
        if not self.instance.pk:
            self.fields["programme"].initial = Programme.objects.order_by("-start_date").first()
        self.fields["status"].choices = _status_choices(self.instance)
        if self.instance.pk and self.instance.status == EventStatus.CANCELLED:
            for field in self.fields.values():
                field.disabled = True


class TrainingSiteForm(forms.ModelForm):
    class Meta:
        model = TrainingSite
        fields = ["programme", "library", "needs_assessment"]
        widgets = {"needs_assessment": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["library"].queryset = _libraries()
        self.fields["programme"].queryset = Programme.objects.order_by("-start_date")
        if not self.instance.pk:
            self.fields["programme"].initial = Programme.objects.order_by("-start_date").first()


class TrainerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj} ({obj.library.settlement})" if obj.library_id else str(obj)


class CourseForm(forms.ModelForm):
    trainers = TrainerChoiceField(
        label=_("Oktatók"), required=False, widget=forms.CheckboxSelectMultiple,
        queryset=User.objects.filter(role=Role.TRAINER, is_active=True).select_related("library")
        .order_by("last_name", "first_name"),
    )

    class Meta:
        model = Course
        fields = ["site", "title", "capacity", "status", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "capacity": _("Csökkenteni csak a visszaigazolt jelentkezők számáig lehet; növeléskor a várólistáról töltjük fel."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = TrainingSite.objects.select_related("library", "programme").order_by(
            "library__settlement")
        self.fields["status"].choices = _status_choices(self.instance)
        if self.instance.pk:
            self.fields["trainers"].initial = list(self.instance.trainers.all())
        if self.instance.pk and self.instance.status == EventStatus.CANCELLED:
            for field in self.fields.values():
                field.disabled = True


class SessionForm(forms.ModelForm):
    """One planned session: a date and two times on the page, ``starts_at``/``ends_at`` in the model."""

    date = forms.DateField(label=_("Dátum"), widget=DATE)
    start_time = forms.TimeField(label=_("Kezdés"), widget=TIME)
    end_time = forms.TimeField(label=_("Befejezés"), widget=TIME)

    class Meta:
        model = Session
        fields = ["number", "date", "start_time", "end_time", "room", "topic"]
        widgets = {"number": forms.NumberInput(attrs={"min": 1, "max": MAX_SESSIONS_PER_COURSE})}

    # Model errors on the datetimes belong beside the fields the user typed.
    FIELD_FOR = {"starts_at": "start_time", "ends_at": "end_time"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            start, end = timezone.localtime(self.instance.starts_at), timezone.localtime(self.instance.ends_at)
            self.initial.update({"date": start.date(), "start_time": start.time(), "end_time": end.time()})

    def clean(self):
        data = super().clean()
        day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if day and start and end:
            zone = timezone.get_current_timezone()
            data["starts_at"] = datetime.datetime.combine(day, start).replace(tzinfo=zone)
            data["ends_at"] = datetime.datetime.combine(day, end).replace(tzinfo=zone)
            if end <= start:
                self.add_error("end_time", _("A befejezés nem lehet korábbi a kezdésnél (%(start)s), és nem is eshet egybe vele.")
                               % {"start": start.strftime("%H:%M")})
            else:
                self.instance.starts_at, self.instance.ends_at = data["starts_at"], data["ends_at"]
        return data

    def add_error(self, field, error):
        if field in self.FIELD_FOR:
            field = self.FIELD_FOR[field]
        elif isinstance(getattr(error, "error_dict", None), dict):
            for name in list(error.error_dict):
                if name in self.FIELD_FOR:
                    error.error_dict.setdefault(self.FIELD_FOR[name], []).extend(error.error_dict.pop(name))
        super().add_error(field, error)

    def session_row(self):
        data = self.cleaned_data
        row = {f: data[f] for f in ("number", "starts_at", "ends_at", "room", "topic")}
        row["pk"] = self.instance.pk
        return row


class BaseSessionFormSet(forms.BaseInlineFormSet):
    def __init__(self, *args, sessions_per_course=4, **kwargs):
        self.sessions_per_course = sessions_per_course
        super().__init__(*args, **kwargs)

    def clean(self):
        super().clean()
        seen = {}
        for form in self.forms:
            number = form.cleaned_data.get("number") if hasattr(form, "cleaned_data") else None
            if not number:
                continue
            if number > self.sessions_per_course:
                form.add_error("number", _("A program képzésenként %(n)s foglalkozást tervez: a sorszám 1 és %(n)s "
                                           "között lehet.") % {"n": self.sessions_per_course})
            elif number in seen:
                form.add_error("number", _("A(z) %(number)s. foglalkozás kétszer szerepel.") % {"number": number})
            seen[number] = form

    def validate_unique(self):
        pass  # numbers are checked in clean() with a message beside the field


def session_formset(*, course=None, data=None, sessions_per_course=4):
    existing = course.sessions.count() if course is not None and course.pk else 0
    formset_class = forms.inlineformset_factory(
        Course, Session, form=SessionForm, formset=BaseSessionFormSet,
        extra=max(sessions_per_course - existing, 0), max_num=MAX_SESSIONS_PER_COURSE, validate_max=True,
        can_delete=False,
    )
    initial = [{"number": n} for n in range(existing + 1, sessions_per_course + 1)]
    return formset_class(data, instance=course if course is not None else Course(), prefix="sessions",
                         initial=initial, sessions_per_course=sessions_per_course)


class CourseChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.title} ({obj.site.library.settlement})"


class AccountForm(forms.ModelForm):
    """A coordinator's or a trainer's account: role, library, and the trainer's courses."""

    role = forms.ChoiceField(label=_("Szerepkör"), choices=[(Role.COORDINATOR, Role.COORDINATOR.label),
                                                          (Role.TRAINER, Role.TRAINER.label)])
    courses = CourseChoiceField(
        label=_("Képzései (oktatóknak)"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("A még nem lezárult programok képzései és az oktató meglévő képzései."),
        queryset=Course.objects.select_related("site__library").order_by("site__library__settlement", "title"),
    )
    password = forms.CharField(
        label=_("Kezdő jelszó"), required=False, strip=False,
        widget=forms.PasswordInput(render_value=True, attrs={"autocomplete": "new-password"}),
        help_text=_("Új fióknál kötelező; meglévőnél csak akkor adja meg, ha új jelszót állít be."),
    )

    class Meta:
        model = User
        fields = ["username", "last_name", "first_name", "email", "phone", "role", "library", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["library"].queryset = _libraries()
        self.fields["library"].required = False  # the service says why it is needed, beside the field
        # The courses of the programmes not over yet, and those the trainer already has (a save sets
        # the trainer's courses to the ticked ones, so an ended programme's course must stay listed
        # to stay assigned). Every course of every programme was 1,930 boxes (675 KiB) nationally.
        courses = Q(site__programme__end_date__gte=timezone.localdate())
        if self.instance.pk:
            self.fields["courses"].initial = list(self.instance.courses.all())
            courses |= Q(pk__in=self.instance.courses.values("pk"))
        self.fields["courses"].queryset = self.fields["courses"].queryset.filter(courses)

    def _post_clean(self):
        pass  # services.save_account validates the account as a whole
