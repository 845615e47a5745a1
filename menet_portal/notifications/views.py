"""The staff outbox page, resending a failed message, and the participants' reminder opt-out."""

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from menet_portal.models import Role
from menet_portal.permissions import role_required

from . import outbox, selectors
from .filters import OutboxFilter
from .messages import OutboxError, participant_from_token
from .models import OutboxMessage, OutboxStatus


class _CountedPaginator(Paginator):
    """A paginator told its count (from the status counts) instead of running COUNT(*) again."""

    def __init__(self, object_list, per_page, *, count):
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self):
        return self._known_count


@role_required(Role.STAFF)
def outbox_list(request):
    filterset = OutboxFilter(request.GET or None, queryset=selectors.outbox_messages())
    valid = filterset.is_bound and filterset.is_valid()
    queryset = filterset.qs if valid else selectors.outbox_messages()
    counts = selectors.status_counts()
    known = selectors.known_count(filterset.form.cleaned_data if valid else {}, counts)
    paginator = Paginator(queryset, 50) if known is None else _CountedPaginator(queryset, 50, count=known)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = selectors.with_subjects(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
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
