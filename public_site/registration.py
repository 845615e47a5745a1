"""Self-registration from the public event pages: the same services as the coordinator form.

- The person goes through ``participants.services.create_participant`` with ``viewer=None``:
  the public recognises nobody, so a known e-mail gets exactly the answer a new one gets; the
  match is resolved by ``privacy.services.resolve_self_registration`` once the link is confirmed.
- The place goes through ``participants.services.register_participant`` with a hold: a free
  place is held as *pending* for ``PUBLIC_HOLD_HOURS``, a full event puts them on the waiting
  list; both wait for the e-mail link (``confirm_self_registration``).
- Attempts are counted per client IP and per e-mail address (``PUBLIC_REGISTRATION_RATE`` an
  hour) before anything else happens; the honeypot is checked by the form.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from participants import services as participant_services
from participants.models import RegistrationSource, RegistrationStatus

from . import ratelimit


@dataclass(frozen=True)
class ConfirmOutcome:
    registration: object
    expired: bool  # the hold ran out before the link was opened
    refused: str = ""  # the late-joiner rule refused the place (Hungarian, safe to show)


def hold_until(now=None):
    return (now or timezone.now()) + datetime.timedelta(hours=settings.PUBLIC_HOLD_HOURS)


def count_attempt(*, ip: str, email: str) -> None:
    """Count a self-registration attempt; ``ratelimit.RateLimited`` past the limit."""
    ratelimit.check_and_count(
        "self_registration", [f"ip:{ip}", f"email:{(email or '').strip().lower()}"],
        limit=settings.PUBLIC_REGISTRATION_RATE,
    )


def self_register(*, data: dict, event, now=None):
    """Record the person as typed and hold their place (or waiting-list spot) until they confirm.

    Raises ``participants.services.EventNotOpen`` (closed, cancelled, under way) and
    ``RegistrationError``; nothing is recorded then.
    """
    with transaction.atomic():
        participant, _created = participant_services.create_participant(data=data, library=None, viewer=None)
        return participant_services.register_participant(
            participant=participant, event=event, source=RegistrationSource.SELF_SERVICE,
            hold_until=hold_until(now),
        )


def confirm(*, registration, now=None) -> ConfirmOutcome:
    """The e-mail link was opened: confirm the held place, or keep the waiting-list spot."""
    try:
        registration = participant_services.confirm_self_registration(registration=registration, now=now)
    except participant_services.HoldExpired:
        return ConfirmOutcome(registration=registration, expired=True)
    except participant_services.LateJoinRefused as exc:
        return ConfirmOutcome(registration=registration, expired=True, refused=str(exc))
    _resolve_known_person(registration.participant)
    return ConfirmOutcome(registration=registration, expired=False)


def rejoin_after_expiry(*, registration):
    """Confirming after the hold ran out: the person joins again (a free place or the waiting list).

    The e-mail address is proven by the link, so no new hold: it counts like a confirmed one.
    """
    registration.refresh_from_db()
    if registration.status != RegistrationStatus.CANCELLED:
        return registration
    return participant_services.register_participant(
        participant=registration.participant, event=registration.event, source=RegistrationSource.SELF_SERVICE,
    )


def _resolve_known_person(participant) -> None:
    try:
        from privacy.services import resolve_self_registration
    except ImportError:  # the privacy app is not installed in this deployment
        return
    resolve_self_registration(participant)
