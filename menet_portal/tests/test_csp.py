"""Content-Security-Policy (django-csp) on every page, and no page needs an inline script or style."""

import re

import pytest
from django.conf import settings

from menet_portal.tests.test_scope_generated import _urls, other_library  # noqa: F401 - fixture
from menet_portal.tests.urlwalk import url_patterns

pytestmark = pytest.mark.django_db

REQUIRED = ["default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"]


def _check(response, url, problems):
    policy = response.get("Content-Security-Policy", "")
    missing = [d for d in REQUIRED if d not in policy]
    if missing:
        problems.append(f"{url} ({response.status_code}): missing {missing}")
    if "unsafe-inline" in policy or "unsafe-eval" in policy:
        problems.append(f"{url}: unsafe policy {policy}")
    if response.get("Content-Type", "").startswith("text/html") and not response.streaming:
        html = response.content.decode("utf-8", "replace")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) and "application/json" not in html:
            problems.append(f"{url}: inline <script>")
        if re.search(r"""\sstyle=["']""", html) or "<style" in html:
            problems.append(f"{url}: inline style")
        if re.search(r"""\son[a-z]+=["']""", html):
            problems.append(f"{url}: inline event handler")


@pytest.mark.parametrize("role", ["staff", "coordinator", "trainer", "funder", "anonymous"])
def test_every_get_page_carries_the_policy_and_no_inline_code(request, client, role, other_library):  # noqa: F811
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    problems = []
    for route, name, converters in url_patterns():
        if name == "logout":
            continue
        for url in _urls(name, route, converters, other_library)[:2]:
            _check(client.get(url), url, problems)
    assert problems == []


def test_policy_settings_allow_nothing_inline():
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert directives["default-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    for name in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in directives[name]
