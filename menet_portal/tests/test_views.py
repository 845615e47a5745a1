import pytest
from django.urls import reverse

from menet_portal.tests.factories import InfoDayFactory

pytestmark = pytest.mark.django_db


def test_login_page_is_in_hungarian(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'lang="hu"' in body and "Belépés a MENET portálra" in body


def test_wrong_password_says_what_to_do(client, coordinator):
    response = client.post(reverse("login"), {"username": coordinator.username, "password": "rossz"})
    assert "Hibás felhasználónév vagy jelszó" in response.content.decode()


def test_pages_need_login(client):
    response = client.get(reverse("participants:coordinator_home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize(
    "user_fixture, target",
    [
        ("staff", "reports:staff_home"),
        ("coordinator", "participants:coordinator_home"),
        ("trainer", "trainings:trainer_home"),
        ("funder", "reports:funder_home"),
    ],
)
def test_each_role_lands_on_its_own_home(request, login, user_fixture, target):
    client = login(request.getfixturevalue(user_fixture))
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse(target)
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize("user_fixture", ["coordinator", "trainer", "funder"])
def test_other_roles_cannot_open_staff_home(request, login, user_fixture):
    client = login(request.getfixturevalue(user_fixture))
    assert client.get(reverse("reports:staff_home")).status_code == 403


def test_coordinator_home_shows_only_their_library(login, coordinator):
    own = InfoDayFactory(library=coordinator.library, title="Saját nap")
    other = InfoDayFactory(title="Másik könyvtár napja")
    body = login(coordinator).get(reverse("participants:coordinator_home")).content.decode()
    assert own.library.name in body
    assert other.library.name not in body


def test_pages_load_assets_only_from_the_portal(login, staff):
    body = login(staff).get(reverse("reports:staff_home")).content.decode()
    assert "/static/vendor/bootstrap/css/bootstrap.min.css" in body
    assert "http://" not in body.replace("http://www.w3.org", "") and "https://" not in body
