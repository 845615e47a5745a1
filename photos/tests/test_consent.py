"""The separate, optional photo consent: recorded with its time at registration, on the public
form and by import; withdrawn on the edit form; cleared by anonymisation."""

import pytest
from django.urls import reverse

from menet_portal.tests import factories
from participants import services as participant_services
from participants.forms import RegistrationForm
from participants.models import Participant
from privacy.services import anonymise_participant

pytestmark = pytest.mark.django_db


def _data(**extra):
    county = factories.get_county("Pest")
    return {"family_name": "Fotós", "given_name": "Flóra", "email": "flora@example.hu", "phone": "", "birth_year": 1985,
            "settlement": "Vác", "county": county.pk, "target_group": "citizen", "consent": "on", **extra}


def test_the_registration_form_records_the_photo_consent_with_its_time_and_it_is_optional(coordinator):
    form = RegistrationForm(data=_data(photo_consent="on"))
    assert form.is_valid(), form.errors
    person, _created = participant_services.create_participant(data=form.cleaned_data, viewer=coordinator,
                                                               library=coordinator.library)
    assert person.photo_consent_at is not None
    form = RegistrationForm(data=_data(email="masik@example.hu", given_name="Márk"))
    assert form.is_valid(), form.errors
    other, _created = participant_services.create_participant(data=form.cleaned_data, viewer=coordinator,
                                                              library=coordinator.library)
    assert other.photo_consent_at is None


def test_the_edit_form_withdraws_and_gives_it_again(client, coordinator):
    person = factories.ParticipantFactory(registering_library=coordinator.library)
    client.force_login(coordinator)
    url = reverse("participants:participant_edit", args=[person.pk])
    data = {**_data(photo_consent="on"), "family_name": person.family_name, "given_name": person.given_name,
            "email": person.email, "settlement": person.settlement, "birth_year": person.birth_year,
            "county": person.county_id}
    assert client.post(url, data).status_code == 302
    person.refresh_from_db()
    given = person.photo_consent_at
    assert given is not None
    client.post(url, data)
    person.refresh_from_db()
    assert person.photo_consent_at == given  # kept, not re-stamped
    data.pop("photo_consent")
    client.post(url, data)
    person.refresh_from_db()
    assert person.photo_consent_at is None


def test_the_public_self_registration_form_offers_it(client):
    day = factories.InfoDayFactory()
    page = client.get(reverse("public:info_day", args=[day.pk]))
    body = page.content.decode()
    assert 'name="photo_consent"' in body and "fénykép" in body.lower()


def test_anonymisation_clears_the_photo_consent(staff):
    from django.utils import timezone

    person = factories.ParticipantFactory(photo_consent_at=timezone.now())
    anonymise_participant(participant=person, reason="kérelem 12/2026", anonymised_by=staff)
    person.refresh_from_db()
    assert person.photo_consent_at is None
    assert not Participant.history.filter(id=person.pk, photo_consent_at__isnull=False).exists()


def test_an_import_column_records_it():
    from participants.imports import COLUMNS

    assert "photo_consent" in [name for name, _label in COLUMNS]
