"""Evidence state per event: sheet generated, signed on the tablet (n of m present), scan uploaded,
missing; the missing-proof list (filter, export, scope, funder without names) and the reminder
to the coordinator; constant queries at 2,000 events."""

import datetime
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from events.models import EventStatus
from evidence import scans, services
from evidence.models import SignerRole
from evidence.selectors import (
    ProofState, evidence_for, evidence_page_in_state, evidence_state_counts, evidence_states, evidence_summary,
)
from menet_portal.models import MessageKind, OutboxMessage, OutboxStatus
from menet_portal.notifications import outbox
from menet_portal.scope import info_days_for, sessions_for
from menet_portal.tests.factories import (
    AttendanceFactory,
    CoordinatorFactory,
    CourseFactory,
    FunderFactory,
    InfoDayFactory,
    LibraryFactory,
    SessionFactory,
    StaffFactory,
    TrainingSiteFactory,
)
from menet_portal.tests.outbox_helpers import clock, local  # noqa: F401 (fixture)
from reports import archive
from reports.models import ReportKind
from reports.tests.document_factories import ACCENTED, register_people
from trainings.models import AttendanceStatus

pytestmark = pytest.mark.django_db

STROKE = [[[10, 10], [60, 40], [120, 20]]]


@pytest.fixture(autouse=True)
def archive_root(settings, tmp_path):
    settings.REPORTS_ARCHIVE_ROOT = tmp_path / "report-archive"


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def _held_day(library, names=ACCENTED[:3], days_ago=1, present=None):
    day = InfoDayFactory(library=library, date=timezone.localdate() - datetime.timedelta(days=days_ago),
                         status=EventStatus.CLOSED)
    regs = register_people(names=names, info_day=day)
    attendances = [AttendanceFactory(registration=r, status=AttendanceStatus.PRESENT)
                   for r in regs[: len(regs) if present is None else present]]
    return day, regs, attendances


def _state(user, event):
    kind = "session" if hasattr(event, "course_id") else "info_day"
    return {(row.kind, row.event.pk): row for row in evidence_for(user)}[(kind, event.pk)]


def test_each_state_from_nothing_to_a_signed_register_or_a_scan():
    staff = StaffFactory()
    library = LibraryFactory()
    day, regs, attendances = _held_day(library)
    row = _state(staff, day)
    assert (row.state, row.sheet_generated, row.present, row.signed, row.scan_uploaded) == (
        ProofState.MISSING, False, 3, 0, False)

    report = archive.request_report(kind=ReportKind.ATTENDANCE, parameters={"info_day": day.pk})
    row = _state(staff, day)
    assert row.sheet_generated and row.latest_sheet_id == report.pk and row.state == ProofState.MISSING

    for attendance in attendances[:2]:
        services.sign_attendance(attendance=attendance, strokes=STROKE, collected_by=staff)
    row = _state(staff, day)
    assert (row.signed, row.present, row.state) == (2, 3, ProofState.MISSING)
    assert "1 jelenlévő nem írta alá" in [str(p) for p in row.missing_parts]

    services.sign_attendance(attendance=attendances[2], strokes=STROKE, collected_by=staff)
    assert _state(staff, day).state == ProofState.MISSING  # the lead has not signed the register yet
    services.sign_register(event=day, role=SignerRole.LEAD, signer_name="Oktató Olga", strokes=STROKE,
                           collected_by=staff)
    row = _state(staff, day)
    assert row.fully_signed and row.state == ProofState.COMPLETE

    # The paper way: a held day without signatures is proven by the scan of its signed sheet.
    paper_day, _regs, _att = _held_day(library, names=ACCENTED[3:5])
    sheet = archive.request_report(kind=ReportKind.ATTENDANCE, parameters={"info_day": paper_day.pk})
    scans.upload_scan(report=sheet, uploaded=SimpleUploadedFile("ív.png", _png()), user=staff)
    row = _state(staff, paper_day)
    assert row.scan_uploaded and row.scan_sheet_id == sheet.pk and row.state == ProofState.COMPLETE

    upcoming = InfoDayFactory(library=library)
    cancelled = InfoDayFactory(library=library, date=timezone.localdate() - datetime.timedelta(days=3),
                               status=EventStatus.CANCELLED)
    assert _state(staff, upcoming).state == ProofState.NOT_DUE
    assert _state(staff, cancelled).state == ProofState.CANCELLED


