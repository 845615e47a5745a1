"""The reminder to the coordinator when the proof of a held event has not come back.

Rule: ``EVIDENCE_REMINDER_DAYS`` (default 2 and 7) days after an info day or a training session
ended, while its proof is missing (evidence.selectors: no scan of the signed sheet, and not every
present participant and the lead signed on the tablet), each coordinator of the event's library
gets one outbox message per event per rule (slot ``"<days>d"``). The beat's dispatcher pass
(menet_portal.tasks.dispatch_due_messages) writes them; the outbox's unique constraint makes a
repeated or concurrent pass harmless. A rule that fell due while no pass ran is written as
``missed`` when a later rule is already due, so a late pass sends one message, not two. The
message is skipped at send time if the proof came back in the meantime.
"""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from menet_portal.notifications.models import MessageKind, OutboxMessage, OutboxStatus
from menet_portal.notifications.outbox import NotApplicable, write_messages

DEFAULT_RULE_DAYS = (2, 7)
LOOKBACK_EXTRA = datetime.timedelta(days=14)


def rule_days() -> list[int]:
    return sorted({int(d) for d in getattr(settings, "EVIDENCE_REMINDER_DAYS", DEFAULT_RULE_DAYS) if int(d) > 0})


def _subject_key(row):
    return f"{row.kind}:{row.event.pk}"


def write_due_evidence_reminders(*, now) -> int:
    from events.models import EventStatus, InfoDay
    from menet_portal.notifications.schedule import _coordinators
    from trainings.models import Session

    from .selectors import ProofState, evidence_states

    days = rule_days()
    if not days:
        return 0
    earliest = now - datetime.timedelta(days=max(days)) - LOOKBACK_EXTRA
    latest_end = now - datetime.timedelta(days=min(days))
    info_days = InfoDay.objects.exclude(status=EventStatus.CANCELLED).filter(
        date__gte=earliest.date() - datetime.timedelta(days=1), date__lte=latest_end.date() + datetime.timedelta(days=1)
    )
    sessions = Session.objects.exclude(course__status=EventStatus.CANCELLED).filter(
        ends_at__gte=earliest, ends_at__lte=latest_end
    )
    by_library: dict[int, list] = {}
    for pk, library_id, email in _coordinators().values_list("pk", "library_id", "email"):
        by_library.setdefault(library_id, []).append((pk, email))
    rows = []
    for state in evidence_states(info_days=info_days, sessions=sessions, now=now):
        if state.state != ProofState.MISSING or state.library.pk not in by_library:
            continue
        dues = [(d, state.ends_at + datetime.timedelta(days=d)) for d in days]
        passed = [(d, due) for d, due in dues if due <= now]
        if not passed:
            continue
        latest_rule = passed[-1][0]
        extra = {"info_day_id": state.event.pk} if state.kind == "info_day" else {
            "session_id": state.event.pk, "course_id": state.event.course_id}
        for d, due in passed:
            status = OutboxStatus.SCHEDULED if d == latest_rule else OutboxStatus.MISSED
            for user_id, email in by_library[state.library.pk]:
                rows.append(OutboxMessage(
                    kind=MessageKind.EVIDENCE_MISSING, recipient=email, subject_key=_subject_key(state),
                    slot=f"{d}d", user_id=user_id, due_at=due, send_after=due, status=status,
                    last_error="" if status == OutboxStatus.SCHEDULED else _(
                        "Egy későbbi emlékeztető már esedékes volt, amikor ez elkészült."),
                    context={"days": d}, **extra,
                ))
    return write_messages(rows, queue=False)


def evidence_reminder_context(message):
    """Subject, template and context of the message; NotApplicable once the proof is back."""
    from events.models import InfoDay
    from menet_portal.notifications.messages import portal_url
    from trainings.models import Session

    from .selectors import ProofState, evidence_states

    if message.session_id:
        rows = evidence_states(info_days=InfoDay.objects.none(), sessions=Session.objects.filter(pk=message.session_id))
        register = reverse("trainings:session_register", args=[message.session_id])
    else:
        rows = evidence_states(info_days=InfoDay.objects.filter(pk=message.info_day_id), sessions=Session.objects.none())
        register = reverse("trainings:info_day_register", args=[message.info_day_id])
    if not rows:
        raise NotApplicable(_("Az esemény már nem létezik."))
    state = rows[0]
    if state.state == ProofState.CANCELLED:
        raise NotApplicable(_("Az esemény elmaradt."))
    if state.state != ProofState.MISSING:
        raise NotApplicable(_("Az igazolás azóta megérkezett."))
    user = message.user
    if user is None or not user.is_active:
        raise NotApplicable(_("A koordinátor fiókja már nem aktív."))
    return _("Hiányzó igazolás: %(event)s") % {"event": state.title}, "evidence_missing", {
        "user": user, "state": state, "register_url": portal_url(register),
        "list_url": portal_url(reverse("evidence:overview") + "?state=missing"),
    }, []
