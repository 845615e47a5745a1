from django.contrib import admin

from menet_portal.admin_access import ReadOnlyAdmin

from .models import AccessLogEntry, AnonymisationRecord, DuplicateCase


@admin.register(DuplicateCase)
class DuplicateCaseAdmin(ReadOnlyAdmin):
    """Decided on the merge screen (/adatvedelem/duplikatumok/), which calls privacy.services."""

    list_display = ["pk", "first", "second", "match", "status", "created_at", "closed_by", "closed_at"]
    list_filter = ["status", "match"]


@admin.register(AnonymisationRecord)
class AnonymisationRecordAdmin(ReadOnlyAdmin):
    list_display = ["participant", "anonymised_at", "anonymised_by", "reason"]


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "username", "action", "description", "person_count"]
    list_filter = ["action"]
    search_fields = ["username", "description", "path"]
    exclude = ["participants"]
