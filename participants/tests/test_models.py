import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from menet_portal.tests.factories import (
    CourseFactory,
    InfoDayFactory,
    NonprofitFactory,
    OrganisationFactory,
    ParticipantFactory,
    RegistrationFactory,
)
from participants.models import Organisation, Participant, Registration, RegistrationStatus, TargetGroup

pytestmark = pytest.mark.django_db


def test_same_person_twice_on_one_info_day_is_rejected_by_the_database():
    registration = RegistrationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(
            participant=registration.participant, info_day=registration.info_day,
            status=RegistrationStatus.WAITLISTED, source="import",
        )


def test_same_person_twice_on_one_course_is_rejected_by_the_database():
    course = CourseFactory()
    registration = RegistrationFactory(info_day=None, course=course)
    with pytest.raises(IntegrityError), transaction.atomic():
        RegistrationFactory(participant=registration.participant, info_day=None, course=course)


def test_registration_names_exactly_one_event():
    participant = ParticipantFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        RegistrationFactory(participant=participant, info_day=InfoDayFactory(), course=CourseFactory())
    with pytest.raises(IntegrityError), transaction.atomic():
        RegistrationFactory(participant=participant, info_day=None, course=None)


def test_cancelled_registration_records_when():
    with pytest.raises(IntegrityError), transaction.atomic():
        RegistrationFactory(status=RegistrationStatus.CANCELLED, cancelled_at=None)
    RegistrationFactory(status=RegistrationStatus.CANCELLED, cancelled_at=timezone.now())


def test_business_participant_needs_an_organisation_and_citizen_has_none():
    with pytest.raises(IntegrityError), transaction.atomic():
        ParticipantFactory(target_group=TargetGroup.BUSINESS, organisation=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        ParticipantFactory(target_group=TargetGroup.CITIZEN, organisation=OrganisationFactory())
    ParticipantFactory(target_group=TargetGroup.BUSINESS, organisation=OrganisationFactory())


def test_organisation_size_band_only_for_businesses():
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(size_band="")
    with pytest.raises(IntegrityError), transaction.atomic():
        NonprofitFactory(size_band="micro")


def test_malformed_tax_number_is_rejected_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(tax_number="1077338-2-44")
    assert not Organisation.objects.exists()


def test_people_are_listed_in_hungarian_alphabetical_order():
    assert connection.vendor == "postgresql", "the test suite runs on PostgreSQL"
    for family in ["Özvegy", "Csizmadia", "Ősz", "Czakó", "Cukor", "Zsoldos", "Szabó", "Zala", "Sárközi"]:
        ParticipantFactory(family_name=family, given_name="Anna")
    names = list(Participant.objects.values_list("family_name", flat=True))
    # c < cs, s < sz, z < zs; ö and ő sort together, so Ősz (sz) comes before Özvegy (z).
    assert names == ["Cukor", "Czakó", "Csizmadia", "Ősz", "Özvegy", "Sárközi", "Szabó", "Zala", "Zsoldos"]
    # Byte order would get both wrong.
    assert sorted(names) != names
