"""manage.py verify_archive: every archived report's SHA-256 recomputed; mismatches and missing files fail."""

import io

import pytest
from django.core.management import CommandError, call_command

from reports import archive
from reports.archive import ArchiveFinding
from reports.models import GeneratedReport, ReportKind, ReportStatus

pytestmark = pytest.mark.django_db


def _archived(n, content=b"%PDF-1.7 test"):
    report = GeneratedReport.objects.create(kind=ReportKind.PROGRESS, title=f"Beszámoló {n}", aggregate=True)
    return archive.store(report=report, content=content + str(n).encode(), page_count=1)


def _run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("verify_archive", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_an_intact_archive_passes():
    reports = [_archived(n) for n in range(3)]
    GeneratedReport.objects.create(kind=ReportKind.PROGRESS, title="Még készül", status=ReportStatus.PENDING)
    out, err = _run("--verbose")
    assert "3 archivált jelentés: 3 rendben, 0 eltérő ellenőrzőösszeg, 0 hiányzó fájl" in out
    assert all(f"#{r.pk}" in out for r in reports) and err == ""


def test_a_changed_and_a_missing_file_fail_with_their_names():
    ok, changed, gone = _archived(1), _archived(2), _archived(3)
    with open(changed.file.path, "ab") as fh:
        fh.write(b"x")
    import os

    os.remove(gone.file.path)
    findings = {r.pk: f for r, f, _detail in archive.verify_archive()}
    assert findings == {ok.pk: ArchiveFinding.OK, changed.pk: ArchiveFinding.MISMATCH, gone.pk: ArchiveFinding.MISSING}
    with pytest.raises(CommandError, match="2 archivált jelentés hibás vagy hiányzik"):
        _run()
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_archive", stdout=io.StringIO(), stderr=err)
    assert f"ELTÉR: #{changed.pk}" in err.getvalue() and f"HIÁNYZIK: #{gone.pk}" in err.getvalue()
    assert changed.file.name in err.getvalue()


def test_the_command_exits_non_zero():
    report = _archived(1)
    with open(report.file.path, "wb") as fh:
        fh.write(b"tampered")
    # A CommandError from call_command becomes exit status 1 when run from the shell.
    from django.core.management import ManagementUtility

    with pytest.raises(SystemExit) as exit_:
        ManagementUtility(["manage.py", "verify_archive"]).execute()
    assert exit_.value.code == 1
