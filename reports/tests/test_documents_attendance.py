import datetime

import pytest

from menet_portal.tests.factories import InfoDayFactory, LibraryFactory, ProgrammeFactory
from participants.models import RegistrationStatus, TargetGroup
from reports import archive
from reports.models import GeneratedReport, ReportKind, ReportStatus

from .conftest import pdf_fonts, pdf_pages, squash
from .document_factories import ACCENTED, RegistrationFactory, course_with_sessions, register_people

pytestmark = pytest.mark.django_db


def _content(report):
    return archive.read_verified(report)


def test_info_day_attendance_sheet_lists_every_participant_in_hungarian_order(save_pdf):
    info_day = InfoDayFactory(date=datetime.date(2026, 11, 24), room="Nagyterem")
    other_day = InfoDayFactory()
    register_people(names=ACCENTED[:6], info_day=info_day)
    register_people(names=ACCENTED[6:8], target_group=TargetGroup.NONPROFIT, info_day=info_day)
    register_people(names=[("Másik", "Eseményes")], info_day=other_day)
    waiting = register_people(names=[("Várólistás", "Vilma")], info_day=info_day)[0]
    waiting.status = RegistrationStatus.WAITLISTED
    waiting.save()

    report = archive.request_report(kind=ReportKind.ATTENDANCE, parameters={"info_day": info_day.pk})

    assert report.status == ReportStatus.DONE and len(report.sha256) == 64
    save_pdf("attendance-info-day", _content(report))
    pages = pdf_pages(_content(report))
    text = "\n".join(pages)
    for family, given in ACCENTED[:8]:
        assert f"{family} {given}" in text
    assert "Másik Eseményes" not in text and "Várólistás" not in text
    assert "2026. november 24." in text
    assert info_day.programme.project_title in text
    assert len(pages) == report.page_count
    for n, page in enumerate(pages, start=1):
        assert f"{n} / {len(pages)}" in page
        assert info_day.programme.project_title in page  # running header on every page
    # Hungarian alphabetical order: Cukor < Czakó < Csizmadia (cs is a letter); ö and ő sort together.
    expected = ("Cukor Ünige", "Czakó Éva", "Csizmadia Ágnes", "Őri Győző", "Ősz Ildikó", "Özvegy Tünde",
                "Szűcs Őzike", "Űrös Ödön")
    order = [text.index(n) for n in expected]
    assert order == sorted(order)
    assert "Aláírás" in text and "Könyvtári koordinátor" in text
    # Only our @font-face (static/fonts/, embedded as "MENET Sans"): no host font, no missing glyph.
    fonts = pdf_fonts(_content(report))
    assert fonts and all("MENET-Sans" in font for font in fonts)


def test_long_attendance_sheet_breaks_pages_and_repeats_header_and_numbers(save_pdf):
    info_day = InfoDayFactory(capacity=120, minimum=1)
    names = [(f"Ősz{n:03d}", "Győző") for n in range(90)]
    register_people(names=names, info_day=info_day)

    report = archive.request_report(kind=ReportKind.ATTENDANCE, parameters={"info_day": info_day.pk})
    save_pdf("attendance-long", _content(report))

    pages = pdf_pages(_content(report))
    assert len(pages) >= 4
    assert report.page_count == len(pages)
    for n, page in enumerate(pages, start=1):
        assert f"{n} / {len(pages)}" in page
        assert "Aláírás" in page  # the table header repeats on every page
    text = "\n".join(pages)
    for family, given in names:
        assert f"{family} {given}" in text


