"""Collecting proof: participants' signatures on the register, the register's own signatures.

Rules: only a participant marked present or late on this register may sign it, once; each
register is signed once by its lead (trainer / e-advisor) and once by the coordinator.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trainings.models import Attendance, AttendanceStatus, Session

from .models import AttendanceSignature, RegisterSignature, SignerRole
from .signatures import parse_strokes, strokes_to_svg

SIGNABLE = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)


def event_filter(event) -> dict:
    """Keyword arguments selecting ``event`` (a Session or an InfoDay) on RegisterSignature."""
    return {"session": event} if isinstance(event, Session) else {"info_day": event}


def attendance_of(event, registration_pk):
    """The attendance row of ``registration_pk`` on this register (None when not recorded)."""
    qs = Attendance.objects.select_related("registration__participant")
    if isinstance(event, Session):
        qs = qs.filter(session=event, registration__course_id=event.course_id)
    else:
        qs = qs.filter(session__isnull=True, registration__info_day=event)
    return qs.filter(registration_id=registration_pk).first()


def sign_attendance(*, attendance, strokes, collected_by, now=None) -> AttendanceSignature:
    """A present (or late) participant signs their register row; once."""
    cleaned = parse_strokes(strokes)
    with transaction.atomic():
        attendance = Attendance.objects.select_for_update().get(pk=attendance.pk)
        if attendance.status not in SIGNABLE:
            raise ValidationError(_("Csak a jelenlévőnek jelölt résztvevő írhatja alá a jelenléti ívet."))
        if AttendanceSignature.objects.filter(attendance=attendance).exists():
            raise ValidationError(_("%(name)s már aláírta ezt a jelenléti ívet.")
                                  % {"name": attendance.registration.participant.full_name})
        signature = AttendanceSignature(
            attendance=attendance, strokes=cleaned, svg=strokes_to_svg(cleaned),
            signed_at=now or timezone.now(), collected_by=collected_by,
        )
        signature.full_clean()
        signature.save()
    return signature


def sign_register(*, event, role, signer_name, strokes, collected_by, now=None) -> RegisterSignature:
    """The trainer / e-advisor or the coordinator signs the register; once per role."""
    cleaned = parse_strokes(strokes)
    signer_name = (signer_name or "").strip()
    if not signer_name:
        raise ValidationError(_("Adja meg az aláíró nevét."))
    if role not in SignerRole.values:
        raise ValidationError(_("Ismeretlen aláírói szerep."))
    signature = RegisterSignature(
        **event_filter(event), role=role, signer_name=signer_name, strokes=cleaned, svg=strokes_to_svg(cleaned),
        signed_at=now or timezone.now(), collected_by=collected_by,
    )
    signature.full_clean()
    try:
        with transaction.atomic():
            signature.save()
    except IntegrityError:
        raise ValidationError(_("Ezt a jelenléti ívet ebben a szerepben már aláírták.")) from None
    return signature
