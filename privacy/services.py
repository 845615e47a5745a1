"""Data-protection rules: duplicates across libraries, and (later) merge, export, anonymisation.

Recognition (participants.services.known_participants) only looks inside the caller's scope;
the unscoped search for the same person happens here, after the caller's transaction has
committed and in a worker, so the caller's answer, messages and queries are the same whether
or not someone else's library knows the person.
"""

import logging

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from participants.models import Participant

from .models import DuplicateCase, DuplicateMatch, DuplicateStatus

logger = logging.getLogger(__name__)


def possible_duplicates(participant: Participant):
    """Every other (not anonymised) record with the same e-mail, or the same family name, given
    name, birth year and settlement (any case). Unscoped: for staff and the duplicate check only."""
    from participants.services import identity_condition

    condition = identity_condition(email=participant.email, family_name=participant.family_name,
                                   given_name=participant.given_name, birth_year=participant.birth_year,
                                   settlement=participant.settlement)
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


# --- Merging two records of one person (MKE staff, from a DuplicateCase) ----------------------

class PrivacyError(Exception):
    """A data-protection rule said no; the message is translated and safe to show."""


# Fields staff choose side by side. ``target_group`` carries the organisation with it (a citizen
# has none, a business or nonprofit participant has one: the pair must stay consistent), and
# ``consent`` is the consent time with its notice version: a merge keeps one of the two
# consents the person gave, it never makes a new one.
MERGE_FIELDS = ("family_name", "given_name", "email", "phone", "birth_year", "settlement", "county",
                "target_group", "registering_library", "consent", "reminders_opt_out")
_FIELD_GROUPS = {"target_group": ("target_group", "organisation"),
                 "consent": ("consent_given_at", "consent_text_version")}

_STATUS_RANK = {"confirmed": 0, "waitlisted": 1, "cancelled": 2}


def merge_field_rows(case: DuplicateCase) -> list[dict]:
    """What the merge screen shows: each field's label and both values, and whether they differ."""
    from django.utils.formats import date_format

    rows = []
    for name in MERGE_FIELDS:
        values = []
        for person in (case.first, case.second):
            if name == "target_group":
                value = person.get_target_group_display()
                if person.organisation_id:
                    value += f" – {person.organisation}"
            elif name == "consent":
                value = f"{date_format(timezone_local(person.consent_given_at), 'Y. F j. H:i')} ({person.consent_text_version})"
            elif name == "reminders_opt_out":
                value = _("igen") if person.reminders_opt_out else _("nem")
            else:
                value = getattr(person, name)
                value = "" if value is None else str(value)
            values.append(value)
        label = {"target_group": _("Célcsoport és szervezet"), "consent": _("Hozzájárulás"),
                 "reminders_opt_out": _("Nem kér emlékeztetőt")}.get(name) or Participant._meta.get_field(name).verbose_name
        rows.append({"name": name, "label": label, "first": values[0], "second": values[1],
                     "differs": values[0] != values[1]})
    return rows


def timezone_local(value):
    from django.utils import timezone

    return timezone.localtime(value) if value else value


def _move_dependents(drop, keep) -> None:
    """Move attendance, learning progress, quiz attempts, material links and outbox rows of
    ``drop`` to ``keep`` where they do not collide (``keep``'s row wins); the rest go with ``drop``."""
    from menet_portal.notifications.models import OutboxMessage
    from trainings.models import Attendance, LessonProgress, MaterialLink, QuizAttempt

    for model in (Attendance, LessonProgress, QuizAttempt, MaterialLink, OutboxMessage):
        for row in model.objects.filter(registration=drop):
            try:
                with transaction.atomic():
                    model.objects.filter(pk=row.pk).update(registration=keep)
            except IntegrityError:
                continue


def _reassign(registration, survivor) -> None:
    registration.participant = survivor
    registration._change_reason = "participant merged"
    registration.save(update_fields=["participant"])


