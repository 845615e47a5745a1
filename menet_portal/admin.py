from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "last_name", "first_name", "email", "role", "library", "is_active"]
    list_filter = ["role", "is_active", "library__county__region"]
    list_select_related = ["library"]
    search_fields = ["username", "last_name", "first_name", "email", "library__name"]
    autocomplete_fields = ["library"]
    fieldsets = BaseUserAdmin.fieldsets + ((_("Szerepkör"), {"fields": ["role", "library", "phone"]}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("Szerepkör"), {"fields": ["role", "library"]}),)