def test_session_attendance_sheet_shows_course_participants_and_trainer(trainer, save_pdf):
    course, sessions = course_with_sessions()
    course.trainers.add(trainer)
    other_course, _ = course_with_sessions(site=course.site)
    register_people(names=ACCENTED[:5], course=course, info_day=None)
    register_people(names=[("Idegen", "Ödön")], course=other_course, info_day=None)

    report = archive.request_report(kind=ReportKind.ATTENDANCE, parameters={"session": sessions[1].pk})
    save_pdf("attendance-session", _content(report))

    text = "\n".join(pdf_pages(_content(report)))
    for family, given in ACCENTED[:5]:
        assert f"{family} {given}" in text
    assert "Idegen" not in text
    assert "2026. december 1." in text and "09:00–13:00" in text
    assert "2. foglalkozás" in text
    assert str(trainer) in text
    assert "1 / " in text


def test_user_text_is_escaped_and_reads_no_local_file(monkeypatch, save_pdf):
    from reports.documents import fetcher as fetcher_module

    seen = []
    original = fetcher_module.StaticFilesOnlyFetcher.fetch

    def spy(self, url, headers=None):
        seen.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(fetcher_module.StaticFilesOnlyFetcher, "fetch", spy)
    info_day = InfoDayFactory(room='<img src="file:///etc/passwd">')
    evil = '<img src="file:///etc/passwd">'
    register_people(names=[(evil, "<b>Béla</b>")], info_day=info_day)

    report = archive.request_report(kind=ReportKind.ATTENDANCE, parameters={"info_day": info_day.pk})
    save_pdf("attendance-escaped", _content(report))

    text = "\n".join(pdf_pages(_content(report)))
    assert squash('<img src="file:///etc/passwd"> <b>Béla</b>') in squash(text)
    assert "root:" not in text
    assert seen and all(url.startswith(fetcher_module.static_base_url()) for url in seen)
    assert not any("passwd" in url for url in seen)


def test_fetcher_serves_only_static_files(tmp_path):
    from reports.documents.fetcher import RefusedURL, StaticFilesOnlyFetcher, static_base_url, static_root

    fetcher = StaticFilesOnlyFetcher()
    font = fetcher.fetch(static_base_url() + "fonts/DejaVuSans.ttf")
    assert font.read(4) == b"\x00\x01\x00\x00"
    (tmp_path / "secret.txt").write_text("secret")
    link = static_root() / "fonts" / "zz-test-link"
    for url in [
        "file:///etc/passwd",
        static_base_url() + "../menet_portal/settings.py",
        static_base_url() + "%2e%2e/manage.py",
        "http://127.0.0.1:8000/",
        "https://example.com/x.png",
        "ftp://example.com/x",
        "data:text/plain,hello",
        "file://evil.example.com/etc/passwd",
        static_base_url() + "fonts/",
    ]:
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)
    try:
        link.symlink_to(tmp_path / "secret.txt")
        with pytest.raises(RefusedURL):
            fetcher.fetch(static_base_url() + "fonts/zz-test-link")
    finally:
        link.unlink(missing_ok=True)


def test_html_pointing_outside_static_renders_without_reading_it():
    from reports.documents.fetcher import StaticFilesOnlyFetcher
    from reports.documents.rendering import html_to_pdf

    fetcher = StaticFilesOnlyFetcher()
    html = ('<html><body><p>Árvíztűrő tükörfúrógép ŐŰ</p><img src="file:///etc/passwd">'
            '<img src="http://127.0.0.1:9/x.png"><link rel="stylesheet" href="/etc/ssl/openssl.cnf"></body></html>')
    pdf = html_to_pdf(html, fetcher=fetcher)
    assert pdf.page_count == 1
    assert len(fetcher.refused) == 3 and fetcher.served == []
    assert "Árvíztűrő tükörfúrógép ŐŰ" in pdf_pages(pdf.content)[0]


def test_attendance_needs_exactly_one_event_parameter():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        archive.request_report(kind=ReportKind.ATTENDANCE, parameters={})
    with pytest.raises(ValidationError):
        archive.request_report(kind=ReportKind.ATTENDANCE, parameters={"course": 1})
    with pytest.raises(ValidationError):
        archive.request_report(kind="nonsense", parameters={"info_day": 1})
    assert not GeneratedReport.objects.exists()
