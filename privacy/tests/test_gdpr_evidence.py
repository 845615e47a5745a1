"""GDPR completeness (issue 12): the per-person export holds the evidence app's and the public
site's data about the person (tablet signatures, scanned sheets they are on, certificates), and
anonymisation deletes the signatures, scrubs the certificates (rows and history) and the
rate-limit counters keyed by their e-mail."""

import datetime
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from evidence import scans
from evidence import services as evidence_services
from evidence.models import AttendanceSignature
from menet_portal.tests.factories import AttendanceFactory, InfoDayFactory, ParticipantFactory, RegistrationFactory
from privacy import services
from public_site import certificates
from public_site.models import Certificate, RateLimitHit
from public_site.ratelimit import check_and_count, hashed
from reports import archive
from reports.models import ReportKind
from reports.selectors import programme_indicators
from reports.tests.document_factories import attend_all, course_with_sessions
from trainings.tests.factories import trainee

pytestmark = pytest.mark.django_db

STROKES = json.dumps([[[10, 20], [60, 80], [120, 40]]])


@pytest.fixture(autouse=True)
def archive_root(settings, tmp_path):
    settings.REPORTS_ARCHIVE_ROOT = tmp_path / "report-archive"


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def signed_info_day(staff):
    day = InfoDayFactory(date=timezone.localdate() - datetime.timedelta(days=1))
    registration = RegistrationFactory(info_day=day, participant=ParticipantFactory(
        family_name="Őrsi", given_name="Zsófia", email="orsi.zsofia@example.hu"))
    other = RegistrationFactory(info_day=day)
    attendance = AttendanceFactory(registration=registration)
    other_attendance = AttendanceFactory(registration=other)
    evidence_services.sign_attendance(attendance=attendance, strokes=STROKES, collected_by=staff)
    evidence_services.sign_attendance(attendance=other_attendance, strokes=STROKES, collected_by=staff)
    sheet = archive.request_report(kind=ReportKind.ATTENDANCE, parameters={"info_day": day.pk})
    scans.upload_scan(report=sheet, uploaded=SimpleUploadedFile("iv.png", _png()), user=staff)
    return registration, other, sheet


@pytest.fixture
def certified():
    course, sessions = course_with_sessions(title="Ügyintézés a neten")
    registration = trainee(course, participant=ParticipantFactory(family_name="Ősz", given_name="Péter",
                                                                  email="osz.peter@example.hu", settlement="Eger"))
    attend_all(registration, sessions)
    return registration, certificates.issue_certificate(registration=registration)


def test_export_holds_the_persons_signature_and_the_scanned_sheet_they_are_on(signed_info_day):
    registration, _other, sheet = signed_info_day
    data = services.export_person(registration.participant)
    json.dumps(data)
    [signature] = data["registrations"][0]["signatures"]
    assert signature["svg"].startswith("<svg") and signature["signed_at"]
    [scan] = data["scanned_sheets"]
    assert scan["report_id"] == sheet.pk and scan["link"] == reverse("report_documents:detail", args=[sheet.pk])
    assert data["stored_tokens"] == []


def test_a_scan_of_another_event_is_not_in_the_export(signed_info_day):
    _registration, _other, _sheet = signed_info_day
    elsewhere = RegistrationFactory()
    assert services.export_person(elsewhere.participant)["scanned_sheets"] == []


def test_export_holds_the_certificate(certified):
    registration, certificate = certified
    data = services.export_person(registration.participant)
    exported = data["registrations"][0]["certificate"]
    assert exported["code"] == certificate.code and exported["holder_name"] == "Ősz Péter"


def test_pdf_export_lists_signatures_sheets_and_certificates(signed_info_day, certified):
    from pypdf import PdfReader

    for person in (signed_info_day[0].participant, certified[0].participant):
        content = services.export_person_pdf(person)
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
        assert "Beolvasott, aláírt jelenléti ívek" in text
        if person == signed_info_day[0].participant:
            assert "Aláírás a tableten" in text and f"#{signed_info_day[2].pk}" in text
        else:
            assert "Tanúsítvány" in text and certified[1].code in text


def test_anonymisation_deletes_the_persons_signatures_only(signed_info_day, staff):
    registration, other, _sheet = signed_info_day
    programme = registration.info_day.programme
    now = timezone.now()
    before = programme_indicators(programme, now=now)
    services.anonymise_participant(participant=registration.participant, reason="2026/12 kérelem", anonymised_by=staff)
    assert not AttendanceSignature.objects.filter(attendance__registration=registration).exists()
    assert AttendanceSignature.objects.filter(attendance__registration=other).exists()
    assert programme_indicators(programme, now=now) == before
    assert services.export_person(registration.participant)["registrations"][0]["signatures"] == []


def test_anonymisation_scrubs_the_certificate_and_its_history(certified, staff):
    registration, certificate = certified
    services.anonymise_participant(participant=registration.participant, reason="kérte", anonymised_by=staff)
    certificate.refresh_from_db()
    assert "Ősz" not in certificate.holder_name and certificate.holder_settlement == ""
    assert certificate.holder_birth_year is None and certificate.code  # the code still verifies
    for row in Certificate.history.filter(id=certificate.pk):
        assert "Ősz" not in row.holder_name and row.holder_settlement == "" and row.holder_birth_year is None


def test_anonymisation_drops_rate_limit_counters_keyed_by_the_email(certified, staff):
    RateLimitHit.objects.all().delete()
    registration, _certificate = certified
    check_and_count("register", [registration.participant.email, "somebody.else@example.hu"], limit=5)
    services.anonymise_participant(participant=registration.participant, reason="kérte", anonymised_by=staff)
    keys = set(RateLimitHit.objects.values_list("key", flat=True))
    assert hashed("osz.peter@example.hu") not in keys and hashed("somebody.else@example.hu") in keys
