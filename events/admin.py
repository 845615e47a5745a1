from django.contrib import admin

from menet_portal.admin_access import ProgrammeStaffAdmin, ProgrammeStaffInline
from participants.admin import CapacityThroughServicesMixin

from .models import County, InfoDay, Library, Programme, Region


@admin.register(Programme)
class ProgrammeAdmin(ProgrammeStaffAdmin):
    list_display = ["name", "funder", "grant_number", "start_date", "end_date"]
    search_fields = ["name", "project_title", "grant_number"]
    list_filter = ["funder"]


class CountyInline(ProgrammeStaffInline, admin.TabularInline):
    model = County
    extra = 0


@admin.register(Region)
class RegionAdmin(ProgrammeStaffAdmin):
    list_display = ["name", "code", "position"]
    search_fields = ["name"]
    inlines = [CountyInline]


@admin.register(County)
class CountyAdmin(ProgrammeStaffAdmin):
    list_display = ["name", "region"]
    list_filter = ["region"]
    search_fields = ["name"]


@admin.register(Library)
class LibraryAdmin(ProgrammeStaffAdmin):
    list_display = ["name", "settlement", "county", "contact_name", "email"]
    list_filter = ["county__region", "county"]
    list_select_related = ["county"]
    search_fields = ["name", "settlement", "contact_name"]


@admin.register(InfoDay)
class InfoDayAdmin(CapacityThroughServicesMixin, ProgrammeStaffAdmin):
    list_display = ["__str__", "region", "library", "date", "start_time", "capacity", "minimum", "status"]
    list_filter = ["status", "region", "programme"]
    list_select_related = ["region", "library"]
    search_fields = ["title", "library__name", "library__settlement"]
    date_hierarchy = "date"
    autocomplete_fields = ["library"]
