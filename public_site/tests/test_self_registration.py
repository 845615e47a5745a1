"""Self-registration with double opt-in: hold, confirm, expiry, waiting list, cancel by link, abuse limits."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from menet_portal.notifications.models import MessageKind, OutboxMessage
from menet_portal.notifications.outbox import deliver
from menet_portal.tests.factories import (
    CoordinatorFactory,
    InfoDayFactory,
    ParticipantFactory,
    RegistrationFactory,
    get_county,
)
from participants.models import Participant, Registration, RegistrationSource, RegistrationStatus
from participants.services import availability, expire_unconfirmed_registrations
from public_site import tokens
from public_site.models import RateLimitHit
from public_site.ratelimit import hashed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_limits():
    RateLimitHit.objects.all().delete()


def form_data(**overrides):
    data = {
        "family_name": "Szabó", "given_name": "Júlia", "email": "szabo.julia@example.hu", "phone": "",
        "birth_year": "1985", "settlement": "Eger", "county": str(get_county("Heves").pk),
        "target_group": "citizen", "organisation_name": "", "organisation_kind": "", "tax_number": "",
        "size_band": "", "consent": "on", "website": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def day():
    return InfoDayFactory(capacity=2, minimum=1)


def register(client, day, **overrides):
    return client.post(reverse("public:info_day", kwargs={"pk": day.pk}), form_data(**overrides))


def sent_email(kind, registration):
    message = OutboxMessage.objects.get(kind=kind, registration=registration)
    deliver(message.pk)
    return mail.outbox[-1]


def link_in(email, name):
    pattern = {"confirm": r"https?://[^\s\"<>]+/jelentkezes/megerosites/[^\s\"<>]+/",
               "personal": r"https?://[^\s\"<>]+/sajat-oldal/[^\s\"<>]+/"}[name]
    url = re.search(pattern, email.body).group(0)
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def test_registration_holds_a_place_until_confirmed(client, day):
    response = register(client, day)
    assert response.status_code == 200
    assert "Nézze meg az e-mailjét" in response.content.decode()
    registration = Registration.objects.get(info_day=day)
    assert registration.status == RegistrationStatus.PENDING
    assert registration.source == RegistrationSource.SELF_SERVICE
    assert registration.participant.consent_text_version
    assert availability(day).free == 1  # the pending place counts against capacity
    email = sent_email(MessageKind.REGISTRATION_OPT_IN, registration)
    assert email.to == ["szabo.julia@example.hu"]
    response = client.get(link_in(email, "confirm"))
    assert response.status_code == 302 and "/sajat-oldal/" in response["Location"]
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED and registration.confirmed_at
    assert registration.hold_until is None
    page = client.get(response["Location"]).content.decode()
    assert "Helye biztos" in page
    # Opening the link again changes nothing.
    assert client.get(link_in(email, "confirm")).status_code == 302


def test_expiry_frees_the_place_and_promotes_the_first_waiting(client, day):
    register(client, day, email="a@example.hu", given_name="Anna")
    register(client, day, email="b@example.hu", given_name="Béla")
    first, second = Registration.objects.filter(info_day=day).order_by("created_at")
    waiting = RegistrationFactory(info_day=day, status=RegistrationStatus.WAITLISTED, confirmed_at=None)
    assert availability(day).free == 0
    email = sent_email(MessageKind.REGISTRATION_OPT_IN, first)  # delivered while the hold runs
    later = timezone.now() + datetime.timedelta(hours=25)
    assert expire_unconfirmed_registrations(now=later) == 2
    first.refresh_from_db()
    waiting.refresh_from_db()
    assert first.status == RegistrationStatus.CANCELLED
    assert waiting.status == RegistrationStatus.CONFIRMED  # promoted, with the usual notice
    assert OutboxMessage.objects.filter(kind=MessageKind.REGISTRATION_PROMOTED, registration=waiting).exists()
    # Confirming after expiry offers the waiting list / a new place.
    response = client.get(link_in(email, "confirm"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "lejárt" in html
    response = client.post(reverse("public:rejoin", kwargs={"token": tokens.opt_in_token(first)}))
    first.refresh_from_db()
    assert first.status in (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)


def test_full_event_puts_the_person_on_the_waiting_list_with_position(client, day):
    RegistrationFactory(info_day=day)
    RegistrationFactory(info_day=day)
    RegistrationFactory(info_day=day, status=RegistrationStatus.WAITLISTED, confirmed_at=None)
    response = register(client, day)
    html = response.content.decode()
    assert "várólista 2. helyén" in html
    registration = Registration.objects.get(info_day=day, participant__email="szabo.julia@example.hu")
    assert registration.status == RegistrationStatus.WAITLISTED


def test_cancel_by_personal_link_frees_the_place_and_promotes(client, day):
    register(client, day)
    registration = Registration.objects.get(info_day=day)
    client.get(reverse("public:confirm", kwargs={"token": tokens.opt_in_token(registration)}))
    RegistrationFactory(info_day=day)
    waiting = RegistrationFactory(info_day=day, status=RegistrationStatus.WAITLISTED, confirmed_at=None)
    token = tokens.personal_token(registration.participant)
    public_url = reverse("public:info_day", kwargs={"pk": day.pk})
    assert "Nincs szabad hely" in client.get(public_url).content.decode()
    client.post(reverse("public:personal_cancel", kwargs={"token": token, "pk": registration.pk}))
    registration.refresh_from_db()
    waiting.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
    assert waiting.status == RegistrationStatus.CONFIRMED


def test_tampered_or_foreign_links_are_a_hungarian_404(client, day):
    register(client, day)
    registration = Registration.objects.get(info_day=day)
    token = tokens.opt_in_token(registration)
    tampered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    for url in [reverse("public:confirm", kwargs={"token": tampered}),
                reverse("public:personal", kwargs={"token": tampered}),
                reverse("public:personal", kwargs={"token": token})]:  # an opt-in token can't open a personal page
        response = client.get(url)
        assert response.status_code == 404
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.PENDING
    other = RegistrationFactory(info_day=InfoDayFactory())
    response = client.post(reverse("public:personal_cancel", kwargs={
        "token": tokens.personal_token(registration.participant), "pk": other.pk}))
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == RegistrationStatus.CONFIRMED


def test_honeypot_records_nothing_but_answers_the_same(client, day):
    response = register(client, day, website="http://spam.example")
    assert response.status_code == 200
    assert "Nézze meg az e-mailjét" in response.content.decode()
    assert not Registration.objects.exists() and not OutboxMessage.objects.exists()


def test_rate_limit_per_ip_and_per_email(client, day, settings):
    settings.PUBLIC_REGISTRATION_RATE = 2
    register(client, day, email="x1@example.hu", given_name="Egy")
    register(client, day, email="x2@example.hu", given_name="Kettő")
    response = register(client, day, email="x3@example.hu", given_name="Három")
    assert response.status_code == 429
    assert "Túl sok próbálkozás" in response.content.decode()
    assert Registration.objects.count() == 2
    RateLimitHit.objects.filter(key=hashed("ip:127.0.0.1")).delete()
    # The same address from another client is limited too.
    other = client.__class__(REMOTE_ADDR="10.0.0.9")
    other.post(reverse("public:info_day", kwargs={"pk": day.pk}), form_data(email="x1@example.hu", given_name="Négy"))
    response = other.post(reverse("public:info_day", kwargs={"pk": day.pk}), form_data(email="x1@example.hu", given_name="Öt"))
    assert response.status_code == 429


def test_bad_input_gets_hungarian_errors_tied_to_fields_and_changes_nothing(client, day):
    response = register(client, day, email="", consent="", birth_year="abc")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'aria-invalid="true"' in html and 'id="id_email_error"' in html
    assert "adatkezelési tájékoztatót" in html
    assert not Participant.objects.exists()


def test_known_email_from_another_library_reveals_nothing(client, day):
    library_person = ParticipantFactory(
        family_name="Titkos", given_name="Tamás", email="ismert@example.hu", phone="+36 30 999 8888",
        registering_library=CoordinatorFactory().library,
    )
    RegistrationFactory(participant=library_person, info_day=InfoDayFactory())
    known = register(client, day, email="ismert@example.hu", family_name="Titkos", given_name="Tamás")
    fresh = register(client, day, email="uj@example.hu", family_name="Új", given_name="Ember")
    strip = lambda r: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", r.content.decode())  # noqa: E731
    assert known.status_code == fresh.status_code == 200
    assert strip(known) == strip(fresh)  # the very same page, byte for byte
    assert "999 8888" not in known.content.decode() and "már szerepel" not in known.content.decode()
    # The library's person is untouched; the new row waits for the link to be resolved.
    library_person.refresh_from_db()
    assert library_person.phone == "+36 30 999 8888"
    registration = Registration.objects.get(info_day=day, participant__email="ismert@example.hu")
    email = sent_email(MessageKind.REGISTRATION_OPT_IN, registration)
    assert "999 8888" not in email.body and library_person.registering_library.name not in email.body


def test_places_left_change_after_a_public_registration(client, day):
    url = reverse("public:info_day", kwargs={"pk": day.pk})
    assert "2 szabad hely" in client.get(url).content.decode()
    register(client, day)
    assert "1 szabad hely" in client.get(url).content.decode()


def test_closed_event_says_so_and_records_nothing(client, day):
    day.status = "closed"
    day.save()
    response = register(client, day)
    assert response.status_code == 409
    assert "A jelentkezés lezárult" in response.content.decode()
    assert not Registration.objects.exists()
