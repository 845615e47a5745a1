from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from menet_portal.admin_access import ProgrammeStaffAdmin, ProgrammeStaffInline, ReadOnlyAdmin
from participants.admin import CapacityThroughServicesMixin
from participants.models import RegistrationStatus

from . import services
from .models import (
    Attendance,
    Choice,
    Course,
    LearningModule,
    Lesson,
    LessonImage,
    LessonProgress,
    MaterialLink,
    Question,
    QuizAttempt,
    Session,
    TrainingSite,
)
from .rendering import render_lesson_markdown


class CourseInline(ProgrammeStaffInline, admin.TabularInline):
    model = Course
    extra = 0
    fields = ["title", "capacity", "status"]
    readonly_fields = ["capacity"]  # changed on the course's own page, through change_capacity
    show_change_link = True


@admin.register(TrainingSite)
class TrainingSiteAdmin(ProgrammeStaffAdmin):
    list_display = ["library", "programme"]
    list_filter = ["programme", "library__county__region"]
    list_select_related = ["library", "programme"]
    search_fields = ["library__name", "library__settlement", "needs_assessment"]
    filter_horizontal = ["trainers"]
    inlines = [CourseInline]


class SessionInline(ProgrammeStaffInline, admin.TabularInline):
    model = Session
    extra = 0


def _session_rows(formset):
    return [
        {"pk": f.instance.pk, **{k: f.cleaned_data[k] for k in services.SESSION_FIELDS}}
        for f in formset.forms
        if f.has_changed() and f not in formset.deleted_forms
    ]


@admin.register(Course)
class CourseAdmin(CapacityThroughServicesMixin, ProgrammeStaffAdmin):
    """Saves go through trainings.services.save_course: capacity, moved sessions and their notices."""

    list_display = ["title", "site", "capacity", "status"]
    list_filter = ["status", "site__library__county__region"]
    list_select_related = ["site__library"]
    search_fields = ["title", "site__library__name", "site__library__settlement"]
    filter_horizontal = ["trainers"]
    # A searched select: the plain one listed every training site of every programme, each label
    # a query of its own (867 queries, 0.4 s for the form at national scale).
    autocomplete_fields = ["site"]
    inlines = [SessionInline]

    def get_readonly_fields(self, request, obj=None):
        # Status changes (cancellation notices) happen on the portal's event page.
        return ["status"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        data = {f: form.cleaned_data[f] for f in services.COURSE_FIELDS if f in form.cleaned_data}
        saved = services.save_course(data=data, course=obj if change else None, changed_by=request.user)
        obj.pk = saved.pk

    def save_formset(self, request, form, formset, change):
        if formset.model is not Session:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)  # collects the deleted rows; the others are saved by the service
        services.save_course(data={}, sessions=_session_rows(formset), course=form.instance, changed_by=request.user)
        for session in formset.deleted_objects:
            session.delete()


