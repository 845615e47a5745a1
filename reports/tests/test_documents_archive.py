import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, InternalError, transaction

from menet_portal.tests.factories import InfoDayFactory
from reports import archive
from reports.models import GeneratedReport, ReportKind, ReportStatus

from .document_factories import ACCENTED, register_people

pytestmark = pytest.mark.django_db

# request_report of a 2-person attendance sheet, rendered at once: 44 while it validated the check
# constraints statement by statement, 26 while it wrote progress steps nobody could see.
QUERIES_OF_A_SMALL_SHEET = 21


@pytest.fixture
def sheet(staff):
    info_day = InfoDayFactory()
    register_people(names=ACCENTED[:2], info_day=info_day)
    return archive.request_report(kind=ReportKind.ATTENDANCE, parameters={"info_day": info_day.pk}, user=staff)


def test_archive_keeps_kind_parameters_who_when_file_and_checksum(sheet, staff):
    assert sheet.kind == ReportKind.ATTENDANCE
    assert sheet.parameters == {"info_day": sheet.parameters["info_day"]}
    assert sheet.created_by == staff and sheet.created_at and sheet.finished_at
    assert sheet.status == ReportStatus.DONE and sheet.progress == 100
    content = archive.read_verified(sheet)
    assert content.startswith(b"%PDF") and sheet.size == len(content)
    assert sheet.sha256 == hashlib.sha256(content).hexdigest()
    assert sheet.library_id == sheet.library.pk


def test_tampered_file_is_detected(sheet):
    with open(sheet.file.path, "ab") as fh:
        fh.write(b"x")
    with pytest.raises(ValidationError, match="ellenőrzőösszeg"):
        archive.read_verified(sheet)


def test_a_stored_file_is_never_replaced(sheet):
    with pytest.raises(ValidationError):
        archive.store(report=sheet, content=b"%PDF-1.7 other")
    assert archive.read_verified(sheet)  # unchanged


def test_finalised_report_cannot_be_deleted_or_replaced(sheet, staff):
    archive.finalise_report(report=sheet, user=staff)
    sheet.refresh_from_db()
    assert sheet.is_finalised and sheet.finalised_by == staff
    with pytest.raises(ValidationError, match="nem törölhető"):
        archive.delete_report(report=sheet, user=staff)
    with pytest.raises(ValidationError):
        sheet.delete()
    with pytest.raises(ValidationError):
        GeneratedReport.objects.filter(pk=sheet.pk).delete()
    with pytest.raises(ValidationError):
        archive.store(report=sheet, content=b"%PDF-1.7 other")
    with pytest.raises(ValidationError, match="már véglegesítve"):
        archive.finalise_report(report=sheet, user=staff)
    assert GeneratedReport.objects.filter(pk=sheet.pk).exists()


def test_database_trigger_guards_finalised_rows(sheet, staff):
    archive.finalise_report(report=sheet, user=staff)
    with pytest.raises((IntegrityError, InternalError)), transaction.atomic():
        GeneratedReport.objects.filter(pk=sheet.pk).update(sha256="0" * 64)
    with pytest.raises((IntegrityError, InternalError)), transaction.atomic():
        # Bypass the model and queryset guards: raw SQL meets the trigger.
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM reports_generatedreport WHERE id = %s", [sheet.pk])
    sheet.refresh_from_db()
    assert sheet.is_finalised


def test_only_staff_finalise_and_delete(sheet, coordinator):
    with pytest.raises(PermissionDenied):
        archive.finalise_report(report=sheet, user=coordinator)
    with pytest.raises(PermissionDenied):
        archive.delete_report(report=sheet, user=coordinator)


def test_unfinalised_report_can_be_deleted_with_its_file(sheet, staff, django_capture_on_commit_callbacks):
    path = sheet.file.path
    with django_capture_on_commit_callbacks(execute=True):
        archive.delete_report(report=sheet, user=staff)
    assert not GeneratedReport.objects.exists()
    import os

    assert not os.path.exists(path)