def test_sessions_count_their_own_register():
    staff = StaffFactory()
    course = CourseFactory()
    now = timezone.now()
    past = SessionFactory(course=course, number=1, starts_at=now - datetime.timedelta(days=2),
                          ends_at=now - datetime.timedelta(days=2) + datetime.timedelta(hours=4))
    future = SessionFactory(course=course, number=2, starts_at=now + datetime.timedelta(days=5),
                            ends_at=now + datetime.timedelta(days=5, hours=4))
    regs = register_people(names=ACCENTED[:2], info_day=None, course=course)
    attendance = AttendanceFactory(registration=regs[0], session=past)
    AttendanceFactory(registration=regs[1], session=past, status=AttendanceStatus.ABSENT)
    services.sign_attendance(attendance=attendance, strokes=STROKE, collected_by=staff)
    services.sign_register(event=past, role=SignerRole.LEAD, signer_name="Oktató Olga", strokes=STROKE,
                           collected_by=staff)
    assert (_state(staff, past).present, _state(staff, past).signed, _state(staff, past).state) == (
        1, 1, ProofState.COMPLETE)
    assert _state(staff, future).state == ProofState.NOT_DUE


def test_info_days_and_sessions_together_keep_their_own_counts():
    """One call with both kinds (the dashboard's): each register counts only its own present rows."""
    staff = StaffFactory()
    day, _regs, attendances = _held_day(LibraryFactory(), present=2)
    services.sign_attendance(attendance=attendances[0], strokes=STROKE, collected_by=staff)
    course = CourseFactory()
    now = timezone.now()
    session = SessionFactory(course=course, number=1, starts_at=now - datetime.timedelta(days=2),
                             ends_at=now - datetime.timedelta(days=2) + datetime.timedelta(hours=4))
    for reg in register_people(names=ACCENTED[3:6], info_day=None, course=course):
        AttendanceFactory(registration=reg, session=session)
    rows = {(r.kind, r.event.pk): r for r in evidence_states(info_days=info_days_for(staff),
                                                            sessions=sessions_for(staff))}
    assert (rows[("info_day", day.pk)].present, rows[("info_day", day.pk)].signed) == (2, 1)
    assert (rows[("session", session.pk)].present, rows[("session", session.pk)].signed) == (3, 0)