@admin.register(Session)
class SessionAdmin(ProgrammeStaffAdmin):
    """Saves go through trainings.services.save_course: a moved session notifies its trainees."""

    list_display = ["course", "number", "starts_at", "ends_at", "room"]
    list_filter = ["number", "course__site__library__county__region"]
    list_select_related = ["course"]
    search_fields = ["course__title", "topic"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["course"]  # searched, not a select of all 2,000 courses (215 KiB)

    def get_readonly_fields(self, request, obj=None):
        return ["course"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        row = {"pk": obj.pk if change else None,
               **{k: form.cleaned_data[k] for k in services.SESSION_FIELDS if k in form.cleaned_data}}
        course = obj.course
        services.save_course(data={}, sessions=[row], course=course, changed_by=request.user)
        if not change:
            obj.pk = Session.objects.get(course=course, number=row["number"]).pk


@admin.register(Attendance)
class AttendanceAdmin(ProgrammeStaffAdmin, SimpleHistoryAdmin):
    list_display = ["registration", "session", "status", "recorded_by", "recorded_at"]
    list_filter = ["status", "session__number"]
    list_select_related = ["registration__participant", "registration__info_day", "registration__course", "session__course", "recorded_by"]
    search_fields = ["registration__participant__family_name", "registration__participant__given_name"]
    raw_id_fields = ["registration", "session"]


# --- Learning material: MKE staff edit it here --------------------------------------------------


class LessonInline(ProgrammeStaffInline, admin.TabularInline):
    model = Lesson
    extra = 0
    fields = ["position", "title", "slug", "minutes"]
    prepopulated_fields = {"slug": ["title"]}
    show_change_link = True


@admin.register(LearningModule)
class LearningModuleAdmin(ProgrammeStaffAdmin):
    list_display = ["title", "programme", "position", "is_published"]
    list_editable = ["position", "is_published"]
    list_filter = ["programme", "is_published"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [LessonInline]


class LessonImageInline(ProgrammeStaffInline, admin.TabularInline):
    model = LessonImage
    extra = 0
    fields = ["image", "alt_text", "caption", "position"]


class QuestionInline(ProgrammeStaffInline, admin.TabularInline):
    model = Question
    extra = 0
    fields = ["position", "text"]
    show_change_link = True


@admin.register(Lesson)
class LessonAdmin(ProgrammeStaffAdmin):
    list_display = ["title", "module", "position", "minutes"]
    list_filter = ["module__programme", "module"]
    list_select_related = ["module"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["preview"]
    inlines = [LessonImageInline, QuestionInline]

    @admin.display(description=_("Előnézet"))
    def preview(self, obj):
        return render_lesson_markdown(obj.body) if obj.pk else ""


class ChoiceInline(ProgrammeStaffInline, admin.TabularInline):
    model = Choice
    extra = 3
    fields = ["position", "text", "is_correct"]


@admin.register(Question)
class QuestionAdmin(ProgrammeStaffAdmin):
    list_display = ["text", "lesson", "position"]
    list_filter = ["lesson__module"]
    list_select_related = ["lesson"]
    search_fields = ["text", "explanation", "lesson__title"]
    inlines = [ChoiceInline]


@admin.action(description=_("Kijelölt linkek visszavonása"))
def revoke_links(modeladmin, request, queryset):
    for link in queryset.filter(revoked_at__isnull=True):
        services.revoke_material_link(link=link, revoked_by=request.user)
    messages.success(request, _("A kijelölt linkek visszavonva."))


class MaterialLinkAddForm(forms.ModelForm):
    class Meta:
        model = MaterialLink
        fields = ["registration"]

    def clean_registration(self):
        registration = self.cleaned_data["registration"]
        if registration.course_id is None or registration.status != RegistrationStatus.CONFIRMED:
            raise ValidationError(_("Tananyag-link csak képzésre visszaigazolt résztvevőnek adható."))
        return registration

    def _post_clean(self):
        pass  # token and expiry are set by services.issue_material_link, not by the form


@admin.register(MaterialLink)
class MaterialLinkAdmin(ProgrammeStaffAdmin):
    list_display = ["registration", "created_at", "expires_at", "revoked_at", "last_used_at", "state"]
    list_filter = ["revoked_at", "registration__course__site__programme"]  # not every course (287 KiB)
    list_select_related = ["registration__participant", "registration__course"]
    search_fields = ["registration__participant__family_name", "registration__participant__given_name"]
    raw_id_fields = ["registration"]
    actions = [revoke_links]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:  # adding: only the trainee is chosen, the rest comes from services.issue_material_link
            return []
        return ["registration", "token", "created_at", "created_by", "expires_at", "revoked_at", "revoked_by",
                "last_used_at"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["registration"]
        return super().get_fields(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = MaterialLinkAddForm
        return super().get_form(request, obj, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            return  # nothing on a link is edited by hand; revoke with the action
        link = services.issue_material_link(registration=form.cleaned_data["registration"], issued_by=request.user)
        obj.registration = link.registration
        obj.pk, obj.token, obj.expires_at, obj.created_at = link.pk, link.token, link.expires_at, link.created_at

    @admin.display(description=_("Állapot"))
    def state(self, obj):
        return format_html('<span>{}</span>', _("érvényes") if obj.is_active else _("nem érvényes"))


@admin.register(LessonProgress)
class LessonProgressAdmin(ReadOnlyAdmin):
    list_display = ["registration", "lesson", "opened_at", "read_at", "quiz_attempts", "quiz_best_score", "quiz_max_score"]
    list_filter = ["lesson__module", "read_at"]
    list_select_related = ["registration__participant", "lesson"]
    search_fields = ["registration__participant__family_name", "registration__participant__given_name", "lesson__title"]


@admin.register(QuizAttempt)
class QuizAttemptAdmin(ReadOnlyAdmin):
    list_display = ["registration", "lesson", "score", "max_score", "created_at"]
    list_filter = ["lesson__module"]
    list_select_related = ["registration__participant", "lesson"]
    search_fields = ["registration__participant__family_name", "registration__participant__given_name", "lesson__title"]
    date_hierarchy = "created_at"
