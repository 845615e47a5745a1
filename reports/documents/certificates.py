"""Certificates (tanúsítvány) for trainees who completed a course: one PDF per trainee, or
every completed trainee of a course merged into one PDF (one page each)."""

from django.core.exceptions import ValidationError
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from menet_portal.db import hungarian_name_order

from .base import DocumentSpec, report
from .completion import course_registrations


def _course_context(course):
    span = course.sessions.aggregate(first=Min("starts_at"), last=Max("ends_at"))
    programme = course.site.programme
    return {
        "course": course,
        "library": course.site.library,
        "first_day": span["first"],
        "last_day": span["last"],
        "hours": programme.course_hours,
        "issued_on": timezone.localdate(),
        "trainers": ", ".join(str(t) for t in course.trainers.order_by("last_name", "first_name")),
    }


def certificate_number(registration):
    return f"MENET-{registration.course_id:04d}-{registration.pk:06d}"


def _with_verification(registration):
    """Issue (or find) the certificate row: its random code, QR and issue date go on the page."""
    from django.utils.safestring import mark_safe

    from public_site.certificates import issue_certificate, qr_svg, verification_url

    certificate = issue_certificate(registration=registration)
    registration.certificate_row = certificate
    registration.number = certificate.code
    registration.verify_url = verification_url(certificate)
    registration.qr_svg = mark_safe(qr_svg(certificate, scale=2))  # segno's own markup, no user text
    registration.issued_on = certificate.issued_on
    return registration


def build_one(key, registration, *, progress=None):
    course = registration.course
    programme = course.site.programme
    annotated = course_registrations(course, programme).get(pk=registration.pk)
    if not annotated.completed:
        raise ValidationError(
            _("%(name)s nem teljesítette a képzést, ezért nem kaphat tanúsítványt.")
            % {"name": registration.participant.full_name}
        )
    _with_verification(annotated)
    report(progress, 20)
    return DocumentSpec(
        template="reports/pdf/certificates.html",
        title=_("Tanúsítvány – %(name)s") % {"name": registration.participant.full_name},
        context={**_course_context(course), "registrations": [annotated]},
        programme=programme,
        library=course.site.library,
        rows=1,
    )


def build_course(key, course, *, progress=None):
    programme = course.site.programme
    registrations = list(
        course_registrations(course, programme).filter(completed=True).order_by(*hungarian_name_order("participant__"))
    )
    if not registrations:
        raise ValidationError(_("Ezen a képzésen még senki sem teljesített: nincs kiállítható tanúsítvány."))
    for r in registrations:
        _with_verification(r)
    report(progress, 20)
    return DocumentSpec(
        template="reports/pdf/certificates.html",
        title=_("Tanúsítványok – %(course)s") % {"course": course.title},
        context={**_course_context(course), "registrations": registrations},
        programme=programme,
        library=course.site.library,
        rows=len(registrations),
    )