def _merge_registrations(*, survivor, duplicate) -> None:
    """Every registration of ``duplicate`` becomes ``survivor``'s. For an event both hold, one
    registration stays: the stronger (confirmed, then waiting list, then cancelled; the earlier on
    a tie). Capacity is never exceeded: a merge only ever removes confirmed places, and a place
    it frees is offered to the waiting list under the event's lock."""
    from participants.models import Registration
    from participants.services import _event_filter, _lock_event, promote_from_waiting_list

    for registration in Registration.objects.filter(participant=duplicate).select_related("info_day", "course"):
        event = registration.event
        _lock_event(event)
        other = Registration.objects.select_for_update().filter(_event_filter(event), participant=survivor).first()
        if other is None:
            _reassign(registration, survivor)
            continue
        keep, drop = sorted([other, registration],
                            key=lambda r: (_STATUS_RANK.get(r.status, 3), r.created_at, r.pk))
        _move_dependents(drop, keep)
        freed = drop.status == "confirmed"
        drop.delete()
        if keep.participant_id != survivor.pk:
            _reassign(keep, survivor)
        if freed:
            promote_from_waiting_list(type(event).objects.get(pk=event.pk))


def merge_duplicate(*, case: DuplicateCase, keep: str, choices: dict, merged_by, note: str = "") -> Participant:
    """Merge the two records of ``case`` into one (MKE staff).

    ``keep`` ("first" or "second") names the record that survives (its id stays, so links to it
    keep working); ``choices`` maps each of ``MERGE_FIELDS`` to "first" or "second": whose value
    the survivor takes. Registrations, attendance and learning progress move to the survivor
    (one registration per event), the other record is deleted; both records' history stays
    (simple-history), the case is closed with who and when.
    """
    from django.utils import timezone

    if keep not in ("first", "second"):
        raise PrivacyError(_("Válassza ki, melyik adatlap maradjon meg."))
    with transaction.atomic():
        case = DuplicateCase.objects.select_for_update().get(pk=case.pk)
        if case.status != DuplicateStatus.OPEN or case.first_id is None or case.second_id is None:
            raise PrivacyError(_("Ez az eset már le van zárva."))
        people = {p.pk: p for p in Participant.objects.select_for_update().filter(pk__in=[case.first_id,
                                                                                           case.second_id])}
        sides = {"first": people[case.first_id], "second": people[case.second_id]}
        survivor = sides[keep]
        duplicate = sides["second" if keep == "first" else "first"]
        for name in MERGE_FIELDS:
            side = choices.get(name, keep)
            if side not in sides:
                raise PrivacyError(_("Érvénytelen választás: %(field)s.") % {"field": name})
            for field in _FIELD_GROUPS.get(name, (name,)):
                setattr(survivor, field, getattr(sides[side], field))
        survivor._change_reason = f"merge of duplicate case #{case.pk}"
        survivor._history_user = merged_by
        survivor.full_clean()
        _merge_registrations(survivor=survivor, duplicate=duplicate)
        survivor.save()
        # Other open cases of the removed record now concern the survivor.
        for other in DuplicateCase.objects.select_for_update().filter(
                Q(first=duplicate) | Q(second=duplicate), status=DuplicateStatus.OPEN).exclude(pk=case.pk):
            partner_id = other.second_id if other.first_id == duplicate.pk else other.first_id
            pair = sorted([survivor.pk, partner_id])
            if partner_id == survivor.pk or DuplicateCase.objects.filter(first_id=pair[0], second_id=pair[1]).exists():
                other.status, other.closed_at, other.closed_by = DuplicateStatus.MERGED, timezone.now(), merged_by
                other.note = _("A(z) #%(case)s összevonással megszűnt.") % {"case": case.pk}
            else:
                other.first_id, other.second_id = pair
            other.save()
        duplicate._history_user = merged_by
        duplicate._keep_history = True  # the person lives on in the survivor
        duplicate._change_reason = f"merged into participant {survivor.pk} (duplicate case #{case.pk})"
        merged_away_pk = duplicate.pk
        duplicate.delete()
        case.refresh_from_db()
        case.status = DuplicateStatus.MERGED
        case.closed_at = timezone.now()
        case.closed_by = merged_by
        case.survivor = survivor
        case.merged_away_pk = merged_away_pk
        case.note = note.strip()
        case.save()
        return survivor


def dismiss_duplicate(*, case: DuplicateCase, dismissed_by, note: str = "") -> DuplicateCase:
    """Staff decided the two records are different people: the pair is not raised again."""
    from django.utils import timezone

    with transaction.atomic():
        case = DuplicateCase.objects.select_for_update().get(pk=case.pk)
        if case.status != DuplicateStatus.OPEN:
            raise PrivacyError(_("Ez az eset már le van zárva."))
        case.status = DuplicateStatus.DISMISSED
        case.closed_at = timezone.now()
        case.closed_by = dismissed_by
        case.note = note.strip()
        case.save()
        return case


