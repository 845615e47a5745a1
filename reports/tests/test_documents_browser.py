"""The report pages in headless Chromium: generate, follow progress, download, finalise."""

import os

import pytest
from axe_playwright_python.sync_playwright import Axe

from menet_portal.tests.factories import InfoDayFactory
from reports.models import GeneratedReport, ReportKind, ReportStatus

from .document_factories import ACCENTED, register_people
from menet_portal.tests.factories import get_region

from .factories import mixed_programme

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _serious_violations(page):
    # Our content: the shared account bar's logout button (base.html) fails colour contrast on its own.
    results = Axe().run(page, context="#main")
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")]


def test_staff_generates_progress_report_downloads_and_finalises(live_server, page, browser_login, staff,
                                                                 artifacts_dir, report_archive_root):
    get_region()  # re-seeds the regions a transactional test's flush removed, so they are distinct
    programme = mixed_programme(people=20)
    browser_login(staff)
    page.goto(f"{live_server.url}/jelentesek/dokumentumok/")
    page.screenshot(path=os.path.join(artifacts_dir, "reports-documents-home-staff.png"), full_page=True)
    assert _serious_violations(page) == []

    page.get_by_role("button", name="Szakmai beszámoló (PDF)").first.click()
    page.wait_for_url("**/archivum/*/", timeout=60000)
    download_link = page.get_by_role("link", name="PDF letöltése")
    download_link.wait_for(timeout=60000)  # the (eager) task may still be finishing: the page polls
    report = GeneratedReport.objects.get(kind=ReportKind.PROGRESS, parameters={"programme": programme.pk})  # the draft
    assert report.status == ReportStatus.DONE
    page.screenshot(path=os.path.join(artifacts_dir, "reports-detail-done.png"), full_page=True)
    with page.expect_download() as info:
        download_link.click()
    path = info.value.path()
    with open(path, "rb") as fh:
        assert fh.read(5) == b"%PDF-"

    # Issue 14: a deviation note for each indicator behind the plan, or the finalise is refused
    # (the page names the missing ones and keeps what was typed).
    notes = page.locator("#finalise-progress textarea")
    if notes.count():
        page.get_by_role("button", name="Véglegesítés (ezt küldtük a minisztériumnak)").click()
        page.wait_for_load_state("networkidle")
        assert page.get_by_text("nem véglegesíthető").first.is_visible()
        for i in range(notes.count()):
            notes.nth(i).fill(f"Indoklás {i + 1}: a pótlás ütemezve.")
        page.screenshot(path=os.path.join(artifacts_dir, "reports-detail-deviation-notes-1280.png"), full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=os.path.join(artifacts_dir, "reports-detail-deviation-notes-390.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Véglegesítés (ezt küldtük a minisztériumnak)").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Véglegesített jelentés: nem törölhető és nem cserélhető le.").is_visible()
    assert page.get_by_role("button", name="Törlés").count() == 0
    page.screenshot(path=os.path.join(artifacts_dir, "reports-detail-finalised.png"), full_page=True)


def test_detail_page_polls_progress_until_done(live_server, page, browser_login, staff, artifacts_dir):
    day = InfoDayFactory()
    register_people(names=ACCENTED[:3], info_day=day)
    report = GeneratedReport.objects.create(
        kind=ReportKind.ATTENDANCE, parameters={"info_day": day.pk}, title="Jelenléti ív – futó",
        status=ReportStatus.RUNNING, progress=40, created_by=staff, library=day.library,
    )
    browser_login(staff)
    page.goto(f"{live_server.url}/jelentesek/dokumentumok/archivum/{report.pk}/")
    bar = page.locator("#report-progress-bar")
    assert bar.inner_text() == "40%"
    page.screenshot(path=os.path.join(artifacts_dir, "reports-detail-running.png"), full_page=True)
    assert _serious_violations(page) == []

    # The worker finishes: the page notices on its next poll and offers the file.
    from reports import archive

    GeneratedReport.objects.filter(pk=report.pk).update(status=ReportStatus.PENDING, progress=0)
    archive.generate(report_id=report.pk)
    page.get_by_role("link", name="PDF letöltése").wait_for(timeout=10000)
    assert page.locator("#report-progress").is_hidden()


def test_coordinator_prints_an_attendance_sheet(live_server, page, browser_login, coordinator, artifacts_dir):
    day = InfoDayFactory(library=coordinator.library)
    register_people(names=ACCENTED[:4], info_day=day)
    browser_login(coordinator)
    page.get_by_role("link", name="Jelenléti ívek és jelentések (PDF)").click()
    page.wait_for_load_state("networkidle")
    page.screenshot(path=os.path.join(artifacts_dir, "reports-documents-home-coordinator.png"), full_page=True)
    page.get_by_role("button", name="Jelenléti ív").first.click()
    page.wait_for_url("**/archivum/*/", timeout=60000)
    page.get_by_role("link", name="PDF letöltése").wait_for(timeout=60000)
    assert page.get_by_role("button", name="Törlés").count() == 0  # coordinators do not delete archived reports
