"""Hungarian by default whatever the browser says; English only through the visible switch."""

import datetime

from django.test import Client
from django.urls import reverse
from django.utils import formats, translation

from menet_portal.tests import factories


def _lang(response):
    return response.content.decode().split('<html lang="', 1)[1].split('"', 1)[0]


def test_an_english_browser_gets_hungarian_until_it_uses_the_switch(db):
    client = Client(HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    response = client.get(reverse("login"))
    assert _lang(response) == "hu"
    assert response["Content-Language"] == "hu"
    assert "Accept-Language" not in response.get("Vary", "")
    # The switch is on the page, as a button (no script needed).
    assert 'name="language" type="hidden" value="en"' in response.content.decode()

    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert client.cookies["django_language"].value == "en"
    assert _lang(client.get(reverse("login"))) == "en"

    client.post(reverse("set_language"), {"language": "hu", "next": reverse("login")})
    assert _lang(client.get(reverse("login"))) == "hu"


def test_the_switch_is_remembered_on_the_profile_of_a_logged_in_user(db):
    coordinator = factories.CoordinatorFactory()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(coordinator)
    home = reverse("participants:coordinator_home")
    assert _lang(client.get(home)) == "hu"
    client.post(reverse("set_language"), {"language": "en", "next": home})
    coordinator.refresh_from_db()
    assert coordinator.language == "en"

    # Another browser, Hungarian this time, without the cookie: the profile decides.
    other = Client(HTTP_ACCEPT_LANGUAGE="hu")
    other.force_login(coordinator)
    assert _lang(other.get(home)) == "en"


def test_an_unknown_language_changes_nothing(db):
    coordinator = factories.CoordinatorFactory()
    client = Client()
    client.force_login(coordinator)
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    coordinator.refresh_from_db()
    assert coordinator.language == ""
    assert "django_language" not in client.cookies
    assert _lang(client.get(reverse("participants:coordinator_home"))) == "hu"


def test_english_pages_show_english_dates():
    day = datetime.date(2026, 12, 1)
    moment = datetime.datetime(2026, 12, 1, 14, 30)
    with translation.override("en"):
        assert formats.date_format(day, "DATE_FORMAT") == "1 December 2026"
        assert formats.date_format(moment, "DATETIME_FORMAT") == "1 December 2026, 14:30"
    with translation.override("hu"):
        assert formats.date_format(day, "DATE_FORMAT") == "2026. december 1."
        assert formats.date_format(moment, "DATETIME_FORMAT") == "2026. december 1. 14:30"


def test_a_page_in_english_shows_english_dates_and_in_hungarian_hungarian_ones(db):
    coordinator = factories.CoordinatorFactory()
    info_day = factories.InfoDayFactory(library=coordinator.library, date=datetime.date(2026, 12, 3))
    factories.RegistrationFactory(info_day=info_day, participant__registering_library=coordinator.library)
    client = Client()
    client.force_login(coordinator)
    page = reverse("participants:registration_list")
    assert "2026. december 3." in client.get(page).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": page})
    content = client.get(page).content.decode()
    assert "3 December 2026" in content
    assert "2026. december 3." not in content
