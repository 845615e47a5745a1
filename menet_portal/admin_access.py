"""Who may use the Django admin for programme data.

MKE staff (role "staff" with admin access) manage the programme's data without per-model
permissions being handed out one by one; everyone else needs Django's usual permissions.
User accounts stay under Django's permissions (superusers), so nobody grants themselves a role.
"""

from django.contrib import admin


class ProgrammeStaffAdmin(admin.ModelAdmin):
    """MKE staff (role "staff" with admin access) manage trainings and the learning material
    without per-model permissions being handed out one by one; others need the usual permissions."""

    @staticmethod
    def _is_programme_staff(request):
        user = request.user
        return user.is_active and user.is_staff and getattr(user, "is_programme_staff", False)

    def has_module_permission(self, request):
        return self._is_programme_staff(request) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._is_programme_staff(request) or super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return self._is_programme_staff(request) or super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return self._is_programme_staff(request) or super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._is_programme_staff(request) or super().has_delete_permission(request, obj)


class ProgrammeStaffInline:
    def has_view_permission(self, request, obj=None):
        return ProgrammeStaffAdmin._is_programme_staff(request) or super().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return ProgrammeStaffAdmin._is_programme_staff(request) or super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return ProgrammeStaffAdmin._is_programme_staff(request) or super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return ProgrammeStaffAdmin._is_programme_staff(request) or super().has_delete_permission(request, obj)


class ReadOnlyAdmin(ProgrammeStaffAdmin):
    """Rows written only by the portal's services (progress logs, imports, archive): look, don't edit."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