def test_generating_twice_is_idempotent(sheet):
    again = archive.generate(report_id=sheet.pk)
    assert again.sha256 == sheet.sha256 and again.file.name == sheet.file.name


def test_a_failed_report_cannot_be_finalised(staff):
    report = GeneratedReport.objects.create(kind=ReportKind.PROGRESS, parameters={"programme": 1}, title="x",
                                            status=ReportStatus.FAILED)
    with pytest.raises(ValidationError, match="Csak elkészült"):
        archive.finalise_report(report=report, user=staff)


def test_a_long_sheet_goes_to_the_celery_task(settings, staff, django_capture_on_commit_callbacks):
    settings.REPORTS_TASK_THRESHOLD = 3
    info_day = InfoDayFactory()
    register_people(names=ACCENTED[:4], info_day=info_day)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = archive.request_report(kind=ReportKind.ATTENDANCE, parameters={"info_day": info_day.pk}, user=staff)
    assert report.status == ReportStatus.PENDING and len(callbacks) == 1
    callbacks[0]()
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE and report.progress == 100


def test_a_second_concurrent_run_does_not_spoil_a_done_report(monkeypatch):
    """Two deliveries of the same task: the one that stores second leaves the row done, with the first file."""
    info_day = InfoDayFactory()
    register_people(names=ACCENTED[:2], info_day=info_day)
    report = GeneratedReport.objects.create(kind=ReportKind.ATTENDANCE, parameters={"info_day": info_day.pk}, title="x")
    real = archive.html_to_pdf
    raced = []

    def racing(html, **kwargs):
        if not raced:
            raced.append(True)
            archive.generate(report_id=report.pk)  # the other delivery finishes first
        return real(html, **kwargs)

    monkeypatch.setattr(archive, "html_to_pdf", racing)
    result = archive.generate(report_id=report.pk)
    assert result.status == ReportStatus.DONE and result.error == ""
    assert archive.read_verified(result)


def test_final_document_is_the_html_generate_hands_to_weasyprint(staff, monkeypatch):
    """bench/reports.py renders ``final_document``'s HTML alone to measure our overhead over
    WeasyPrint: it must be byte for byte what ``generate`` renders (archive reference and QR included)."""
    from reports.documents import rendering

    info_day = InfoDayFactory()
    register_people(names=ACCENTED[:2], info_day=info_day)
    rendered = []
    real = rendering.html_to_pdf
    monkeypatch.setattr(archive, "html_to_pdf", lambda html, **kw: rendered.append(html) or real(html, **kw))
    report = archive.request_report(kind=ReportKind.ATTENDANCE, parameters={"info_day": info_day.pk}, user=staff)
    _spec, html = archive.final_document(report)
    assert rendered == [html]
    assert f"MENET-ARCH-{report.pk:06d}" in html and "archive-qr" in html


def test_a_report_rendered_at_once_writes_no_progress_steps_and_leaves_the_constraints_to_the_database(
    staff, django_assert_max_num_queries
):
    """The archive row's check constraints are the database's (a bad write still fails there);
    request_report and store do not run them again as three statements and a savepoint each. A report
    rendered inside the request's transaction writes no progress steps: nobody could read them."""
    info_day = InfoDayFactory()
    register_people(names=ACCENTED[:2], info_day=info_day)
    with django_assert_max_num_queries(QUERIES_OF_A_SMALL_SHEET) as captured:
        report = archive.request_report(kind=ReportKind.ATTENDANCE, parameters={"info_day": info_day.pk}, user=staff)
    assert report.status == ReportStatus.DONE
    assert not [q for q in captured.captured_queries if '"_check"' in q["sql"]]
    assert not [q for q in captured.captured_queries if 'SET "progress" =' in q["sql"]]
    with pytest.raises(IntegrityError), transaction.atomic():
        GeneratedReport.objects.filter(pk=report.pk).update(sha256="not-a-digest")
