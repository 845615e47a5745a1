"""The scanned paper sheet: archive reference and QR on the sheet, upload checked by content,
kept with its SHA-256, refused once the sheet is finalised."""

import datetime
import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from evidence import scans
from evidence.models import ScannedSheet
from menet_portal.tests.factories import CoordinatorFactory, InfoDayFactory, StaffFactory
from reports import archive
from reports.models import ReportKind
from reports.tests.conftest import pdf_pages
from reports.tests.document_factories import ACCENTED, register_people

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def archive_root(settings, tmp_path):
    settings.REPORTS_ARCHIVE_ROOT = tmp_path / "report-archive"


def _sheet():
    info_day = InfoDayFactory(date=timezone.localdate() - datetime.timedelta(days=1))
    register_people(names=ACCENTED[:3], info_day=info_day)
    return archive.request_report(kind=ReportKind.ATTENDANCE, parameters={"info_day": info_day.pk})


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def test_each_sheet_prints_its_archive_reference_and_a_qr_code():
    report = _sheet()
    content = archive.read_verified(report)
    reference = scans.archive_reference(report)
    assert all(reference in page for page in pdf_pages(content))
    svg = scans.reference_qr_svg(reference)
    assert svg.startswith("<svg") and "<path" in svg


def test_a_scan_is_kept_with_its_checksum_and_type_checked_by_content():
    report = _sheet()
    staff = StaffFactory()
    png = _png()
    scan = scans.upload_scan(report=report, uploaded=SimpleUploadedFile("ív.pdf", png), user=staff)
    assert scan.content_type == "image/png" and scan.sha256 == hashlib.sha256(png).hexdigest()
    assert scans.read_scan(scan) == png
    pdf = archive.read_verified(report)
    replaced = scans.upload_scan(report=report, uploaded=SimpleUploadedFile("scan.png", pdf), user=staff)
    assert replaced.pk == scan.pk and replaced.content_type == "application/pdf"
    for bad in (b"MZ\x90\x00 not a scan", b"<svg xmlns='http://www.w3.org/2000/svg'/>", b"\x89PNG\r\n\x1a\nbroken", b""):
        with pytest.raises(ValidationError):
            scans.upload_scan(report=report, uploaded=SimpleUploadedFile("scan.png", bad), user=staff)
    assert ScannedSheet.objects.get().sha256 == hashlib.sha256(pdf).hexdigest()


def test_a_scan_is_size_limited(settings):
    settings.EVIDENCE_SCAN_MAX_BYTES = 100
    report = _sheet()
    with pytest.raises(ValidationError, match="túl nagy"):
        scans.upload_scan(report=report, uploaded=SimpleUploadedFile("a.png", _png() + b"\0" * 200), user=StaffFactory())
    assert not ScannedSheet.objects.exists()


def test_no_scan_upload_or_replacement_after_the_sheet_is_finalised():
    report = _sheet()
    staff = StaffFactory()
    scans.upload_scan(report=report, uploaded=SimpleUploadedFile("a.png", _png()), user=staff)
    archive.finalise_report(report=report, user=staff)
    with pytest.raises(ValidationError, match="véglegesítve"):
        scans.upload_scan(report=report, uploaded=SimpleUploadedFile("b.pdf", archive.read_verified(report)), user=staff)
    assert ScannedSheet.objects.get().content_type == "image/png"


def test_coordinator_uploads_the_scan_of_an_own_sheet_only(client):
    report = _sheet()
    coordinator = CoordinatorFactory(library=report.library)
    client.force_login(coordinator)
    url = reverse("evidence:upload_scan", args=[report.pk])
    response = client.post(url, {"scan": SimpleUploadedFile("ív.png", _png())})
    assert response.status_code == 302 and ScannedSheet.objects.count() == 1
    response = client.post(url, {"scan": SimpleUploadedFile("ív.png", b"GIF89a....")})
    assert response.status_code == 302 and ScannedSheet.objects.get().content_type == "image/png"
    other = _sheet()
    assert client.post(reverse("evidence:upload_scan", args=[other.pk]),
                       {"scan": SimpleUploadedFile("ív.png", _png())}).status_code == 404
    download = client.get(reverse("evidence:download_scan", args=[report.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content if download.streaming else [download.content]) == _png()
