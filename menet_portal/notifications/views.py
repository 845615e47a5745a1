"""The staff outbox page, resending a failed message, and the participants' reminder opt-out."""

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from menet_portal.models import Role
from menet_portal.permissions import role_required

from . import outbox, selectors
from .filters import OutboxFilter
from .messages import OutboxError, participant_from_token
from .models import OutboxMessage, OutboxStatus


@role_required(Role.STAFF)
def outbox_list(request):
    filterset = OutboxFilter(request.GET or None, queryset=selectors.outbox_messages())
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else selectors.outbox_messages()
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    counts = selectors.status_counts()
    return render(request, "notifications/outbox_list.html", {
        "filter": filterset, "page": page, "query": query.urlencode(),
        "counts": [
            (value, label, counts.get(value, 0), OutboxMessage.BADGES[value]) for value, label in OutboxStatus.choices
        ],
    })


@role_required(Role.STAFF)
@require_POST
def resend(request, pk):
    message = get_object_or_404(OutboxMessage, pk=pk)
    try:
        outbox.resend(message=message)
    except OutboxError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Az üzenetet újra küldésre állítottuk: %(recipient)s.") % {
            "recipient": message.recipient})
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/") and not back.startswith("//") else "notifications:outbox")


def opt_out(request, token):
    """A signed link from a reminder: GET asks, POST switches reminders off (mail scanners only GET)."""
    try:
        participant = participant_from_token(token)
    except (signing.BadSignature, ObjectDoesNotExist, KeyError, TypeError):
        return render(request, "notifications/opt_out.html", {"invalid": True}, status=404)
    if request.method == "POST":
        participant = outbox.opt_out_of_reminders(participant=participant)
    return render(request, "notifications/opt_out.html", {
        "participant": participant, "done": participant.reminders_opt_out,
    })
