"""Read-only in the admin: the monthly plan is edited on its own page (plan.services), and
deviation notes belong to an archived report."""

from django.contrib import admin

from .models import DeviationNote, MonthlyParticipantPlan


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MonthlyParticipantPlan)
class MonthlyParticipantPlanAdmin(ReadOnlyAdmin):
    list_display = ("programme", "month", "info_day_participants", "trainees", "updated_by", "updated_at")
    list_filter = ("programme",)
    search_fields = ("programme__name",)


@admin.register(DeviationNote)
class DeviationNoteAdmin(ReadOnlyAdmin):
    list_display = ("report", "indicator", "actual", "planned", "written_by", "written_at")
    list_filter = ("indicator",)
    search_fields = ("text", "report__title")
