"""The dashboard with demo data in headless Chromium: Hungarian, readable, the right numbers."""

import os

import pytest
from django.core.management import call_command

from events.models import Programme
from events.programme_seed import PROGRAMME
from menet_portal.models import User
from reports.selectors import programme_indicators

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _serious_violations(page):
    """axe-core on the page's own content (the shared navigation is the foundation's)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context="#main")
    return [(v["id"], v["impact"], len(v["nodes"])) for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")]


def _figure(page, key):
    return page.locator(f'[data-figure="{key}"] .fs-3').inner_text().split()


def test_staff_dashboard_screenshot(live_server, page, browser_login, artifacts_dir):
    call_command("seed_demo", participants=400, verbosity=0)
    ind = programme_indicators(Programme.objects.get(slug=PROGRAMME["slug"]))
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
    browser_login(User.objects.get(username="mke"), password="menet-demo-2026")
    assert page.url.endswith("/jelentesek/mke/")
    assert page.locator("html").get_attribute("lang") == "hu"
    assert page.get_by_role("heading", name="Programáttekintés").is_visible()
    assert _figure(page, "info_days_held")[:3] == [str(ind.info_days_held.value), "/", "7"]
    assert _figure(page, "info_day_attended")[:3] == [str(ind.info_day_attended.value), "/", "175–210"]
    assert _figure(page, "info_day_registered")[0] == str(ind.info_day_registered.value)
    assert _figure(page, "trainings_held")[:3] == [str(ind.trainings_held.value), "/", "10"]
    assert _figure(page, "trainees")[:3] == [str(ind.trainees.value), "/", "150"]
    assert _figure(page, "completions")[0] == str(ind.completions.value)
    assert page.locator("svg.chart-svg rect").count() > 7
    assert outside == []
    assert _serious_violations(page) == []
    path = os.path.join(artifacts_dir, "staff-dashboard.png")
    page.screenshot(path=path, full_page=True)
    assert os.path.getsize(path) > 20_000

    page.goto(f"{live_server.url}/esemenyek/attekintes/")
    assert page.locator("#event-overview tbody tr").count() == 17
    assert _serious_violations(page) == []
    page.screenshot(path=os.path.join(artifacts_dir, "event-overview.png"), full_page=True)


def test_funder_viewer_screenshot(live_server, page, browser_login, artifacts_dir):
    call_command("seed_demo", participants=400, verbosity=0)
    browser_login(User.objects.get(username="tamogato"), password="menet-demo-2026")
    assert page.get_by_role("heading", name="A program mutatói").is_visible()
    assert _serious_violations(page) == []
    page.screenshot(path=os.path.join(artifacts_dir, "funder-dashboard.png"), full_page=True)
