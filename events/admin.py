from django.contrib import admin
from django.utils.translation import gettext_lazy as _

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

    def get_readonly_fields(self, request, obj=None):
        # Cancelling needs a reason and tells everyone: it happens on the portal's event page.
        return ["status"] if obj is not None else []

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None:
            fieldsets = [(None, {**fieldsets[0][1], "description": _(
                "Az állapotot (megnyitás, lezárás, lemondás) a portál eseménykezelő oldalán lehet módosítani. "
                "A férőhely a visszaigazoltak száma alá nem csökkenthető; az időpont vagy a helyszín "
                "módosításáról a jelentkezők e-mailt kapnak."
            )})]
        return fieldsets

    def save_model(self, request, obj, form, change):
        """Through events.services.save_info_day: the same rules and notices as the portal."""
        from .services import INFO_DAY_FIELDS, save_info_day

        data = {f: form.cleaned_data[f] for f in INFO_DAY_FIELDS if f in form.cleaned_data}
        saved = save_info_day(data=data, info_day=obj if change else None, changed_by=request.user)
        obj.pk = saved.pk
