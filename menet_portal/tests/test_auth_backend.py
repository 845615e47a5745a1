"""The log-in backend (menet_portal.auth_backends): the per-request user look-up reads the library
in the same query, new log-ins are stored with it, and sessions stored with Django's
ModelBackend (made before the switch) stay valid."""

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from menet_portal.auth_backends import LibraryModelBackend

pytestmark = pytest.mark.django_db

NEW = "menet_portal.auth_backends.LibraryModelBackend"
LEGACY = "django.contrib.auth.backends.ModelBackend"


def test_backends_order():
    assert settings.AUTHENTICATION_BACKENDS == ["axes.backends.AxesStandaloneBackend", NEW, LEGACY]


def test_user_look_up_reads_the_library_in_the_same_query(coordinator):
    with CaptureQueriesContext(connection) as queries:
        user = LibraryModelBackend().get_user(coordinator.pk)
        assert user.library.name == coordinator.library.name
    assert len(queries) == 1


def test_inactive_or_missing_user_is_refused(coordinator):
    assert LibraryModelBackend().get_user(10**9) is None
    coordinator.is_active = False
    coordinator.save()
    assert LibraryModelBackend().get_user(coordinator.pk) is None


def test_a_log_in_through_the_form_is_stored_with_the_portal_backend(coordinator):
    coordinator.set_password("jelszo-123-hosszu")
    coordinator.save()
    client = Client()
    response = client.post(reverse("login"), {"username": coordinator.username, "password": "jelszo-123-hosszu"})
    assert response.status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == NEW
    page = client.get(reverse("participants:coordinator_home"))
    assert page.status_code == 200 and coordinator.library.name in page.content.decode()


def test_wrong_password_is_refused(coordinator):
    coordinator.set_password("jelszo-123-hosszu")
    coordinator.save()
    client = Client()
    response = client.post(reverse("login"), {"username": coordinator.username, "password": "rossz-jelszo"})
    assert response.status_code == 200 and SESSION_KEY not in client.session


def test_a_session_stored_with_djangos_model_backend_stays_valid(coordinator):
    store = SessionStore()
    store[SESSION_KEY] = str(coordinator.pk)
    store[BACKEND_SESSION_KEY] = LEGACY
    store[HASH_SESSION_KEY] = coordinator.get_session_auth_hash()
    store.save()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = store.session_key
    page = client.get(reverse("participants:coordinator_home"))
    assert page.status_code == 200 and coordinator.library.name in page.content.decode()
