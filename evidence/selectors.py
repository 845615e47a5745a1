"""Reads for the proof: which rows of a register are signed, the register's own signatures."""

from trainings.models import Attendance, Session

from .models import AttendanceSignature, RegisterSignature
from .services import SIGNABLE, event_filter


def attendance_signatures(event) -> dict:
    """{registration id: AttendanceSignature} for one register (one query)."""
    qs = AttendanceSignature.objects.select_related("collected_by", "attendance")
    if isinstance(event, Session):
        qs = qs.filter(attendance__session=event)
    else:
        qs = qs.filter(attendance__session__isnull=True, attendance__registration__info_day=event)
    return {s.attendance.registration_id: s for s in qs}


def register_signatures(event) -> dict:
    """{role: RegisterSignature} of one register."""
    return {s.role: s for s in RegisterSignature.objects.filter(**event_filter(event)).select_related("collected_by")}


def signable_attendances(event):
    qs = Attendance.objects.filter(status__in=SIGNABLE)
    if isinstance(event, Session):
        return qs.filter(session=event)
    return qs.filter(session__isnull=True, registration__info_day=event)


def register_panel(event):
    """What the register page shows about signatures: per present participant signed or a link
    to sign, n of m, and the lead's and the coordinator's signature of the register."""
    from dataclasses import dataclass

    from django.urls import reverse

    from .models import SignerRole

    kind = "foglalkozas" if isinstance(event, Session) else "informacios-nap"

    @dataclass
    class Row:
        name: str
        signature: object
        sign_url: str

    signatures = attendance_signatures(event)
    rows = []
    present = signable_attendances(event).select_related("registration__participant")
    from menet_portal.db import hungarian_name_order

    for attendance in present.order_by(*hungarian_name_order("registration__participant__")):
        reg = attendance.registration
        rows.append(Row(
            name=reg.participant.full_name,
            signature=signatures.get(reg.pk),
            sign_url=reverse("evidence:sign_participant", args=[kind, event.pk, reg.pk]),
        ))
    own = register_signatures(event)
    register = [
        {"role": role, "label": SignerRole(role).label, "signature": own.get(role),
         "sign_url": reverse("evidence:sign_register", args=[kind, event.pk, role])}
        for role in SignerRole.values
    ]
    return {"rows": rows, "present": len(rows), "signed": sum(1 for r in rows if r.signature), "register": register}
