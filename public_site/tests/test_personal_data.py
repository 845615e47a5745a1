"""'Ask for my data' on the personal page: the person downloads their own export (JSON or PDF)
through the signed link, the access log records it as self-service, and it is rate-limited."""

import json

import pytest
from django.urls import reverse

from menet_portal.tests.factories import InfoDayFactory, ParticipantFactory, RegistrationFactory
from privacy.models import AccessAction, AccessLogEntry
from public_site import tokens
from public_site.models import RateLimitHit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_limits():
    RateLimitHit.objects.all().delete()


@pytest.fixture
def person():
    participant = ParticipantFactory(family_name="Szabó", given_name="Júlia", email="szabo.julia@example.hu")
    RegistrationFactory(participant=participant, info_day=InfoDayFactory(title="Információs nap – Eger"))
    return participant


def _url(participant, token=None):
    return reverse("public:personal_data", kwargs={"token": token or tokens.personal_token(participant)})


def test_the_personal_page_offers_the_download(client, person):
    token = tokens.personal_token(person)
    html = client.get(reverse("public:personal", kwargs={"token": token})).content.decode()
    assert "Az adataim" in html
    assert f'action="{_url(person, token)}"' in html
    assert 'value="json"' in html and 'value="pdf"' in html


def test_json_download_is_the_privacy_export_and_is_logged_as_self_service(client, person):
    other = ParticipantFactory(email="masik@example.hu")
    response = client.post(_url(person), {"format": "json"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["person"]["id"] == person.pk and data["person"]["email"] == "szabo.julia@example.hu"
    assert [r["event"]["name"] for r in data["registrations"]] == ["Információs nap – Eger"]
    assert "masik@example.hu" not in response.content.decode()
    (entry,) = AccessLogEntry.objects.all()
    assert entry.action == AccessAction.SELF_EXPORT and entry.user is None
    assert list(entry.participants.values_list("pk", flat=True)) == [person.pk]
    assert tokens.personal_token(person) not in entry.path + entry.description  # the link is not logged
    assert other.pk not in entry.participants.values_list("pk", flat=True)


def test_pdf_download(client, person):
    response = client.post(_url(person), {"format": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert AccessLogEntry.objects.get().action == AccessAction.SELF_EXPORT


def test_bad_format_or_get_changes_nothing(client, person):
    assert client.get(_url(person)).status_code == 405
    response = client.post(_url(person), {"format": "xlsx"})
    assert response.status_code == 400
    assert not AccessLogEntry.objects.exists()


def test_tampered_link_is_a_hungarian_404_and_logs_nothing(client, person):
    token = tokens.personal_token(person)
    tampered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    response = client.post(_url(person, tampered), {"format": "json"})
    assert response.status_code == 404
    assert "Ez a link nem érvényes vagy lejárt" in response.content.decode()
    opt_in = tokens.opt_in_token(person.registrations.get())  # another purpose's token can't open it either
    assert client.post(_url(person, opt_in), {"format": "json"}).status_code == 404
    assert not AccessLogEntry.objects.exists()


def test_rate_limited(client, person, settings):
    settings.PERSONAL_DATA_RATE = 2
    assert client.post(_url(person), {"format": "json"}).status_code == 200
    assert client.post(_url(person), {"format": "pdf"}).status_code == 200
    response = client.post(_url(person), {"format": "json"})
    assert response.status_code == 429
    assert "Túl sok próbálkozás" in response.content.decode()
    assert AccessLogEntry.objects.count() == 2
    # Counted per person too: another address gets no more downloads of the same person's data.
    other = client.__class__(REMOTE_ADDR="10.0.0.9")
    assert other.post(_url(person), {"format": "json"}).status_code == 429
