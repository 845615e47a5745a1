"""The Django admin under the same Content-Security-Policy as the portal (issue 12).

Django's change list inlines a <style> when a list has no actions, and django-simple-history's
history list carries a style= attribute; both are overridden (templates/admin/change_list.html,
templates/simple_history/object_history_list.html) so the admin needs no 'unsafe-inline' either.
Server side: every registered admin's list, add, change and history page has no inline style,
script or handler. In Chromium: the main admin pages report no CSP violation.
"""

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from menet_portal.models import User
from menet_portal.tests.factories import (
    AttendanceFactory,
    OrganisationFactory,
    RegistrationFactory,
)
from menet_portal.tests.test_csp import _check

LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile + ":" + e.lineNumber);
});
"""


def _superuser():
    return User.objects.create_superuser("csp-admin", "csp-admin@example.hu", "jelszo-123", role="staff")


def _some_data():
    registration = RegistrationFactory(participant__organisation=OrganisationFactory(), participant__target_group="business")
    AttendanceFactory(registration=registration)
    person = registration.participant
    person.given_name = "Anna-Mária"  # a second history row
    person.save()
    return registration


def _admin_urls():
    urls = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:%s_%s_changelist" % info))
        try:
            urls.append(reverse("admin:%s_%s_add" % info))
        except NoReverseMatch:
            pass
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            urls.append(reverse("admin:%s_%s_change" % info, args=[obj.pk]))
            urls.append(reverse("admin:%s_%s_history" % info, args=[obj.pk]))
    return urls


@pytest.mark.django_db
def test_every_admin_page_needs_no_inline_style_or_script(client):
    _some_data()
    client.force_login(_superuser())
    problems, checked = [], 0
    for url in _admin_urls():
        response = client.get(url)
        if response.status_code in (302, 403, 404, 405):
            continue  # e.g. an add page the admin forbids
        assert response.status_code == 200, url
        _check(response, url, problems)
        checked += 1
    assert checked > 40  # the walk really covered the admin
    assert problems == []


@pytest.mark.django_db
def test_the_override_keeps_djangos_rule_for_lists_without_action_bars(client, monkeypatch):
    """Django inlines a <style> when an admin turns both action bars off (none of ours does yet):
    the override links the file with the same rule instead."""
    from privacy.models import AccessLogEntry

    model_admin = admin.site._registry[AccessLogEntry]
    monkeypatch.setattr(model_admin, "actions_on_top", False)
    monkeypatch.setattr(model_admin, "actions_on_bottom", False)
    client.force_login(_superuser())
    response = client.get(reverse("admin:privacy_accesslogentry_changelist"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<style" not in body and "css/admin-changelist-no-actions.css" in body


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_admin_pages_report_no_csp_violation_in_chromium(live_server, page, browser_login):
    registration = _some_data()
    person = registration.participant
    browser_login(_superuser())
    page.add_init_script(LISTEN)
    console = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    paths = [
        reverse("admin:index"),
        reverse("admin:participants_participant_changelist"),
        reverse("admin:participants_participant_change", args=[person.pk]),
        reverse("admin:participants_participant_history", args=[person.pk]),
        reverse("admin:participants_registration_changelist"),
        reverse("admin:participants_registration_change", args=[registration.pk]),
        reverse("admin:privacy_accesslogentry_changelist"),
        reverse("admin:events_infoday_add"),  # date and time widgets (calendar, clock)
        reverse("admin:menet_portal_user_changelist"),
    ]
    violations = []
    for path in paths:
        response = page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        assert response.status == 200, path
        assert "style-src 'self'" in response.headers["content-security-policy"]
        violations += [f"{path}: {v}" for v in page.evaluate("window.__cspViolations")]
    # The calendar widget opens (admin JS runs under the policy).
    page.goto(f"{live_server.url}{reverse('admin:events_infoday_add')}")
    page.locator(".datetimeshortcuts a").first.click()
    violations += [f"calendar: {v}" for v in page.evaluate("window.__cspViolations")]
    assert violations == [] and console == []
