import os

import pytest
from django.core.management import call_command

from menet_portal.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_home_in_hungarian_screenshot(live_server, page, browser_login, artifacts_dir):
    call_command("seed_demo", participants=300, verbosity=0)
    coordinator = User.objects.get(username="koord-szombathely")
    browser_login(coordinator, password="menet-demo-2026")
    assert page.url.endswith("/resztvevok/koordinator/")
    assert page.locator("html").get_attribute("lang") == "hu"
    assert page.get_by_role("heading", name="Berzsenyi Dániel Könyvtár").is_visible()
    # The library's info day in Hungarian ("2026. december 3.") while it is ahead; once the
    # programme's fixed date has passed, the Hungarian note that none is ahead (not the clock's test).
    from django.utils import timezone
    from django.utils.formats import date_format

    from events.models import InfoDay

    day = InfoDay.objects.get(library=coordinator.library)
    if day.date >= timezone.localdate():
        assert date_format(day.date, "DATE_FORMAT") in page.content()
    else:
        assert "A könyvtárnak nincs közelgő információs napja." in page.content()
    # The whole page, account bar and navigation included, has no serious accessibility problem.
    from axe_playwright_python.sync_playwright import Axe

    violations = [
        (v["id"], [n["target"] for n in v["nodes"]][:3])
        for v in Axe().run(page).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert violations == []
    path = os.path.join(artifacts_dir, "coordinator-home.png")
    page.screenshot(path=path, full_page=True)
    assert os.path.getsize(path) > 10_000


def test_no_request_leaves_the_portal(live_server, page, browser_login):
    call_command("seed_demo", participants=0, verbosity=0)
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
    browser_login(User.objects.get(username="mke"), password="menet-demo-2026")
    page.goto(f"{live_server.url}/esemenyek/")
    assert outside == []
