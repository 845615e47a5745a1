"""Everything the portal holds about one person, as data (JSON) and as a readable PDF.

``export_person`` is the one place that gathers it: the staff download (on the person's
request, GDPR art. 15 and 20) and the person's own page (public side) both use it.
"""

from django.conf import settings
from django.utils import timezone


def _iso(value):
    if value is None:
        return None
    if hasattr(value, "tzinfo"):
        return timezone.localtime(value).isoformat() if value.tzinfo else value.isoformat()
    return value.isoformat()


def _event(registration) -> dict:
    event = registration.event
    if registration.info_day_id:
        return {"kind": "info_day", "kind_label": "információs nap", "id": event.pk, "name": str(event),
                "date": _iso(event.date), "library": str(event.library)}
    return {"kind": "course", "kind_label": "képzés", "id": event.pk, "name": str(event),
            "library": str(event.site.library)}


def _history(participant) -> list[dict]:
    fields = ("family_name", "given_name", "email", "phone", "birth_year", "settlement", "target_group",
              "consent_given_at", "consent_text_version", "photo_consent_at", "reminders_opt_out", "anonymised_at")
    rows = []
    for row in participant.history.order_by("history_date", "history_id").select_related("history_user"):
        rows.append({
            "date": _iso(row.history_date),
            "date_label": timezone.localtime(row.history_date).strftime("%Y. %m. %d. %H:%M"),
            "change": {"+": "létrehozva", "~": "módosítva", "-": "törölve"}.get(row.history_type, row.history_type),
            "by": row.history_user.get_full_name() or row.history_user.username if row.history_user else None,
            "reason": row.history_change_reason or "",
            "values": {name: _iso(getattr(row, name)) if name.endswith("_at") else getattr(row, name)
                       for name in fields},
        })
    return rows


def _signatures(registration_ids) -> dict:
    """The person's own signatures collected on the tablet (evidence app), per registration."""
    from evidence.models import AttendanceSignature

    found = {}
    for sig in (AttendanceSignature.objects.filter(attendance__registration_id__in=registration_ids)
                .select_related("attendance__session", "collected_by").order_by("signed_at", "pk")):
        attendance = sig.attendance
        found.setdefault(attendance.registration_id, []).append({
            "session": attendance.session.number if attendance.session_id else None,
            "signed_at": _iso(sig.signed_at),
            "collected_by": (sig.collected_by.get_full_name() or sig.collected_by.username) if sig.collected_by_id else None,
            "svg": sig.svg,
        })
    return found


def _certificates(registration_ids) -> dict:
    from public_site.models import Certificate

    return {c.registration_id: {
        "code": c.code, "holder_name": c.holder_name, "holder_birth_year": c.holder_birth_year,
        "holder_settlement": c.holder_settlement, "course_title": c.course_title, "site_name": c.site_name,
        "hours": str(c.hours), "issued_on": _iso(c.issued_on), "revoked_at": _iso(c.revoked_at),
        "revoke_reason": c.revoke_reason,
    } for c in Certificate.objects.filter(registration_id__in=registration_ids)}


def _scanned_sheets(registrations) -> list[dict]:
    """Scanned signed paper sheets of the registers the person is on (their name and signature may
    be on the paper). A reference only: the scan shows other people too, staff hand it out on request."""
    from django.db.models import Q
    from django.urls import reverse

    from evidence.models import ScannedSheet
    from reports.models import ReportKind
    from trainings.models import Session

    info_days = [r.info_day_id for r in registrations if r.info_day_id]
    sessions = list(Session.objects.filter(course_id__in=[r.course_id for r in registrations if r.course_id])
                    .values_list("pk", flat=True))
    if not info_days and not sessions:
        return []
    where = Q(report__parameters__info_day__in=info_days) | Q(report__parameters__session__in=sessions)
    return [{
        "sheet": s.report.title, "report_id": s.report_id, "uploaded_at": _iso(s.uploaded_at), "sha256": s.sha256,
        "link": reverse("report_documents:detail", args=[s.report_id]),
    } for s in ScannedSheet.objects.filter(where, report__kind=ReportKind.ATTENDANCE)
        .select_related("report").order_by("uploaded_at", "pk")]


