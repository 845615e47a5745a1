from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Attendance, Course, Session, TrainingSite


class CourseInline(admin.TabularInline):
    model = Course
    extra = 0
    fields = ["title", "capacity", "status"]
    show_change_link = True


@admin.register(TrainingSite)
class TrainingSiteAdmin(admin.ModelAdmin):
    list_display = ["library", "programme"]
    list_filter = ["programme", "library__county__region"]
    list_select_related = ["library", "programme"]
    search_fields = ["library__name", "library__settlement", "needs_assessment"]
    filter_horizontal = ["trainers"]
    inlines = [CourseInline]


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "site", "capacity", "status"]
    list_filter = ["status", "site__library__county__region"]
    list_select_related = ["site__library"]
    search_fields = ["title", "site__library__name", "site__library__settlement"]
    filter_horizontal = ["trainers"]
    inlines = [SessionInline]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["course", "number", "starts_at", "ends_at", "room"]
    list_filter = ["number", "course__site__library__county__region"]
    list_select_related = ["course"]
    search_fields = ["course__title", "topic"]
    date_hierarchy = "starts_at"


@admin.register(Attendance)
class AttendanceAdmin(SimpleHistoryAdmin):
    list_display = ["registration", "session", "status", "recorded_by", "recorded_at"]
    list_filter = ["status", "session__number"]
    list_select_related = ["registration__participant", "registration__info_day", "registration__course", "session__course", "recorded_by"]
    search_fields = ["registration__participant__family_name", "registration__participant__given_name"]
    raw_id_fields = ["registration", "session"]
