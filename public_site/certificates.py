"""Issuing, revoking and verifying certificates (tanúsítvány).

- A certificate is issued once per completed course registration, with a random 80-bit code
  (16 characters of an unambiguous alphabet); issuing again returns the same certificate,
  so every re-print carries the same code, fields and issue date.
- Only a trainee who completed the course (``trainings.completion``, the programme's one rule)
  gets one.
- Revoking needs a reason and is kept in the certificate's history; the verification page then
  says revoked and when.
- Verification shows every field printed on the certificate, looked up by its code only.
"""

import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from menet_portal.notifications.messages import portal_url
from participants.models import Registration, RegistrationStatus
from trainings.completion import annotate_completion

from .models import Certificate

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: readable when typed from paper
CODE_LENGTH = 16


class CertificateError(Exception):
    """A certificate rule said no; the message is translated and safe to show."""


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(value: str) -> str:
    """What a person types from paper (any case, spaces, missing dashes) → the stored form."""
    raw = "".join(ch for ch in (value or "").upper() if ch.isalnum())
    if len(raw) != CODE_LENGTH:
        return raw
    return "-".join(raw[i:i + 4] for i in range(0, CODE_LENGTH, 4))


def verification_url(certificate: Certificate) -> str:
    return portal_url(reverse("public:certificate", kwargs={"code": certificate.code}))


def issue_certificate(*, registration: Registration) -> Certificate:
    """The certificate of a trainee who completed their course: created on first issue, then the same row."""
    existing = Certificate.objects.filter(registration=registration).first()
    if existing:
        return existing
    if not registration.course_id or registration.status != RegistrationStatus.CONFIRMED:
        raise CertificateError(_("Tanúsítvány csak képzés visszaigazolt résztvevőjének adható ki."))
    course = registration.course
    programme = course.site.programme
    annotated = annotate_completion(Registration.objects.filter(pk=registration.pk), programme).get()
    if not annotated.completed:
        raise CertificateError(
            _("%(name)s nem teljesítette a képzést, ezért nem kaphat tanúsítványt.")
            % {"name": registration.participant.full_name}
        )
    span = course.sessions.aggregate(first=Min("starts_at"), last=Max("ends_at"))
    library = course.site.library
    participant = registration.participant
    certificate = Certificate(
        registration=registration, holder_name=participant.full_name, holder_birth_year=participant.birth_year,
        holder_settlement=participant.settlement, course_title=course.title,
        trainers=", ".join(str(t) for t in course.trainers.order_by("last_name", "first_name"))[:300],
        site_name=f"{library.name}, {library.settlement}", hours=programme.course_hours,
        first_day=timezone.localdate(span["first"]) if span["first"] else None,
        last_day=timezone.localdate(span["last"]) if span["last"] else None,
        issuer=programme.grantee, programme_name=programme.name, project_title=programme.project_title,
        issued_on=timezone.localdate(),
    )
    for _attempt in range(3):
        certificate.code = new_code()
        try:
            with transaction.atomic():
                certificate.full_clean()
                certificate.save()
            return certificate
        except ValidationError as exc:
            if "code" not in exc.message_dict and "registration" in exc.message_dict:
                return Certificate.objects.get(registration=registration)
            if "code" not in exc.message_dict:
                raise
        except IntegrityError:
            found = Certificate.objects.filter(registration=registration).first()
            if found:  # issued at the same instant by another request
                return found
    raise CertificateError(_("Nem sikerült egyedi ellenőrző kódot készíteni; próbálja újra."))


def revoke_certificate(*, certificate: Certificate, reason: str, revoked_by=None) -> Certificate:
    """Revoke with a reason (kept in the history); a revoked certificate stays revoked."""
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError(_("Adja meg a visszavonás okát."))
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.is_revoked:
            raise CertificateError(_("Ezt a tanúsítványt már visszavonták."))
        certificate.revoked_at = timezone.now()
        certificate.revoke_reason = reason[:300]
        certificate.revoked_by = revoked_by
        certificate._change_reason = reason[:100]
        certificate.save(update_fields=["revoked_at", "revoke_reason", "revoked_by"])
        return certificate


def qr_svg(certificate: Certificate, *, scale: int = 3) -> str:
    """The verification URL as an inline SVG QR code (segno): drawn locally, no image service.
    With the standard quiet zone of 4 modules (ISO/IEC 18004), so phone cameras find it even
    beside the text of the page."""
    import segno

    return segno.make(verification_url(certificate), error="m").svg_inline(
        scale=scale, border=4, title=_("Ellenőrző QR-kód"), svgclass="qr-code", lineclass=None,
    )


def find_certificate(code: str) -> Certificate | None:
    """The certificate with exactly this code, or ``None``: never a near match, never a list."""
    code = normalise_code(code)
    if len(code) != CODE_LENGTH + 3:
        return None
    return Certificate.objects.filter(code=code).first()
