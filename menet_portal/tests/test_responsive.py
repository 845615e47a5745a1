"""Every page a role can reach fits a 390 px phone, and no table overflows its box at 1280 px.

The test logs in as each demo role, starts from its home page and follows every link and
GET form it finds on the portal's own pages (one page per URL pattern: the pages of two
events are drawn by the same template), then measures the page in Chromium.
Screenshots of each role's main pages at both widths go to ``test-artifacts/responsive/``.
"""

import os
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from django.core.management import call_command
from django.urls import Resolver404, resolve

from menet_portal.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = {
    "staff": "mke",
    "coordinator": "koord-szombathely",
    "trainer": "oktato-tata",
    "funder": "tamogato",
}
# Not pages of the portal: downloads, the Django admin, leaving, and state-changing links.
SKIP_PREFIXES = ("/admin/", "/kilepes/", "/static/", "/media/", "/i18n/")
SKIP_WORDS = ("letoltes", "format=", "minta", "tananyag/", ".ics", ".pdf", ".csv", ".xlsx")
MAX_PAGES_PER_ROLE = 60

# At 1280 px no table is wider than the page's container, and no table's box needs scrolling.
TABLES_OVERFLOWING_AT_1280 = """() => [...document.querySelectorAll('main table')].filter(t => {
    const container = t.closest('.container, .container-fluid') || document.body;
    const style = getComputedStyle(container);
    const inner = container.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const box = t.closest('.table-responsive');
    return t.getBoundingClientRect().width > inner + 1 || (box && box.scrollWidth > box.clientWidth + 1);
}).map(t => (t.id || t.className) + ' ' + Math.round(t.getBoundingClientRect().width))"""


def _pattern(url):
    path = urlsplit(url).path
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.route if hasattr(match, "route") else path


def _links(page, base):
    # getAttribute: an SVG link's .href is an object, not a string.
    hrefs = page.eval_on_selector_all(
        "a[href]", "els => els.map(e => new URL(e.getAttribute('href'), document.baseURI).href)"
    )
    return [h.split("#")[0] for h in hrefs if h.startswith(base)]


def _crawl(page, base, home):
    """Visit one URL per pattern, breadth first from ``home``; yield each visited URL."""
    seen_patterns, queue, visited = set(), [home], []
    while queue and len(visited) < MAX_PAGES_PER_ROLE:
        url = queue.pop(0)
        path = url[len(base):] or "/"
        if path.startswith(SKIP_PREFIXES) or any(word in path for word in SKIP_WORDS):
            continue
        pattern = _pattern(url)
        if pattern is None or pattern in seen_patterns:
            continue
        seen_patterns.add(pattern)
        try:
            response = page.goto(url)
        except PlaywrightError:  # a download (calendar file, PDF) is not a page
            continue
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        visited.append(url)
        queue.extend(_links(page, base))
    return visited


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_fits_a_phone_and_no_table_overflows_at_1280(
    role, live_server, chromium, artifacts_dir
):
    call_command("seed_demo", participants=80, verbosity=0)
    user = User.objects.get(username=ROLES[role])
    shots = os.path.join(artifacts_dir, "responsive")
    os.makedirs(shots, exist_ok=True)

    context = chromium.new_context(locale="hu-HU", viewport={"width": 390, "height": 844})
    context.set_default_timeout(90_000)  # two cores shared by many test runs
    page = context.new_page()
    page.goto(f"{live_server.url}/belepes/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "menet-demo-2026")
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/belepes/" not in url)
    home = page.url
    pages = _crawl(page, live_server.url, home)
    assert len(pages) >= 2, pages

    too_wide, overflowing = [], []
    for index, url in enumerate(pages):
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            too_wide.append((url[len(live_server.url):], width))
        if index < 6:
            page.screenshot(path=os.path.join(shots, f"{role}-{index:02d}-390.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(url)
        wide_tables = page.evaluate(TABLES_OVERFLOWING_AT_1280)
        if wide_tables:
            overflowing.append((url[len(live_server.url):], wide_tables))
        if index < 6:
            page.screenshot(path=os.path.join(shots, f"{role}-{index:02d}-1280.png"), full_page=True)
    context.close()
    assert too_wide == [], too_wide
    assert overflowing == [], overflowing
    # The list of pages is part of the evidence.
    with open(os.path.join(shots, f"{role}-pages.txt"), "w") as listing:
        listing.write("\n".join(url[len(live_server.url):] for url in pages) + "\n")


def test_pages_are_usable_at_200_percent_zoom(live_server, chromium, artifacts_dir):
    """200 % zoom of a 1280 px window is a 640 px wide CSS viewport: nothing wider than that."""
    call_command("seed_demo", participants=40, verbosity=0)
    context = chromium.new_context(locale="hu-HU", viewport={"width": 640, "height": 450}, device_scale_factor=2)
    page = context.new_page()
    page.goto(f"{live_server.url}/belepes/")
    page.fill("input[name=username]", "koord-szombathely")
    page.fill("input[name=password]", "menet-demo-2026")
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/belepes/" not in url)
    for path in ["/resztvevok/koordinator/", "/resztvevok/jelentkezesek/", "/resztvevok/uj/", "/kepzesek/jelenlet/"]:
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 640, path
    page.screenshot(path=os.path.join(artifacts_dir, "responsive", "coordinator-zoom-200.png"), full_page=True)
    context.close()
