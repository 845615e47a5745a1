"""What every page of the portal carries: forms without the browser's own (English) validation
bubbles and with an error summary on top, breadcrumbs on every inner page, the active menu item.

The crawl logs in as each demo role (and visits the public site anonymously), starts from the
role's home page and follows every link on the portal's own pages, one page per URL pattern.
Then every POST form it saw is submitted empty (the hidden inputs and the first button only):
where the answer shows field errors, the shared summary (templates/includes/form_errors.html)
must be there too, linking to the fields.
"""

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from menet_portal.models import User
from menet_portal.navigation import OUTSIDE_WORKSPACE

pytestmark = pytest.mark.django_db

ROLES = {
    "staff": "mke",
    "coordinator": "koord-szombathely",
    "trainer": "oktato-tata",
    "funder": "tamogato",
}
SKIP_PREFIXES = ("/admin/", "/kilepes/", "/static/", "/media/", "/i18n/", "/favicon")
SKIP_WORDS = ("letoltes", "format=", "minta", ".ics", ".pdf", ".csv", ".xlsx", ".json")
# Forms that are not data entry: leaving, the language switch.
SKIP_FORM_ACTIONS = ("/kilepes/", "/i18n/setlang/")
MAX_PAGES = 80


class _Page(HTMLParser):
    """Links, forms (with their hidden inputs and first button) and landmarks of one page."""

    def __init__(self):
        super().__init__()
        self.links, self.forms, self.navs, self.active = [], [], [], []
        self._form = None
        self._in_main_nav = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
            if a.get("aria-current") == "page" and "nav-link" in (a.get("class") or ""):
                self.active.append(a["href"])
        elif tag == "nav":
            self.navs.append(a)
        elif tag == "form":
            self._form = {"attrs": a, "data": {}, "button": None}
            self.forms.append(self._form)
        elif self._form is not None and tag == "input" and a.get("type") == "hidden" and a.get("name"):
            if a["name"] != "csrfmiddlewaretoken":
                self._form["data"][a["name"]] = a.get("value", "")
        elif self._form is not None and tag == "button" and self._form["button"] is None:
            if a.get("type", "submit") == "submit":
                self._form["button"] = (a.get("name"), a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def _parse(content):
    parser = _Page()
    parser.feed(content)
    return parser


def _pattern(path):
    try:
        return resolve(path).route
    except Resolver404:
        return None


def _crawl(client, home):
    """``{path: parsed page}``, one per URL pattern, breadth first from ``home``."""
    seen, queue, pages = set(), [home], {}
    while queue and len(pages) < MAX_PAGES:
        url = queue.pop(0)
        parts = urlsplit(url)
        if parts.netloc and parts.netloc != "testserver":
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if not parts.path.startswith("/") or parts.path.startswith(SKIP_PREFIXES):
            continue
        if any(word in path for word in SKIP_WORDS):
            continue
        pattern = _pattern(parts.path)
        if pattern is None or pattern in seen:
            continue
        seen.add(pattern)
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        page = _parse(response.content.decode())
        page.content = response.content.decode()
        pages[path] = page
        queue.extend(urljoin(path, href) for href in page.links if not href.startswith(("#", "mailto:", "tel:")))
    return pages


def _form_tags_without_novalidate(page):
    return [f["attrs"].get("action", "") or "(this page)" for f in page.forms if "novalidate" not in f["attrs"]]


@pytest.fixture
def demo(db):
    call_command("seed_demo", participants=40, verbosity=0)


def _client_for(role):
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(User.objects.get(username=ROLES[role]))
    return client


def _home_of(client, role):
    if role == "anonymous":
        return "/"
    return client.get(reverse("home"))["Location"]


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
def test_every_form_has_novalidate_and_every_inner_page_has_breadcrumbs(role, demo):
    client = _client_for(role)
    home = _home_of(client, role)
    pages = _crawl(client, home)
    assert len(pages) >= 2, list(pages)
    without_novalidate, without_breadcrumbs = {}, []
    for path, page in pages.items():
        missing = _form_tags_without_novalidate(page)
        if missing:
            without_novalidate[path] = missing
        view_name = resolve(urlsplit(path).path).view_name
        if role != "anonymous" and path != home and not view_name.startswith(OUTSIDE_WORKSPACE):
            if not any(nav.get("aria-label") == "Morzsamenü" for nav in page.navs) or "breadcrumb" not in page.content:
                without_breadcrumbs.append(path)
    assert without_novalidate == {}, without_novalidate
    assert without_breadcrumbs == [], without_breadcrumbs


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
def test_every_form_sent_empty_shows_the_error_summary_linking_to_the_fields(role, demo):
    client = _client_for(role)
    pages = _crawl(client, _home_of(client, role))
    forms = {}
    for path, page in pages.items():
        for form in page.forms:
            if (form["attrs"].get("method") or "get").lower() != "post":
                continue
            action = urljoin(path, form["attrs"].get("action") or path)
            if action.startswith(SKIP_FORM_ACTIONS):
                continue
            data = dict(form["data"])
            if form["button"] and form["button"][0]:
                data[form["button"][0]] = form["button"][1]
            forms.setdefault((action, tuple(sorted(data))), data)
    without_summary, errors_seen = [], 0
    for (action, _keys), data in forms.items():
        response = client.post(action, data)
        assert response.status_code != 500, action
        content = response.content.decode() if "text/html" in response.get("Content-Type", "") else ""
        if not re.search(r'class="[^"]*(is-invalid|invalid-feedback)', content):
            continue
        errors_seen += 1
        summary = re.search(r'<div[^>]*class="[^"]*form-errors[^"]*"[^>]*>(.*?)</div>', content, re.S)
        if not summary or 'role="alert"' not in summary.group(0) or 'href="#id_' not in summary.group(1):
            without_summary.append(action)
            continue
        for target in re.findall(r'href="#([^"]+)"', summary.group(1)):
            assert f'id="{target}"' in content, (action, target)
    assert without_summary == [], without_summary
    if role in ("staff", "coordinator", "anonymous"):
        assert errors_seen >= 2, forms.keys()


def test_an_inner_page_marks_its_menu_item_active(login, coordinator):
    from menet_portal.tests import factories

    person = factories.ParticipantFactory(registering_library=coordinator.library)
    content = login(coordinator).get(reverse("participants:participant_detail", args=[person.pk])).content.decode()
    page = _parse(content)
    assert page.active == [reverse("participants:participant_list")]
    assert 'aria-label="Morzsamenü"' in content
    crumbs = content.split('aria-label="Morzsamenü"', 1)[1].split("</nav>", 1)[0]
    assert reverse("participants:coordinator_home") in crumbs and reverse("participants:participant_list") in crumbs
    assert person.full_name in crumbs and 'aria-current="page"' in crumbs

    registrations = _parse(login(coordinator).get(reverse("participants:import_upload")).content.decode())
    assert registrations.active == [reverse("participants:participant_list")]


def test_the_home_page_has_no_breadcrumbs_and_its_item_is_active(login, coordinator):
    content = login(coordinator).get(reverse("participants:coordinator_home")).content.decode()
    assert 'aria-label="Morzsamenü"' not in content
    assert _parse(content).active == [reverse("participants:coordinator_home")]


def test_summary_item_has_no_stray_full_stop_before_the_colon():
    """The consent label ends in a full stop: the summary reads "…szerint: <message>", not "…szerint.: …"."""
    from django import forms
    from django.template.loader import render_to_string

    class Consent(forms.Form):
        consent = forms.BooleanField(label="Hozzájárult az adatkezelési tájékoztató szerint.")

    form = Consent(data={})
    assert not form.is_valid()
    html = render_to_string("includes/form_errors.html", {"form": form})
    assert "szerint:" in html and "szerint.:" not in html
