"""MKE staff edit the questionnaire here (questions, order, scale labels). Answers are not in
the admin: they are read only as aggregates (selectors) and free texts per event (staff page)."""

from django.contrib import admin

from menet_portal.admin_access import ProgrammeStaffAdmin, ProgrammeStaffInline

from .models import Question, Questionnaire


class QuestionInline(ProgrammeStaffInline, admin.StackedInline):
    """Stacked, not tabular: six columns of inputs made the page 1,300 px wide on a phone."""

    model = Question
    extra = 1
    fields = ["position", "kind", "text", "low_label", "high_label", "required"]


@admin.register(Questionnaire)
class QuestionnaireAdmin(ProgrammeStaffAdmin):
    list_display = ["title", "programme"]
    list_filter = ["programme"]
    search_fields = ["title", "questions__text"]
    fields = ["programme", "title", "introduction"]
    inlines = [QuestionInline]

    def get_readonly_fields(self, request, obj=None):
        return ["programme"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False  # answers point at it
