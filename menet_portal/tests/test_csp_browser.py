"""In Chromium, the main pages of every role run under the Content-Security-Policy without one violation."""

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
    for username, paths in PAGES.items():
        page.context.clear_cookies()
        browser_login(User.objects.get(username=username), password="menet-demo-2026")
        for path in paths:
            response = page.goto(f"{live_server.url}{path}")
            page.wait_for_load_state("networkidle")
            assert response.status == 200, path
            assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
            violations += [f"{path}: {v}" for v in page.evaluate("window.__cspViolations")]
    # The language switch still works.
    page.goto(f"{live_server.url}/jelentesek/tamogato/")
    page.click("form.language-switch input[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    page.screenshot(path=os.path.join(artifacts_dir, "csp-funder-english.png"), full_page=True)
    assert violations == [] and console == []