def resolve_self_registration(participant: Participant) -> Participant:
    """For the public self-registration, once the person has confirmed their e-mail link.

    The public recognises nobody when registering (``known_participants(viewer=None)``), so the
    answer is the same for a known and a new address. Having proved the address, the person is
    matched here: exactly one other record with the same e-mail and the same family and given
    name (any case) is the same person, and the new record is merged into it (the older record
    survives with its data, the consent the person just gave is kept). Anything less certain
    becomes a ``DuplicateCase`` for staff. Returns the record the person now has.
    """
    from django.db.models.functions import Lower  # noqa: F401  (iexact below)

    if not participant.email or participant.anonymised_at:
        return participant
    matches = list(Participant.objects.filter(
        email__iexact=participant.email, family_name__iexact=participant.family_name,
        given_name__iexact=participant.given_name, anonymised_at__isnull=True,
    ).exclude(pk=participant.pk).order_by("pk")[:2])
    if len(matches) != 1:
        record_duplicate_cases([participant.pk])
        return participant
    other = matches[0]
    first, second = sorted([participant, other], key=lambda p: p.pk)
    with transaction.atomic():
        case, _new = DuplicateCase.objects.get_or_create(first=first, second=second,
                                                         defaults={"match": DuplicateMatch.EMAIL})
        if case.status != DuplicateStatus.OPEN:
            return participant
        keep = "first" if first.pk == other.pk else "second"
        newer = "second" if keep == "first" else "first"
        return merge_duplicate(case=case, keep=keep, choices={"consent": newer}, merged_by=None,
                               note="a személy megerősítette az e-mail-címét (önálló jelentkezés)")


# --- Consent: only the person, or staff on the person's documented request ---------------------

def record_consent(*, participant: Participant, by_person: bool = False, staff_user=None, reason: str = "",
                   notice_version: str | None = None) -> Participant:
    """Record that the person consented (now) to the given privacy notice version.

    Only two callers may: the person themself (``by_person=True``: their signed personal page,
    the confirmation of their own registration), or MKE staff acting on the person's documented
    request (``staff_user`` with role staff and a ``reason``, kept in the history). Recognition,
    imports, edits, merges and walk-ins never call this: they leave the consent as it is.
    """
    from django.conf import settings
    from django.utils import timezone

    from menet_portal.permissions import user_has_role
    from menet_portal.models import Role

    if not by_person:
        if staff_user is None or not user_has_role(staff_user, (Role.STAFF,)):
            raise PrivacyError(_("A hozzájárulást csak az érintett vagy kérésére MKE-munkatárs módosíthatja."))
        if not reason.strip():
            raise PrivacyError(_("Adja meg, milyen kérésre módosítja a hozzájárulást (például a kérelem iktatószáma)."))
    with transaction.atomic():
        participant = Participant.objects.select_for_update().get(pk=participant.pk)
        if participant.anonymised_at:
            raise PrivacyError(_("Anonimizált személy adatai nem módosíthatók."))
        participant.consent_given_at = timezone.now()
        participant.consent_text_version = notice_version or settings.CONSENT_TEXT_VERSION
        participant._history_user = staff_user
        participant._change_reason = ("consent given by the person" if by_person
                                      else f"consent recorded by staff on request: {reason.strip()[:200]}")
        participant.save(update_fields=["consent_given_at", "consent_text_version", "updated_at"])
        return participant


# --- Anonymisation: on request (staff, with a reason) and after the retention period ----------

ANONYMOUS_FAMILY_NAME = "Anonimizált"
ANONYMOUS_SETTLEMENT = "–"
SCRUBBED = "[anonimizálva]"


def _anonymous_values(participant: Participant) -> dict:
    """What replaces the personal fields. Kept: target group, county, registering library and
    organisation (the indicators count by them), the birth decade (age bands), the consent time.
    The photo consent is cleared: nobody may use a photo of an anonymised person any more."""
    return {
        "family_name": ANONYMOUS_FAMILY_NAME, "given_name": f"#{participant.pk}", "email": "", "phone": "",
        "birth_year": max(participant.birth_year - participant.birth_year % 10, 1900),
        "settlement": ANONYMOUS_SETTLEMENT, "photo_consent_at": None,
    }


