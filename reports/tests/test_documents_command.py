import pytest
from django.core.management import CommandError, call_command

from reports.models import GeneratedReport

from .conftest import pdf_pages
from .document_factories import ACCENTED, InfoDayFactory, course_with_sessions, register_people

pytestmark = pytest.mark.django_db


def test_render_report_writes_and_archives_the_pdf(tmp_path, capsys):
    info_day = InfoDayFactory()
    register_people(names=ACCENTED[:3], info_day=info_day)
    out = tmp_path / "ív.pdf"
    call_command("render_report", "attendance", "--event", str(info_day.pk), "--out", str(out))
    text = " ".join(pdf_pages(out.read_bytes()))
    for family, given in ACCENTED[:3]:
        assert f"{family} {given}" in text
    report = GeneratedReport.objects.get()
    assert report.parameters == {"info_day": info_day.pk} and report.created_by is None
    assert report.sha256 in capsys.readouterr().out


def test_render_report_session_and_progress(tmp_path):
    course, sessions = course_with_sessions()
    register_people(names=ACCENTED[:2], course=course, info_day=None)
    call_command("render_report", "attendance", "--session", str(sessions[0].pk), "--out", str(tmp_path / "s.pdf"))
    call_command("render_report", "progress", "--out", str(tmp_path / "p.pdf"))
    assert "Szakmai beszámoló" in " ".join(pdf_pages((tmp_path / "p.pdf").read_bytes()))
    assert GeneratedReport.objects.count() == 2


def test_render_report_bad_input_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="pontosan egy"):
        call_command("render_report", "attendance", "--course", "1", "--out", str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError, match="Nincs ilyen"):
        call_command("render_report", "attendance", "--event", "999999", "--out", str(tmp_path / "x.pdf"))
    assert not (tmp_path / "x.pdf").exists()
    assert not GeneratedReport.objects.exists()
