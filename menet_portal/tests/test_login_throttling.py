"""django-axes: a lock-out per username + IP address after a configurable number of failures."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _try(client, user, password, ip="10.9.8.7"):
    return client.post(reverse("login"), {"username": user.username, "password": password}, REMOTE_ADDR=ip)


def test_thirty_wrong_passwords_then_the_right_one_is_refused(client, coordinator):
    for _ in range(30):
        _try(client, coordinator, "rossz-jelszo")
    response = _try(client, coordinator, "jelszo-123")
    assert response.status_code == 429
    body = response.content.decode()
    assert "túl sok sikertelen belépési kísérlet" in body
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("participants:coordinator_home")).status_code == 302


def test_the_lock_is_per_user_and_address(client, coordinator, trainer):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _try(client, coordinator, "rossz-jelszo")
    assert _try(client, coordinator, "jelszo-123").status_code == 429
    # Another person at the same library PC, or the same person from another address, can still log in.
    assert _try(client, trainer, "jelszo-123").status_code == 302
    client.logout()
    assert _try(client, coordinator, "jelszo-123", ip="10.1.1.1").status_code == 302


def test_fewer_failures_than_the_limit_still_let_the_right_password_in(client, coordinator):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _try(client, coordinator, "rossz-jelszo").status_code == 200
    assert _try(client, coordinator, "jelszo-123").status_code == 302


def test_staff_see_the_locked_accounts_and_unlock_one(client, login, coordinator, staff):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _try(client, coordinator, "rossz-jelszo")
    staff_client = login(staff)
    page = staff_client.get(reverse("lockouts"))
    assert page.status_code == 200 and coordinator.username in page.content.decode()
    attempt = AccessAttempt.objects.get(username=coordinator.username)
    response = staff_client.post(reverse("lockouts"), {"attempt": attempt.pk}, follow=True)
    assert "feloldva" in response.content.decode()
    assert not AccessAttempt.objects.filter(username=coordinator.username).exists()
    staff_client.logout()
    assert _try(client, coordinator, "jelszo-123").status_code == 302


@pytest.mark.parametrize("user_fixture", ["coordinator", "trainer", "funder"])
def test_only_staff_may_unlock(request, login, user_fixture):
    client = login(request.getfixturevalue(user_fixture))
    assert client.get(reverse("lockouts")).status_code == 403
    assert client.post(reverse("lockouts"), {"attempt": 1}).status_code == 403


def test_axes_is_wired_in():
    assert "axes" in settings.INSTALLED_APPS
    assert "axes.middleware.AxesMiddleware" in settings.MIDDLEWARE
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