def test_the_dashboards_counts_are_the_summary_of_the_full_states():
    """evidence_state_counts (the dashboards', no object per register) counts exactly what
    evidence_summary(evidence_states(...)) counts, in every state, sessions and info days."""
    staff = StaffFactory()
    library = LibraryFactory()
    signed_day, _regs, attendances = _held_day(library)
    for attendance in attendances:
        services.sign_attendance(attendance=attendance, strokes=STROKE, collected_by=staff)
    services.sign_register(event=signed_day, role=SignerRole.LEAD, signer_name="Oktató Olga", strokes=STROKE,
                           collected_by=staff)
    paper_day, _regs, _att = _held_day(library, names=ACCENTED[3:5])
    sheet = archive.request_report(kind=ReportKind.ATTENDANCE, parameters={"info_day": paper_day.pk})
    scans.upload_scan(report=sheet, uploaded=SimpleUploadedFile("ív.png", _png()), user=staff)
    _held_day(library, names=ACCENTED[5:6])  # held, no proof: missing
    InfoDayFactory(library=library)  # upcoming: not due
    InfoDayFactory(library=library, date=timezone.localdate() - datetime.timedelta(days=3),
                   status=EventStatus.CANCELLED)
    now = timezone.now()
    course = CourseFactory()
    past = SessionFactory(course=course, number=1, starts_at=now - datetime.timedelta(days=2),
                          ends_at=now - datetime.timedelta(days=2) + datetime.timedelta(hours=4))
    SessionFactory(course=course, number=2, starts_at=now + datetime.timedelta(days=5),
                   ends_at=now + datetime.timedelta(days=5, hours=4))
    reg = register_people(names=ACCENTED[:1], info_day=None, course=course)[0]
    services.sign_attendance(attendance=AttendanceFactory(registration=reg, session=past), strokes=STROKE,
                             collected_by=staff)
    services.sign_register(event=past, role=SignerRole.LEAD, signer_name="Oktató Olga", strokes=STROKE,
                           collected_by=staff)
    SessionFactory(course=CourseFactory(status=EventStatus.CANCELLED), number=1,
                   starts_at=now - datetime.timedelta(days=9), ends_at=now - datetime.timedelta(days=9, hours=-4))
    # A held session proven by a scan of its sheet, and one signed by one of its two present people
    # and the lead: complete and missing (the sessions are counted grouped, the info days one by one).
    other = CourseFactory(site__library=library)
    scanned = SessionFactory(course=other, number=1, starts_at=now - datetime.timedelta(days=4),
                             ends_at=now - datetime.timedelta(days=4) + datetime.timedelta(hours=4))
    half = SessionFactory(course=other, number=2, starts_at=now - datetime.timedelta(days=3),
                          ends_at=now - datetime.timedelta(days=3) + datetime.timedelta(hours=4))
    two = register_people(names=ACCENTED[6:8], info_day=None, course=other)
    AttendanceFactory(registration=two[0], session=scanned)
    services.sign_attendance(attendance=AttendanceFactory(registration=two[0], session=half), strokes=STROKE,
                             collected_by=staff)
    AttendanceFactory(registration=two[1], session=half)
    services.sign_register(event=half, role=SignerRole.LEAD, signer_name="Oktató Olga", strokes=STROKE,
                           collected_by=staff)
    session_sheet = archive.request_report(kind=ReportKind.ATTENDANCE, parameters={"session": scanned.pk})
    scans.upload_scan(report=session_sheet, uploaded=SimpleUploadedFile("ív2.png", _png()), user=staff)

    for user in (staff, CoordinatorFactory(library=library), FunderFactory()):
        info_days, sessions = info_days_for(user), sessions_for(user)
        full = evidence_summary(evidence_states(info_days=info_days, sessions=sessions, now=now))
        with CaptureQueriesContext(connection) as queries:
            counts = evidence_state_counts(info_days=info_days, sessions=sessions, now=now)
        assert counts == full
        assert len(queries) <= 5
        # The state filter's page (evidence_page_in_state): the same registers as the full list
        # filtered by the rule, in its order, and its count.
        everything = evidence_states(info_days=info_days, sessions=sessions, now=now)
        for state in ProofState.LABELS:
            page, summary = evidence_page_in_state(info_days=info_days, sessions=sessions, state=state,
                                                   number=1, per_page=50, now=now)
            expected = [r for r in everything if r.state == state]
            assert [(r.kind, r.event.pk, r.state, r.present, r.signed) for r in page] == [
                (r.kind, r.event.pk, r.state, r.present, r.signed) for r in expected], (user.role, state)
            assert summary == {**{other: 0 for other in ProofState.LABELS}, state: len(expected)}
    assert evidence_state_counts(info_days=info_days_for(staff), sessions=sessions_for(staff), now=now) == {
        ProofState.COMPLETE: 4, ProofState.MISSING: 2, ProofState.NOT_DUE: 2, ProofState.CANCELLED: 2,
    }


def test_coordinators_see_their_own_librarys_events_only():
    mine, other = LibraryFactory(), LibraryFactory()
    my_day, *_ = _held_day(mine)
    other_day, *_ = _held_day(other, names=ACCENTED[3:4])
    coordinator = CoordinatorFactory(library=mine)
    assert {row.event.pk for row in evidence_for(coordinator) if row.kind == "info_day"} == {my_day.pk}
    assert {row.event.pk for row in evidence_for(StaffFactory()) if row.kind == "info_day"} == {my_day.pk, other_day.pk}


