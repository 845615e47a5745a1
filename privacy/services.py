"""Data-protection rules: duplicates across libraries, and (later) merge, export, anonymisation.

Recognition (participants.services.known_participants) only looks inside the caller's scope;
the unscoped search for the same person happens here, after the caller's transaction has
committed and in a worker, so the caller's answer, messages and queries are the same whether
or not someone else's library knows the person.
"""

import logging

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower

from participants.models import Participant

from .models import DuplicateCase, DuplicateMatch

logger = logging.getLogger(__name__)


def possible_duplicates(participant: Participant):
    """Every other (not anonymised) record with the same e-mail, or the same family name, given
    name, birth year and settlement (any case). Unscoped: for staff and the duplicate check only."""
    condition = Q(
        family_name__iexact=participant.family_name, given_name__iexact=participant.given_name,
        birth_year=participant.birth_year, settlement__iexact=participant.settlement,
    )
    if participant.email:
        condition |= Q(email__iexact=participant.email)
    return (Participant.objects.filter(condition, anonymised_at__isnull=True)
            .exclude(pk=participant.pk).order_by("pk"))


def record_duplicate_cases(participant_ids) -> list[DuplicateCase]:
    """Open a case for each pair (once per pair: a dismissed pair stays dismissed)."""
    created = []
    for participant in Participant.objects.filter(pk__in=list(participant_ids), anonymised_at__isnull=True):
        for other in possible_duplicates(participant):
            first, second = sorted([participant, other], key=lambda p: p.pk)
            same_email = bool(participant.email) and participant.email.lower() == (other.email or "").lower()
            match = DuplicateMatch.EMAIL if same_email else DuplicateMatch.IDENTITY
            try:
                with transaction.atomic():
                    case, new = DuplicateCase.objects.get_or_create(first=first, second=second,
                                                                   defaults={"match": match})
            except IntegrityError:  # the same pair found by two workers at once
                continue
            if new:
                created.append(case)
    return created


def queue_duplicate_check(participant_ids) -> None:
    """After commit, let a worker look for the same person outside the caller's scope.

    Called for every person created or edited, found or not, so nothing the caller sees
    depends on what other libraries hold. If the broker is down, the nightly
    ``scan_recent_for_duplicates`` finds the pair.
    """
    ids = [pk for pk in participant_ids if pk]
    if not ids:
        return

    def publish():
        from .tasks import check_for_duplicates

        try:
            check_for_duplicates.delay(ids)
        except Exception:  # kombu raises several kinds; the caller's request must not fail
            logger.exception("Could not queue the duplicate check for %s; the nightly scan will.", ids[:10])

    transaction.on_commit(publish)
