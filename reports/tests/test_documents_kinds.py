"""Each report kind: open the PDF, find every participant with accents, page numbers, nobody else."""

import pytest
from django.core.exceptions import ValidationError

from menet_portal.tests.factories import InfoDayFactory, TrainingSiteFactory
from participants.models import TargetGroup
from reports import archive
from reports.models import GeneratedReport, ReportKind, ReportStatus
from reports.selectors import programme_indicators

from .conftest import pdf_fonts, pdf_pages, squash
from .document_factories import ACCENTED, attend_all, course_with_sessions, register_people
from .factories import mixed_programme

pytestmark = pytest.mark.django_db


def _pages(report):
    return pdf_pages(archive.read_verified(report))


def _assert_numbered(pages, report):
    assert report.page_count == len(pages)
    for n, page in enumerate(pages, start=1):
        assert f"{n} / {len(pages)}" in page
        assert report_programme_title(report) in page


def report_programme_title(report):
    return "Digitális felzárkóztatás – könyvtárosok az e-közszolgáltatásokért"


def test_participant_list_groups_by_target_group(save_pdf):
    info_day = InfoDayFactory()
    register_people(names=ACCENTED[:3], info_day=info_day)
    register_people(names=ACCENTED[3:5], target_group=TargetGroup.NONPROFIT, info_day=info_day)
    register_people(names=ACCENTED[5:7], target_group=TargetGroup.BUSINESS, info_day=info_day)
    register_people(names=[("Máshol", "Márta")], info_day=InfoDayFactory())

    report = archive.request_report(kind=ReportKind.PARTICIPANT_LIST, parameters={"info_day": info_day.pk})
    save_pdf("participant-list", archive.read_verified(report))

    pages = _pages(report)
    text = " ".join(pages)
    _assert_numbered(pages, report)
    for family, given in ACCENTED[:7]:
        assert f"{family} {given}" in text
    assert "Máshol" not in text
    citizen, nonprofit, business = (text.index(h) for h in ("Állampolgár (3", "Nonprofit szervezet (2", "Gazdasági szervezet (2"))
    assert citizen < text.index("Őri Győző") < nonprofit < text.index("Csizmadia Ágnes") < business < text.index("Szűcs Őzike")
    # Hungarian order inside a group: Czakó before Őri before Űrös.
    assert text.index("Czakó Éva") < text.index("Őri Győző") < text.index("Űrös Ödön")


def test_participant_list_of_a_course():
    course, _ = course_with_sessions()
    register_people(names=ACCENTED[:4], course=course, info_day=None)
    report = archive.request_report(kind=ReportKind.PARTICIPANT_LIST, parameters={"course": course.pk})
    text = " ".join(_pages(report))
    for family, given in ACCENTED[:4]:
        assert f"{family} {given}" in text


def _course_with_results():
    course, sessions = course_with_sessions()
    regs = register_people(names=ACCENTED[:6], course=course, info_day=None)
    for reg in regs[:3]:
        attend_all(reg, sessions)  # completed
    attend_all(regs[3], sessions, late=2)  # late twice: not completed (default rule: at most one late)
    attend_all(regs[4], sessions[:3])  # 3 of 4: not completed
    other, other_sessions = course_with_sessions(site=course.site)
    stranger = register_people(names=[("Másik", "Kurzusos")], course=other, info_day=None)[0]
    attend_all(stranger, other_sessions)
    return course, sessions, regs


def test_course_completion_report(save_pdf):
    course, sessions, regs = _course_with_results()
    report = archive.request_report(kind=ReportKind.COMPLETION, parameters={"course": course.pk})
    save_pdf("completion-course", archive.read_verified(report))
    pages = _pages(report)
    text = " ".join(pages)
    _assert_numbered(pages, report)
    for family, given in ACCENTED[:6]:
        assert f"{family} {given}" in text
    assert "Másik Kurzusos" not in text
    assert "3 / 6 fő (50%)" in text
    assert "2026. november 24." in text


