"""Accounts of the portal's users: login throttling (django-axes) with its staff unlock page,
and password reset by e-mail through the outbox.

The lock-out itself is django-axes' (settings ``AXES_*``); this module only says which address a
request comes from and lets MKE staff lift a lock before its cool-off ends. Password change and
reset are Django's views with our Hungarian templates; the reset e-mail is one outbox row
(``MessageKind.PASSWORD_RESET``), whose link is made when the message is sent.
"""

import datetime

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.urls import reverse_lazy
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .models import Role
from .permissions import role_required


def client_ip_address(request):
    """The client's address: REMOTE_ADDR, or behind ``TRUSTED_PROXY_COUNT`` proxies the address the
    outermost trusted proxy put into X-Forwarded-For (the rest of that header can be forged)."""
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR")


def locked_attempts():
    """Username + address pairs that are locked out now (at the failure limit, within the cool-off)."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since
    ).order_by("-attempt_time")


def unlock(attempt: AccessAttempt) -> None:
    """Lift one username + address lock (every attempt record of that pair goes)."""
    reset(ip=attempt.ip_address, username=attempt.username)


@role_required(Role.STAFF)
@require_http_methods(["GET", "POST"])
def lockouts(request):
    """MKE staff: the locked accounts, each with an unlock button."""
    if request.method == "POST":
        value = request.POST.get("attempt", "")
        attempt = get_object_or_404(AccessAttempt, pk=value) if value.isdigit() else None
        if attempt is None:
            messages.error(request, _("Válasszon egy zárolt belépést."))
        else:
            unlock(attempt)
            messages.success(
                request, _("A(z) %(username)s felhasználó zárolása feloldva (%(ip)s).")
                % {"username": attempt.username, "ip": attempt.ip_address}
            )
        return redirect("lockouts")
    return render(request, "registration/lockouts.html", {
        "attempts": locked_attempts(), "limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    })


# --- password reset through the outbox -----------------------------------------------------------

RESET_SLOT_MINUTES = 5  # one reset e-mail per account per 5 minutes, however often it is asked for


def request_password_reset(*, email: str, users) -> int:
    """Write one outbox row per active account with this e-mail; the link is made at send time.

    The same account asked again within ``RESET_SLOT_MINUTES`` gets no second message (the outbox's
    unique key), so the form cannot be used to flood someone's mailbox.
    """
    from .notifications.models import MessageKind
    from .notifications.outbox import write_message

    now = timezone.now()
    slot = f"{now:%Y%m%d%H}:{now.minute // RESET_SLOT_MINUTES}"
    written = 0
    for user in users:
        message = write_message(
            kind=MessageKind.PASSWORD_RESET, recipient=user.email, subject_key=f"user:{user.pk}", slot=slot,
            user=user, expires_at=now + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT),
        )
        written += message is not None
    return written


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's reset form; the e-mail goes through the outbox instead of ``send_mail``."""

    def save(self, **kwargs):
        email = self.cleaned_data["email"]
        request_password_reset(email=email, users=list(self.get_users(email)))


class PasswordResetView(auth_views.PasswordResetView):
    form_class = OutboxPasswordResetForm


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("password_change_done")


password_views = {
    "change": PasswordChangeView.as_view(),
    "change_done": auth_views.PasswordChangeDoneView.as_view(),
    "reset": PasswordResetView.as_view(),
    "reset_done": auth_views.PasswordResetDoneView.as_view(),
    "reset_confirm": auth_views.PasswordResetConfirmView.as_view(),
    "reset_complete": auth_views.PasswordResetCompleteView.as_view(),
}
