"""Photos are managed on the event's photo page (photos.services); the admin only looks."""

from django.contrib import admin

from menet_portal.admin_access import ReadOnlyAdmin

from .models import EventPhoto


@admin.register(EventPhoto)
class EventPhotoAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "info_day", "course", "uploaded_by", "uploaded_at", "picked_for_report"]
    list_filter = ["picked_for_report"]
    search_fields = ["caption"]
    exclude = ["file"]
