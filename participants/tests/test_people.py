"""Recording and recognising people: participants.services.create_participant and friends."""

import pytest
from django.conf import settings

from menet_portal.tests.factories import InfoDayFactory, OrganisationFactory, ParticipantFactory
from participants.models import Organisation, Participant, RegistrationStatus
from participants.services import (
    AlreadyRegistered,
    DuplicateParticipant,
    create_participant,
    outside_active_age,
    record_and_register,
    update_participant,
)

from .factories import business_data, person_data

pytestmark = pytest.mark.django_db


def test_new_person_is_recorded_with_normalised_phone_and_consent_version(staff):
    person, created = create_participant(viewer=staff, data=person_data())
    assert created
    assert person.phone == "+36 30 123 4567"
    assert person.consent_text_version == settings.CONSENT_TEXT_VERSION and person.consent_given_at


def test_business_participant_gets_their_organisation_by_tax_number(staff):
    person, _ = create_participant(viewer=staff, data=business_data(tax_number="10773381 2 44"))
    assert person.organisation.tax_number == "10773381-2-44"
    assert person.organisation.size_band == "micro"
    again, _ = create_participant(viewer=staff, data=business_data(
        tax_number="10773381-2-44", email="masik@example.hu", given_name="Ödön"))
    assert again.organisation_id == person.organisation_id
    assert Organisation.objects.count() == 1


@pytest.mark.parametrize("changes", [
    {"email": "SZOKE.Gyozo@Example.hu", "family_name": "Más", "given_name": "Név"},
    {"email": "", "family_name": "szőke", "given_name": "GYŐZŐ", "settlement": "tata"},
])
def test_a_known_person_is_offered_instead_of_a_second_one(changes, staff):
    known, _ = create_participant(viewer=staff, data=person_data())
    with pytest.raises(DuplicateParticipant) as exc:
        create_participant(viewer=staff, data=person_data(**changes))
    assert [c.pk for c in exc.value.candidates] == [known.pk]
    assert Participant.objects.count() == 1
    chosen, created = create_participant(viewer=staff, data=person_data(**changes), use_existing=known.pk)
    assert chosen.pk == known.pk and not created


def test_use_existing_must_be_one_of_the_matches(staff):
    create_participant(viewer=staff, data=person_data())
    stranger = ParticipantFactory()
    with pytest.raises(DuplicateParticipant):
        create_participant(viewer=staff, data=person_data(), use_existing=stranger.pk)


def test_same_person_twice_on_one_event_is_impossible_and_records_nothing(staff):
    day = InfoDayFactory()
    person, reg = record_and_register(viewer=staff, data=person_data(), event=day)
    assert reg.status == RegistrationStatus.CONFIRMED
    with pytest.raises(AlreadyRegistered):
        record_and_register(viewer=staff, data=person_data(), event=day, use_existing=person.pk)


def test_editing_cannot_turn_a_person_into_a_copy_of_another(staff):
    create_participant(viewer=staff, data=person_data())
    other, _ = create_participant(viewer=staff, data=person_data(email="b@example.hu", given_name="Béla"))
    with pytest.raises(DuplicateParticipant):
        update_participant(viewer=staff, participant=other, data=person_data(email="szoke.gyozo@example.hu", given_name="Béla"))
    updated = update_participant(viewer=staff, participant=other, data=person_data(email="b@example.hu", given_name="Béla",
                                                                     phone="+36-1-234-5678"))
    assert updated.phone == "+36 1 234 5678"


def test_existing_organisation_of_the_wrong_kind_is_refused(staff):
    org = OrganisationFactory(kind="association", size_band="")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        create_participant(viewer=staff, data=business_data(tax_number=org.tax_number))


@pytest.mark.parametrize("group, year, warned", [
    ("citizen", 1950, True), ("citizen", 1980, False), ("citizen", 2015, True), ("business", 1950, False),
])
def test_outside_active_age_only_warns_for_citizens(group, year, warned):
    import datetime

    assert outside_active_age(target_group=group, birth_year=year, today=datetime.date(2026, 11, 25)) is warned


def test_editing_corrects_the_organisation_found_by_tax_number(staff):
    person, _ = create_participant(viewer=staff, data=business_data(tax_number="10773381-2-44"))
    updated = update_participant(viewer=staff, participant=person, data=business_data(
        tax_number="10773381-2-44", organisation_name="Példa és Társa Bt.", size_band="small"))
    assert updated.organisation_id == person.organisation_id
    assert updated.organisation.name == "Példa és Társa Bt." and updated.organisation.size_band == "small"
    # Someone else typing another name for the same tax number does not rename it.
    other, _ = create_participant(viewer=staff, data=business_data(
        tax_number="10773381-2-44", organisation_name="Elírt Név", email="x@example.hu", given_name="Xénia"))
    assert other.organisation.name == "Példa és Társa Bt."
