"""Hungarian 403, 404, 500 and CSRF pages in the portal's layout."""

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_404_is_hungarian_in_the_layout(client):
    response = client.get("/nincs-ilyen-oldal/")
    body = response.content.decode()
    assert response.status_code == 404 and "Az oldal nem található" in body and "MENET portál" in body


def test_403_is_hungarian(login, coordinator):
    response = login(coordinator).get(reverse("reports:staff_home"))
    assert response.status_code == 403 and "Nincs jogosultsága" in response.content.decode()


def test_csrf_failure_is_hungarian(coordinator):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": coordinator.username, "password": "jelszo-123"})
    assert response.status_code == 403 and "Az űrlap lejárt" in response.content.decode()


def test_500_page_renders_without_a_request():
    html = render_to_string("500.html")
    assert "Váratlan hiba történt" in html and 'lang="hu"' in html
