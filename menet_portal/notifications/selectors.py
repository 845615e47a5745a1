"""Read side of the outbox: the staff list and its counts."""

from django.db.models import Count

from .models import OutboxMessage


def outbox_messages():
    return OutboxMessage.objects.select_related(
        "registration__participant", "registration__info_day__region", "registration__info_day__library",
        "registration__course", "info_day__region", "info_day__library", "course", "session__course", "user",
    ).order_by("-due_at", "-id")


def status_counts() -> dict[str, int]:
    return dict(OutboxMessage.objects.values_list("status").annotate(n=Count("id")).order_by())
