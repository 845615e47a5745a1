from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from menet_portal.admin_access import ProgrammeStaffAdmin, ProgrammeStaffInline, ReadOnlyAdmin

from .models import Organisation, Participant, ParticipantImport, Registration


@admin.register(Organisation)
class OrganisationAdmin(ProgrammeStaffAdmin, SimpleHistoryAdmin):
    list_display = ["name", "kind", "tax_number", "settlement", "size_band"]
    list_filter = ["kind", "size_band"]
    search_fields = ["name", "tax_number", "settlement"]


class RegistrationInline(ProgrammeStaffInline, admin.TabularInline):
    model = Registration
    extra = 0
    fields = ["info_day", "course", "status", "source", "created_at"]
    raw_id_fields = ["info_day", "course"]


@admin.register(Participant)
class ParticipantAdmin(ProgrammeStaffAdmin, SimpleHistoryAdmin):
    list_display = ["full_name", "email", "birth_year", "settlement", "target_group", "registering_library"]
    list_filter = ["target_group", "county__region", "registering_library"]
    list_select_related = ["registering_library"]
    search_fields = ["family_name", "given_name", "email", "settlement", "organisation__name"]
    raw_id_fields = ["organisation"]
    inlines = [RegistrationInline]


@admin.register(Registration)
class RegistrationAdmin(ProgrammeStaffAdmin, SimpleHistoryAdmin):
    list_display = ["participant", "info_day", "course", "status", "source", "created_at"]
    list_filter = ["status", "source", "info_day", "course"]
    list_select_related = ["participant", "info_day__library", "info_day__region", "course"]
    search_fields = ["participant__family_name", "participant__given_name", "participant__email"]
    raw_id_fields = ["participant", "info_day", "course"]
    date_hierarchy = "created_at"


@admin.register(ParticipantImport)
class ParticipantImportAdmin(ReadOnlyAdmin):
    list_display = ["file_name", "created_by", "info_day", "course", "row_count", "status", "confirmed_count", "waitlisted_count", "created_at"]
    list_filter = ["status"]
    list_select_related = ["created_by", "info_day__library", "info_day__region", "course"]
    search_fields = ["file_name", "created_by__username", "message"]
    exclude = ["rows", "token"]