def scrub_history(participant: Participant, *, values: dict | None = None, registration_ids=None) -> None:
    """Replace the personal fields in every simple-history row of ``participant`` (and blank the
    cancel reasons in their registrations' history)."""
    from participants.models import Registration

    values = values or _anonymous_values(participant)
    Participant.history.filter(id=participant.pk).update(**values)
    if registration_ids is None:
        registration_ids = Registration.history.filter(participant_id=participant.pk).values_list("id", flat=True)
    Registration.history.filter(id__in=list(registration_ids)).exclude(cancel_reason="").update(
        cancel_reason=SCRUBBED)


def _scrub_evidence_and_public(participant, *, values, registration_ids, old_email) -> None:
    """The person's tablet signatures are deleted (the attendance they sign stays: the figures count
    attendance, not signatures); their certificates keep code, course and dates but lose name, birth
    year and settlement, in the rows and in the certificates' history; rate-limit counters keyed by
    their e-mail go. Scanned paper sheets show many people and cannot be cut: they stay as evidence
    for the funder (docs/privacy.md)."""
    from evidence.models import AttendanceSignature
    from public_site.models import Certificate, RateLimitHit
    from public_site.ratelimit import hashed

    AttendanceSignature.objects.filter(attendance__registration_id__in=registration_ids).delete()
    holder = {"holder_name": f"{values['family_name']} {values['given_name']}",
              "holder_birth_year": None, "holder_settlement": ""}
    certificate_ids = list(Certificate.objects.filter(registration_id__in=registration_ids).values_list("pk", flat=True))
    Certificate.objects.filter(pk__in=certificate_ids).update(**holder)
    Certificate.history.filter(id__in=certificate_ids).update(**holder)
    if old_email:
        RateLimitHit.objects.filter(key=hashed(old_email)).delete()


def anonymise_participant(*, participant: Participant, reason: str, anonymised_by=None) -> Participant:
    """Replace the person's personal data for good, keeping every dashboard figure as it was.

    The person's own fields are replaced (``_anonymous_values``), every simple-history row of
    them is scrubbed the same way, cancel reasons (free text) are blanked in the rows and in
    their history, the outbox rows about them lose recipient and content, material links are
    revoked, tablet signatures deleted, certificates lose the holder's name, birth year and
    settlement (``_scrub_evidence_and_public``), open duplicate cases are closed. Registrations, attendance and learning progress
    stay (the indicators count them), now pointing at nobody. ``anonymised_at`` is set and the
    person is never recognised again. Staff (with the reason of the request) or the retention job.
    """
    from django.utils import timezone

    from menet_portal.notifications.models import OutboxMessage
    from participants.models import Registration
    from trainings.models import MaterialLink

    if not reason.strip():
        raise PrivacyError(_("Adja meg az anonimizálás okát (például a kérelem iktatószáma)."))
    now = timezone.now()
    with transaction.atomic():
        participant = Participant.objects.select_for_update().get(pk=participant.pk)
        if participant.anonymised_at:
            raise PrivacyError(_("Ez a személy már anonimizálva van."))
        values = _anonymous_values(participant)
        registrations = Registration.objects.filter(participant=participant)
        registration_ids = list(registrations.values_list("pk", flat=True))
        old_email = participant.email
        # The rows first, then their history: the save below writes one more (already clean) history row.
        scrub_history(participant, values=values, registration_ids=registration_ids)
        registrations.exclude(cancel_reason="").update(cancel_reason=SCRUBBED)
        outbox = OutboxMessage.objects.filter(registration_id__in=registration_ids)
        if old_email:
            # LOWER(...) as the index outbox_recipient_lower is built (__iexact's UPPER read every message).
            outbox = OutboxMessage.objects.filter(Q(registration_id__in=registration_ids)
                                                  | Q(recipient__lower=old_email.strip().lower()))
        for message in outbox.only("pk"):
            OutboxMessage.objects.filter(pk=message.pk).update(
                recipient=f"anonimizalt-{message.pk}@anonim.invalid", context={}, last_error="")
        MaterialLink.objects.filter(registration_id__in=registration_ids, revoked_at__isnull=True).update(revoked_at=now)
        _scrub_evidence_and_public(participant, values=values, registration_ids=registration_ids, old_email=old_email)
        for name, value in values.items():
            setattr(participant, name, value)
        participant.anonymised_at = now
        participant.reminders_opt_out = True
        participant._history_user = anonymised_by
        participant._change_reason = "anonymised"  # the reason itself may name the person: kept in the log only
        participant.save()
        DuplicateCase.objects.filter(Q(first=participant) | Q(second=participant), status=DuplicateStatus.OPEN).update(
            status=DuplicateStatus.DISMISSED, closed_at=now, closed_by=anonymised_by,
            note=_("A személyt anonimizáltuk."))
        from .models import AnonymisationRecord

        AnonymisationRecord.objects.create(participant=participant, anonymised_by=anonymised_by,
                                           reason=reason.strip()[:500], anonymised_at=now)
        return participant


