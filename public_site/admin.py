from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from menet_portal.admin_access import ReadOnlyAdmin

from .models import Certificate, RateLimitHit


@admin.register(Certificate)
class CertificateAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    """Certificates are issued by the PDF renderer and revoked on their verification page (with a reason)."""

    list_display = ("code", "holder_name", "course_title", "issued_on", "revoked_at")
    list_filter = ("issued_on", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("code", "holder_name", "course_title")
    readonly_fields = [f.name for f in Certificate._meta.fields]


@admin.register(RateLimitHit)
class RateLimitHitAdmin(ReadOnlyAdmin):
    list_display = ("scope", "at")
    list_filter = ("scope",)
    search_fields = ("scope",)