def test_certificates_merged_one_page_per_completed_trainee(save_pdf, trainer, django_capture_on_commit_callbacks):
    course, sessions, regs = _course_with_results()
    course.trainers.add(trainer)
    with django_capture_on_commit_callbacks(execute=True):  # a large report: rendered by the Celery task
        report = archive.request_report(kind=ReportKind.CERTIFICATES, parameters={"course": course.pk})
    report.refresh_from_db()
    save_pdf("certificates-course", archive.read_verified(report))
    pages = _pages(report)
    assert len(pages) == 3
    assert report.page_count == 3
    for page in pages:  # a certificate is a page of its own: no "n / N", the support block instead
        assert " / 3" not in page and report_programme_title(report) in page
    completed = sorted(f"{f} {g}" for f, g in ACCENTED[:3])
    for page in pages:
        assert "TANÚSÍTVÁNY" in page and course.title in page
        assert sum(name in page for name in completed) == 1
    text = " ".join(pages)
    for family, given in ACCENTED[3:6]:
        assert f"{family} {given}" not in text
    assert "Másik" not in text


def test_single_certificate_and_refusal_for_an_incomplete_trainee(save_pdf):
    course, sessions, regs = _course_with_results()
    report = archive.request_report(kind=ReportKind.CERTIFICATE, parameters={"registration": regs[0].pk})
    save_pdf("certificate-one", archive.read_verified(report))
    pages = _pages(report)
    assert len(pages) == 1 and "1 / 1" not in pages[0]
    assert regs[0].participant.full_name in pages[0]
    assert "16 órás" in pages[0]

    before = GeneratedReport.objects.count()
    with pytest.raises(ValidationError, match="nem teljesítette"):
        archive.request_report(kind=ReportKind.CERTIFICATE, parameters={"registration": regs[3].pk})
    assert GeneratedReport.objects.count() == before


def test_certificates_of_a_course_without_completions_fail_with_a_message():
    course, _ = course_with_sessions()
    register_people(names=ACCENTED[:2], course=course, info_day=None)
    report = archive.request_report(kind=ReportKind.CERTIFICATES, parameters={"course": course.pk}, run_now=False)
    report.refresh_from_db()
    # In the test settings Celery is eager but the task waits for the commit that a test never makes.
    from reports.tasks import generate_report_task

    generate_report_task(report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and "senki sem teljesített" in report.error
    assert not report.file


def test_programme_completion_report_is_aggregate(save_pdf):
    course, sessions, regs = _course_with_results()
    programme = course.site.programme
    report = archive.request_report(kind=ReportKind.PROGRAMME_COMPLETION, parameters={"programme": programme.pk})
    save_pdf("completion-programme", archive.read_verified(report))
    assert report.aggregate
    pages = _pages(report)
    text = " ".join(pages)
    _assert_numbered(pages, report)
    assert squash(course.title) in squash(text)
    for family, given in ACCENTED[:6]:
        assert family not in text  # no personal data
    indicators = programme_indicators(programme)
    assert f"{indicators.trainees.value} képzett · {indicators.completions.value} teljesítette" in text


def test_progress_report_shows_the_dashboard_figures(save_pdf, django_capture_on_commit_callbacks):
    programme = mixed_programme(people=60)
    with django_capture_on_commit_callbacks(execute=True):
        report = archive.request_report(kind=ReportKind.PROGRESS, parameters={"programme": programme.pk})
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE and report.aggregate and report.progress == 100
    content = archive.read_verified(report)
    save_pdf("progress", content)
    pages = pdf_pages(content)
    _assert_numbered(pages, report)
    text = " ".join(pages)
    ind = programme_indicators(programme)
    assert f"Megtartott információs napok {ind.info_days_held.value} {programme.info_day_target}" in text
    assert f"Képzésre jelentkezők (képzettek) {ind.trainees.value} {programme.trainee_target}" in text
    assert f"Teljesítések {ind.completions.value}" in text
    for row in ind.by_region:
        assert row.label in text
    for row in ind.by_training_site:
        assert row.label in text
    assert "Régiónként" in text and "Célcsoportonként" in text and "Képzési helyszínenként" in text
    fonts = pdf_fonts(content)
    assert fonts and all("MENET-Sans" in f for f in fonts)


def test_progress_report_of_an_empty_programme_renders():
    site = TrainingSiteFactory()
    report = archive.request_report(kind=ReportKind.PROGRESS, parameters={"programme": site.programme.pk}, run_now=True)
    assert report.status == ReportStatus.DONE
    assert "Szakmai beszámoló" in " ".join(_pages(report))
