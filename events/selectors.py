"""Read-side queries for info days: availability is computed from registration rows."""

from django.db.models import Count, Q

from participants.models import RegistrationStatus


def with_registration_counts(queryset, prefix="registrations"):
    """Annotate info days or courses with confirmed / waitlisted counts in one aggregate query."""
    return queryset.annotate(
        confirmed_count=Count(prefix, filter=Q(**{f"{prefix}__status": RegistrationStatus.CONFIRMED})),
        waitlisted_count=Count(prefix, filter=Q(**{f"{prefix}__status": RegistrationStatus.WAITLISTED})),
    )