def export_person(participant) -> dict:
    """Everything held about ``participant``: person, organisation, registrations with attendance,
    learning progress, tablet signatures and certificate, the scanned sheets they are on, consent
    with the notice version, outbox messages, and the history of their record. Plain JSON types only."""
    from menet_portal.notifications.models import OutboxMessage
    from participants.models import Registration
    from trainings.models import Attendance, LessonProgress, MaterialLink, QuizAttempt

    organisation = participant.organisation
    registrations = list(Registration.objects.filter(participant=participant)
                         .select_related("info_day__library", "course__site__library").order_by("created_at", "pk"))
    ids = [r.pk for r in registrations]
    attendance, progress, quizzes, links = {}, {}, {}, {}
    for a in Attendance.objects.filter(registration_id__in=ids).select_related("session").order_by("recorded_at"):
        attendance.setdefault(a.registration_id, []).append({
            "session": a.session.number if a.session_id else None,
            "session_start": _iso(a.session.starts_at) if a.session_id else None,
            "status": a.status, "status_label": a.get_status_display(), "recorded_at": _iso(a.recorded_at)})
    for p in LessonProgress.objects.filter(registration_id__in=ids).select_related("lesson"):
        progress.setdefault(p.registration_id, []).append({
            "lesson": p.lesson.title, "opened_at": _iso(p.opened_at), "read_at": _iso(p.read_at),
            "quiz_attempts": p.quiz_attempts, "quiz_best_score": p.quiz_best_score, "quiz_max_score": p.quiz_max_score})
    for q in QuizAttempt.objects.filter(registration_id__in=ids).select_related("lesson"):
        quizzes.setdefault(q.registration_id, []).append({
            "lesson": q.lesson.title, "score": q.score, "max_score": q.max_score, "created_at": _iso(q.created_at),
            "answers": q.answers})
    for link in MaterialLink.objects.filter(registration_id__in=ids):
        links.setdefault(link.registration_id, []).append({
            "issued_at": _iso(link.created_at), "expires_at": _iso(link.expires_at),
            "revoked_at": _iso(link.revoked_at), "last_used_at": _iso(link.last_used_at)})
    signatures = _signatures(ids)
    certificates = _certificates(ids)
    scans = _scanned_sheets(registrations)
    messages = OutboxMessage.objects.filter(registration_id__in=ids)
    if participant.email:
        from django.db.models import Q

        messages = OutboxMessage.objects.filter(Q(registration_id__in=ids)
                                                | Q(recipient__lower=participant.email.strip().lower()))
    return {
        "generated_at": _iso(timezone.now()),
        "controller": "Magyar Könyvtárosok Egyesülete",
        "person": {
            "id": participant.pk, "family_name": participant.family_name, "given_name": participant.given_name,
            "email": participant.email, "phone": participant.phone, "birth_year": participant.birth_year,
            "settlement": participant.settlement, "county": str(participant.county),
            "target_group": participant.target_group, "target_group_label": participant.get_target_group_display(),
            "registering_library": str(participant.registering_library) if participant.registering_library_id else None,
            "reminders_opt_out": participant.reminders_opt_out,
            "created_at": _iso(participant.created_at), "updated_at": _iso(participant.updated_at),
            "anonymised_at": _iso(participant.anonymised_at),
        },
        "organisation": None if organisation is None else {
            "name": organisation.name, "kind": organisation.get_kind_display(), "tax_number": organisation.tax_number,
            "settlement": organisation.settlement, "size_band": organisation.get_size_band_display(),
        },
        "consent": {"given_at": _iso(participant.consent_given_at), "notice_version": participant.consent_text_version,
                    "current_notice_version": settings.CONSENT_TEXT_VERSION,
                    "photo_consent_at": _iso(participant.photo_consent_at)},
        "registrations": [{
            "event": _event(r), "status": r.status, "status_label": r.get_status_display(),
            "source": r.get_source_display(), "created_at": _iso(r.created_at), "confirmed_at": _iso(r.confirmed_at),
            "cancelled_at": _iso(r.cancelled_at), "cancel_reason": r.cancel_reason,
            "attendance": attendance.get(r.pk, []), "learning_progress": progress.get(r.pk, []),
            "quiz_attempts": quizzes.get(r.pk, []), "material_links": links.get(r.pk, []),
            "signatures": signatures.get(r.pk, []), "certificate": certificates.get(r.pk),
        } for r in registrations],
        "scanned_sheets": scans,
        # The links in e-mails (opt-in confirmation, personal page) are signed, not stored: the
        # portal keeps no token of them. Rate-limit counters keep only keyed hashes.
        "stored_tokens": [],
        "messages": [{
            "kind": m.kind, "kind_label": m.get_kind_display(), "recipient": m.recipient, "status": m.status,
            "status_label": m.get_status_display(), "due_at": _iso(m.due_at), "sent_at": _iso(m.sent_at),
        } for m in messages.order_by("due_at", "pk")],
        "history": _history(participant),
    }


def export_person_pdf(participant) -> bytes:
    """The same data as a readable Hungarian PDF (WeasyPrint, our locked-down fetcher)."""
    from events.models import Programme
    from reports.documents.rendering import html_to_pdf, render_html

    data = export_person(participant)
    programme = Programme.objects.order_by("-start_date").first()  # the header and footer of every PDF
    html = render_html("privacy/pdf/person_export.html", {
        "title": "Személyes adatok kivonata", "programme": programme, "data": data, "participant": participant,
    })
    return html_to_pdf(html).content
