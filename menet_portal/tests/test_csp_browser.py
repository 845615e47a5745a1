"""In Chromium, the main pages of every role (staff, coordinator, trainer, funder) and of the public site
run under the Content-Security-Policy without one violation. The admin: test_csp_admin.py."""

import os

import pytest
from django.core.management import call_command

from menet_portal.models import User
from reports.models import GeneratedReport, ReportKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile + ":" + e.lineNumber);
});
"""

PAGES = {
    "mke": ["/jelentesek/mke/", "/esemenyek/", "/esemenyek/attekintes/", "/resztvevok/", "/resztvevok/jelentkezesek/",
            "/kepzesek/", "/ertesitesek/", "/jelentesek/dokumentumok/", "/jelentesek/dokumentumok/archivum/",
            "/belepes/zarolasok/", "/belepes/jelszo/"],
    "koord-szombathely": ["/resztvevok/koordinator/", "/resztvevok/uj/", "/resztvevok/", "/resztvevok/betoltes/",
                          "/kepzesek/jelenlet/", "/jelentesek/dokumentumok/"],
    "tamogato": ["/jelentesek/tamogato/", "/jelentesek/dokumentumok/archivum/"],
}


def test_main_pages_report_no_csp_violation(live_server, page, browser_login, artifacts_dir):
    call_command("seed_demo", participants=60, verbosity=0)
    report = GeneratedReport.objects.create(kind=ReportKind.PROGRESS, parameters={}, title="Folyamatban", aggregate=True)
    PAGES["mke"].append(f"/jelentesek/dokumentumok/archivum/{report.pk}/")  # the page whose script moved out
    console = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    page.add_init_script(LISTEN)
    violations = []

    def visit(paths):
        for path in paths:
            response = page.goto(f"{live_server.url}{path}")
            page.wait_for_load_state("networkidle")
            assert response.status == 200, path
            assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
            violations.extend(f"{path}: {v}" for v in page.evaluate("window.__cspViolations"))

    trainer = User.objects.filter(role="trainer").order_by("username").first()
    PAGES[trainer.username] = ["/kepzesek/oktato/", "/kepzesek/jelenlet/"]
    for username, paths in PAGES.items():
        page.context.clear_cookies()
        browser_login(User.objects.get(username=username), password="menet-demo-2026")
        visit(paths)
    # The public site, without logging in: the pages citizens use (list, event, registration form,
    # certificate lookup, notices) and a personal page reached by its signed link.
    from events.models import InfoDay
    from participants.models import Registration
    from public_site import tokens
    from trainings.models import Course

    page.context.clear_cookies()
    day, course = InfoDay.objects.order_by("pk").first(), Course.objects.order_by("pk").first()
    person = Registration.objects.filter(participant__email__gt="").order_by("pk").first().participant
    visit(["/", "/informacios-napok/", f"/informacios-napok/{day.pk}/", "/kepzo-intezmenyek/",
           f"/kepzo-intezmenyek/{course.pk}/", "/tanusitvany/", "/adatkezelesi-tajekoztato/",
           "/akadalymentessegi-nyilatkozat/", f"/sajat-oldal/{tokens.personal_token(person)}/"])
    # The language switch still works.
    page.goto(f"{live_server.url}/jelentesek/tamogato/")
    page.click("form.language-switch input[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    page.screenshot(path=os.path.join(artifacts_dir, "csp-funder-english.png"), full_page=True)
    assert violations == [] and console == []
