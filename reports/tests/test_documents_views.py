import pytest
from django.urls import reverse

from menet_portal.tests.factories import CoordinatorFactory, InfoDayFactory
from reports import archive
from reports.models import GeneratedReport, ReportKind, ReportStatus

from .conftest import pdf_pages
from .document_factories import ACCENTED, course_with_sessions, register_people
from .factories import mixed_programme

pytestmark = pytest.mark.django_db

GENERATE = reverse("report_documents:generate")


def test_coordinator_prints_own_library_sheet_and_gets_404_for_another(login, coordinator):
    mine = InfoDayFactory(library=coordinator.library)
    theirs = InfoDayFactory()
    register_people(names=ACCENTED[:3], info_day=mine)
    register_people(names=[("Idegen", "Írisz")], info_day=theirs)
    client = login(coordinator)

    page = client.get(reverse("report_documents:home"))
    assert page.status_code == 200
    assert str(mine) in page.content.decode() and str(theirs) not in page.content.decode()

    response = client.post(GENERATE, {"kind": "attendance", "info_day": mine.pk})
    report = GeneratedReport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("report_documents:detail", args=[report.pk])
    download = client.get(reverse("report_documents:download", args=[report.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    text = " ".join(pdf_pages(download.content))
    assert "Őri Győző" in text and "Idegen" not in text

    assert client.post(GENERATE, {"kind": "attendance", "info_day": theirs.pk}).status_code == 404
    assert client.post(GENERATE, {"kind": "participant_list", "info_day": theirs.pk}).status_code == 404
    assert GeneratedReport.objects.count() == 1


def test_coordinator_session_sheet_scope(login, coordinator):
    course, sessions = course_with_sessions(site__library=coordinator.library)
    other, other_sessions = course_with_sessions()
    client = login(coordinator)
    assert client.post(GENERATE, {"kind": "attendance", "session": sessions[0].pk}).status_code == 302
    assert client.post(GENERATE, {"kind": "attendance", "session": other_sessions[0].pk}).status_code == 404


def test_coordinator_may_not_generate_staff_reports(login, coordinator):
    course, _ = course_with_sessions(site__library=coordinator.library)
    client = login(coordinator)
    assert client.post(GENERATE, {"kind": "completion", "course": course.pk}).status_code == 403
    assert client.post(GENERATE, {"kind": "progress", "programme": course.site.programme.pk}).status_code == 403
    assert not GeneratedReport.objects.exists()


def test_coordinator_does_not_see_another_librarys_reports(login, staff, coordinator):
    theirs = InfoDayFactory()
    report = archive.request_report(kind=ReportKind.ATTENDANCE, parameters={"info_day": theirs.pk}, user=staff)
    client = login(coordinator)
    assert client.get(reverse("report_documents:detail", args=[report.pk])).status_code == 404
    assert client.get(reverse("report_documents:download", args=[report.pk])).status_code == 404
    assert report.title not in client.get(reverse("report_documents:archive")).content.decode()


def test_bad_input_gets_a_message_and_changes_nothing(login, staff):
    client = login(staff)
    response = client.post(GENERATE, {"kind": "attendance"})
    assert response.status_code == 400 and "pontosan egy paraméter" in response.content.decode()
    response = client.post(GENERATE, {"kind": "nincs-ilyen", "info_day": 1})
    assert response.status_code == 400 and "Hibás kérés" in response.content.decode()
    response = client.post(GENERATE, {"kind": "attendance", "info_day": "abc"})
    assert response.status_code == 400
    assert client.post(GENERATE, {"kind": "attendance", "info_day": 99999}).status_code == 404
    assert client.get(GENERATE).status_code == 405
    assert not GeneratedReport.objects.exists()


def test_funder_downloads_only_finalised_aggregate_reports(login, staff, funder, django_capture_on_commit_callbacks):
    programme = mixed_programme(people=10)
    with django_capture_on_commit_callbacks(execute=True):
        progress = archive.request_report(kind=ReportKind.PROGRESS, parameters={"programme": programme.pk}, user=staff)
        draft = archive.request_report(kind=ReportKind.PROGRESS, parameters={"programme": programme.pk}, user=staff)
    day = programme.info_days.first()
    sheet = archive.request_report(kind=ReportKind.ATTENDANCE, parameters={"info_day": day.pk}, user=staff)
    progress.refresh_from_db()
    # A progress report is finalised as its final version, with a note per indicator behind the plan (issue 14).
    from plan.services import behind_indicators

    notes = {item.key: "Indoklás." for item in behind_indicators(programme).behind}
    progress = archive.finalise_report(report=progress, user=staff, notes=notes)
    sheet.refresh_from_db()
    archive.finalise_report(report=sheet, user=staff)  # finalised, but personal data: not for the funder

    client = login(funder)
    listing = client.get(reverse("report_documents:archive")).content.decode()
    assert progress.title in listing
    assert client.get(reverse("report_documents:download", args=[progress.pk])).status_code == 200
    for other in (draft, sheet):
        assert client.get(reverse("report_documents:download", args=[other.pk])).status_code == 404
        assert client.get(reverse("report_documents:detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("report_documents:home")).status_code == 403
    assert client.post(GENERATE, {"kind": "progress", "programme": programme.pk}).status_code == 403
    assert client.post(reverse("report_documents:finalise", args=[draft.pk])).status_code == 403


def test_staff_finalise_then_cannot_delete(login, staff):
    day = InfoDayFactory()
    client = login(staff)
    client.post(GENERATE, {"kind": "participant_list", "info_day": day.pk})
    report = GeneratedReport.objects.get()
    assert client.post(reverse("report_documents:finalise", args=[report.pk])).status_code == 302
    response = client.post(reverse("report_documents:delete", args=[report.pk]), follow=True)
    assert "nem törölhető" in response.content.decode()
    assert GeneratedReport.objects.filter(pk=report.pk, finalised_at__isnull=False).exists()


def test_large_report_page_shows_progress_until_the_task_is_done(login, staff, django_capture_on_commit_callbacks):
    programme = mixed_programme(people=10)
    client = login(staff)
    callbacks = []
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(GENERATE, {"kind": "progress", "programme": programme.pk})
    report = GeneratedReport.objects.get()
    assert len(callbacks) == 1  # the Celery task is queued after commit
    detail = client.get(response["Location"]).content.decode()
    assert 'id="report-progress"' in detail and "sorban áll" in detail
    status = client.get(reverse("report_documents:status", args=[report.pk])).json()
    assert status["status"] == ReportStatus.PENDING and status["download_url"] is None
    callbacks[0]()  # the worker runs the task (eager)
    status = client.get(reverse("report_documents:status", args=[report.pk])).json()
    assert status["status"] == ReportStatus.DONE and status["progress"] == 100
    assert client.get(status["download_url"]).status_code == 200


def test_staff_course_certificates_page(login, staff):
    course, sessions = course_with_sessions()
    register_people(names=ACCENTED[:2], course=course, info_day=None)
    page = login(staff).get(reverse("report_documents:course_certificates", args=[course.pk]))
    assert page.status_code == 200 and "Őri Győző" in page.content.decode()


def test_coordinator_home_lists_only_own_courses(login):
    coordinator = CoordinatorFactory()
    mine, _ = course_with_sessions(site__library=coordinator.library)
    theirs, _ = course_with_sessions()
    html = login(coordinator).get(reverse("report_documents:home")).content.decode()
    assert mine.title in html and theirs.title not in html