# --- Access log: who opened or exported whose data ---------------------------------------------

def log_access(*, user, action: str, participants=(), description: str = "", request=None):
    """Write one access-log entry: ``user`` opened or exported the data of ``participants``
    (a queryset, ids or objects). The only writer of ``AccessLogEntry``; views and exports call it."""
    from .models import AccessLogEntry

    if hasattr(participants, "values_list"):
        ids = list(participants.order_by().values_list("pk", flat=True).distinct())
    else:  # each person once, however often the caller's rows name them (two registrations of one person)
        ids = list(dict.fromkeys(getattr(p, "pk", p) for p in participants))
    # The entry and its people in one transaction: never an entry without the people it names,
    # and one commit instead of two on every page that logs (a participant's detail page: two
    # WAL flushes were 7 of its 12 ms of SQL at 100,000 people). No savepoint inside a caller's.
    with transaction.atomic(savepoint=False):
        entry = AccessLogEntry.objects.create(
            user=user if user is not None and user.is_authenticated else None,
            username=getattr(user, "username", "") or "", action=action, description=description[:300],
            path=(request.get_full_path()[:500] if request is not None else ""), person_count=len(ids),
        )
        if ids:
            entry.participants.through.objects.bulk_create(
                [entry.participants.through(accesslogentry_id=entry.pk, participant_id=pk) for pk in ids],
                batch_size=2000,
            )
    return entry


from .gdpr import export_person, export_person_pdf  # noqa: E402  (the GDPR export lives beside)


# --- Retention: anonymise people a programme's retention period after it ended ------------------

def add_months(day, months: int):
    import calendar
    import datetime

    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_for_retention(*, today=None):
    """People to anonymise now: every programme they registered for ended more than its
    ``retention_months`` ago. People recorded without any registration are due
    ``PRIVACY_UNREGISTERED_RETENTION_MONTHS`` after their record was last changed."""
    import datetime

    from django.conf import settings
    from django.utils import timezone

    from events.models import Programme
    from participants.models import Registration

    today = today or timezone.localdate()
    expired, running = [], []
    for programme in Programme.objects.all():
        (expired if add_months(programme.end_date, programme.retention_months) < today else running).append(programme.pk)

    def in_programmes(ids):
        return Registration.objects.filter(Q(info_day__programme_id__in=ids) | Q(course__site__programme_id__in=ids))

    people = Participant.objects.filter(anonymised_at__isnull=True)
    with_expired = people.filter(pk__in=in_programmes(expired).values("participant_id"))
    due = with_expired.exclude(pk__in=in_programmes(running).values("participant_id"))
    months = getattr(settings, "PRIVACY_UNREGISTERED_RETENTION_MONTHS", 24)
    cutoff = add_months(today, -months)
    unregistered = people.filter(registrations__isnull=True, updated_at__lt=timezone.make_aware(
        datetime.datetime.combine(cutoff, datetime.time.min)))
    return Participant.objects.filter(Q(pk__in=due.values("pk")) | Q(pk__in=unregistered.values("pk"))).order_by("pk")


def apply_retention(*, dry_run: bool = False, today=None) -> dict:
    """Anonymise everyone ``due_for_retention`` (one transaction per person). Returns the counts."""
    due = list(due_for_retention(today=today).values_list("pk", flat=True))
    done = 0
    if not dry_run:
        for pk in due:
            try:
                anonymise_participant(participant=Participant(pk=pk),
                                      reason="megőrzési idő lejárt (apply_retention)", anonymised_by=None)
                done += 1
            except PrivacyError:  # anonymised meanwhile
                continue
    return {"due": len(due), "anonymised": done}
