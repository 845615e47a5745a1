"""Sessions on shared library PCs: an idle timeout, expiry at browser close, and no cached personal pages."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from menet_portal.middleware import LAST_ACTIVITY_KEY
from menet_portal.tests.factories import InfoDayFactory

pytestmark = pytest.mark.django_db


def _age_session(client, minutes):
    session = client.session
    session[LAST_ACTIVITY_KEY] = (timezone.now() - datetime.timedelta(minutes=minutes)).timestamp()
    session.save()


def test_a_session_idle_longer_than_the_timeout_is_logged_out(login, coordinator):
    client = login(coordinator)
    home = reverse("participants:coordinator_home")
    assert client.get(home).status_code == 200
    _age_session(client, settings.SESSION_IDLE_TIMEOUT + 1)
    response = client.get(home)
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    assert "kiléptettük" in page.content.decode()


def test_activity_within_the_timeout_keeps_the_session(login, coordinator):
    client = login(coordinator)
    home = reverse("participants:coordinator_home")
    client.get(home)
    _age_session(client, settings.SESSION_IDLE_TIMEOUT - 1)
    assert client.get(home).status_code == 200
    # ... and that request counted as activity again.
    assert client.session[LAST_ACTIVITY_KEY] > (timezone.now() - datetime.timedelta(minutes=1)).timestamp()


def test_the_idle_timeout_comes_from_the_environment_default_30_minutes():
    assert settings.SESSION_IDLE_TIMEOUT == 30
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_the_session_cookie_ends_with_the_browser(client, coordinator):
    response = client.post(reverse("login"), {"username": coordinator.username, "password": "jelszo-123"})
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == "" and cookie["max-age"] == ""


def test_logged_in_pages_and_downloads_are_never_stored(login, coordinator):
    InfoDayFactory(library=coordinator.library)
    client = login(coordinator)
    for url in [reverse("participants:coordinator_home"), reverse("participants:participant_list") + "?format=csv",
                reverse("participants:participant_list") + "?format=xlsx"]:
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"], url


def test_anonymous_pages_with_a_personal_token_are_never_stored_either(client):
    response = client.get(reverse("login"))
    assert "no-store" in response["Cache-Control"]
