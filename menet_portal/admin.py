from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .admin_access import ProgrammeStaffAdmin
from .models import User
from .notifications.models import OutboxMessage


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "last_name", "first_name", "email", "role", "library", "is_active"]
    list_filter = ["role", "is_active", "library__county__region"]
    list_select_related = ["library"]
    search_fields = ["username", "last_name", "first_name", "email", "library__name"]
    autocomplete_fields = ["library"]
    fieldsets = BaseUserAdmin.fieldsets + ((_("Szerepkör"), {"fields": ["role", "library", "phone"]}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("Szerepkör"), {"fields": ["role", "library"]}),)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ProgrammeStaffAdmin):
    """Read-mostly: the outbox is written by the notification services, resent from the staff outbox page."""

    list_display = ["kind", "recipient", "status", "due_at", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["recipient", "subject_key", "last_error"]
    date_hierarchy = "due_at"
    raw_id_fields = ["registration", "info_day", "course", "session", "user"]
    readonly_fields = ["created_at", "updated_at", "queued_at", "sent_at", "attempts", "last_error"]