def test_missing_list_page_filters_and_exports(client):
    staff = StaffFactory()
    library = LibraryFactory(name="Vörösmarty Könyvtár")
    missing_day, *_ = _held_day(library)
    InfoDayFactory(library=library)  # not held yet
    client.force_login(staff)
    url = reverse("evidence:overview")
    page = client.get(url, {"state": ProofState.MISSING})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Igazolások" in text and str(missing_day) in text and "0 / 3" in text
    assert page.context["rows"] and all(r.state == ProofState.MISSING for r in page.context["page_obj"])
    csv = client.get(url, {"state": ProofState.MISSING, "format": "csv"})
    body = b"".join(csv.streaming_content).decode("utf-8-sig")
    lines = body.strip().splitlines()
    assert lines[0].startswith("Esemény;") and len(lines) == 2 and "igazolás hiányzik" in lines[1]
    xlsx = client.get(url, {"state": ProofState.MISSING, "format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxml")
    bad = client.get(url, {"state": "nonsense"})
    assert "Hibás szűrési feltétel" in bad.content.decode()
    assert client.get(url, {"state": "nonsense", "format": "csv"}).status_code == 400


def test_the_funder_sees_states_and_counts_but_no_signatures_or_names(client):
    staff = StaffFactory()
    day, regs, attendances = _held_day(LibraryFactory())
    services.sign_attendance(attendance=attendances[0], strokes=STROKE, collected_by=staff)
    services.sign_register(event=day, role=SignerRole.LEAD, signer_name="Aláíró Alajos", strokes=STROKE,
                           collected_by=staff)
    client.force_login(FunderFactory())
    page = client.get(reverse("evidence:overview"))
    text = page.content.decode()
    assert page.status_code == 200 and "1 / 3" in text
    assert "<svg" not in text and "Aláíró Alajos" not in text
    for reg in regs:
        assert reg.participant.family_name not in text
    body = b"".join(client.get(reverse("evidence:overview"), {"format": "csv"}).streaming_content).decode("utf-8-sig")
    assert "Aláíró Alajos" not in body and all(r.participant.family_name not in body for r in regs)


def test_trainers_and_anonymous_are_refused(client):
    from menet_portal.tests.factories import TrainerFactory

    assert client.get(reverse("evidence:overview")).status_code == 302
    client.force_login(TrainerFactory())
    assert client.get(reverse("evidence:overview")).status_code == 403


def _bulk_events(n_courses, with_days=7):
    """``n_courses`` × 4 held sessions with a few attendance rows, signatures and sheets."""
    from evidence.models import AttendanceSignature
    from participants.models import Registration, RegistrationStatus
    from trainings.models import Attendance, Course, Session

    site = TrainingSiteFactory()
    staff = StaffFactory()
    start = timezone.now() - datetime.timedelta(days=60)
    courses = Course.objects.bulk_create([Course(site=site, title=f"K{i}", capacity=15) for i in range(n_courses)])
    sessions = Session.objects.bulk_create([
        Session(course=c, number=n, starts_at=start + datetime.timedelta(days=n),
                ends_at=start + datetime.timedelta(days=n, hours=4))
        for c in courses for n in range(1, 5)
    ])
    person = register_people(names=ACCENTED[:1], info_day=None, course=courses[0])[0].participant
    regs = Registration.objects.bulk_create([
        Registration(participant=person, course=c, status=RegistrationStatus.CONFIRMED, confirmed_at=timezone.now())
        for c in courses[1:]
    ])
    attendance = Attendance.objects.bulk_create([
        Attendance(registration=r, session=s, status=AttendanceStatus.PRESENT)
        for r, s in zip(regs, sessions[4::4])
    ])
    AttendanceSignature.objects.bulk_create([
        AttendanceSignature(attendance=a, strokes=STROKE, svg="<svg/>", collected_by=staff) for a in attendance[::2]
    ])
    for _ in range(with_days):
        _held_day(site.library, names=ACCENTED[:1])
    return staff


@pytest.mark.parametrize("n_courses", [5, 500])
def test_evidence_states_use_a_fixed_number_of_queries(n_courses, client):
    staff = _bulk_events(n_courses)
    with CaptureQueriesContext(connection) as queries:
        rows = evidence_states(info_days=info_days_for(staff), sessions=sessions_for(staff))
    assert len(rows) == n_courses * 4 + 7
    assert len(queries) == 5, [q["sql"][:120] for q in queries]
    client.force_login(staff)
    with CaptureQueriesContext(connection) as page_queries:
        response = client.get(reverse("evidence:overview"), {"state": ProofState.MISSING})
    assert response.status_code == 200
    # evidence_page_in_state: the info days' states (4), every session's proof inputs (1), then the
    # page's registers in full (5), besides the session, user, form and layout look-ups.
    assert len(page_queries) <= 17, [q["sql"][:120] for q in page_queries]


# --- the reminder to the coordinator ------------------------------------------------------------

def _dispatch(capture, now=None):
    with capture(execute=True):
        return outbox.dispatch_due(now=now)


def _evidence_mails():
    return [m for m in mail.outbox if m.subject.startswith("Hiányzó igazolás")]


def test_reminder_once_per_event_per_rule_until_the_proof_is_back(django_capture_on_commit_callbacks, clock):
    clock.set(local(2026, 11, 1, 12, 0))
    coordinator = CoordinatorFactory(email="koord@example.hu")
    CoordinatorFactory(library=LibraryFactory(), email="masik@example.hu")
    day = InfoDayFactory(library=coordinator.library, date=datetime.date(2026, 11, 10), status=EventStatus.CLOSED)
    regs = register_people(names=ACCENTED[:2], info_day=day)
    for reg in regs:
        AttendanceFactory(registration=reg)
    proven = InfoDayFactory(library=coordinator.library, date=datetime.date(2026, 11, 10), status=EventStatus.CLOSED)
    proven_reg = register_people(names=ACCENTED[2:3], info_day=proven)[0]
    staff = StaffFactory(email="")
    services.sign_attendance(attendance=AttendanceFactory(registration=proven_reg), strokes=STROKE, collected_by=staff)
    services.sign_register(event=proven, role=SignerRole.LEAD, signer_name="Oktató", strokes=STROKE, collected_by=staff)

    clock.set(local(2026, 11, 12, 12, 59))  # the day ended 10 Nov 13:00: the first rule is 2 days later
    _dispatch(django_capture_on_commit_callbacks)
    assert _evidence_mails() == []
    clock.set(local(2026, 11, 12, 13, 0))
    _dispatch(django_capture_on_commit_callbacks)
    _dispatch(django_capture_on_commit_callbacks)
    sent = _evidence_mails()
    assert [m.to for m in sent] == [["koord@example.hu"]]
    assert str(day) in sent[0].subject and "0 / 2" in sent[0].body
    message = OutboxMessage.objects.get(kind=MessageKind.EVIDENCE_MISSING)
    assert (message.info_day_id, message.slot, message.status) == (day.pk, "2d", OutboxStatus.SENT)

    clock.set(local(2026, 11, 17, 13, 0))  # the second rule: 7 days after
    _dispatch(django_capture_on_commit_callbacks)
    _dispatch(django_capture_on_commit_callbacks)
    assert len(_evidence_mails()) == 2
    assert sorted(OutboxMessage.objects.filter(kind=MessageKind.EVIDENCE_MISSING).values_list("slot", flat=True)) == [
        "2d", "7d"]
    clock.advance(days=10)
    _dispatch(django_capture_on_commit_callbacks)
    assert len(_evidence_mails()) == 2


def test_a_late_pass_sends_only_the_latest_rule_and_skips_a_proven_event(django_capture_on_commit_callbacks, clock):
    clock.set(local(2026, 11, 1, 12, 0))
    coordinator = CoordinatorFactory(email="koord@example.hu")
    day = InfoDayFactory(library=coordinator.library, date=datetime.date(2026, 11, 10), status=EventStatus.CLOSED)
    reg = register_people(names=ACCENTED[:1], info_day=day)[0]
    attendance = AttendanceFactory(registration=reg)
    clock.set(local(2026, 11, 18, 9, 0))  # the dispatcher was down for both rules
    with django_capture_on_commit_callbacks(execute=False):
        from menet_portal.notifications import schedule

        schedule.write_due_messages(now=clock())
    rows = dict(OutboxMessage.objects.filter(kind=MessageKind.EVIDENCE_MISSING).values_list("slot", "status"))
    assert rows == {"2d": OutboxStatus.MISSED, "7d": OutboxStatus.SCHEDULED}
    # The proof comes back before the message goes out: it is skipped, not sent.
    staff = StaffFactory(email="")
    services.sign_attendance(attendance=attendance, strokes=STROKE, collected_by=staff)
    services.sign_register(event=day, role=SignerRole.LEAD, signer_name="Oktató", strokes=STROKE, collected_by=staff)
    _dispatch(django_capture_on_commit_callbacks)
    assert _evidence_mails() == []
    assert OutboxMessage.objects.get(kind=MessageKind.EVIDENCE_MISSING, slot="7d").status == OutboxStatus.SKIPPED
