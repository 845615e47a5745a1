from django.contrib import admin

from menet_portal.admin_access import ReadOnlyAdmin

from .models import GeneratedReport


@admin.register(GeneratedReport)
class GeneratedReportAdmin(ReadOnlyAdmin):
    """The archive is written and finalised through the report pages (reports/archive.py), never edited here."""

    list_display = ["title", "kind", "status", "library", "created_by", "created_at", "finalised_at", "sha256"]
    list_filter = ["kind", "status", "aggregate", "finalised_at"]
    list_select_related = ["library", "created_by"]
    search_fields = ["title", "sha256", "created_by__username"]
    date_hierarchy = "created_at"
