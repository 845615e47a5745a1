"""The participant list's status filter looks only at registrations the user may see."""

import pytest
from django.urls import reverse
from django.utils import timezone

from menet_portal.tests.factories import InfoDayFactory, ParticipantFactory, RegistrationFactory
from participants.models import RegistrationStatus

pytestmark = pytest.mark.django_db


def test_cancelled_filter_ignores_another_librarys_registrations(login, coordinator):
    own_day = InfoDayFactory(library=coordinator.library)
    other_day = InfoDayFactory()
    person = ParticipantFactory(family_name="Kettős", registering_library=coordinator.library)
    RegistrationFactory(participant=person, info_day=own_day, status=RegistrationStatus.CONFIRMED)
    RegistrationFactory(participant=person, info_day=other_day, status=RegistrationStatus.CANCELLED,
                        cancelled_at=timezone.now(), cancel_reason="máshol")
    client = login(coordinator)
    response = client.get(reverse("participants:participant_list"), {"status": "cancelled"})
    assert [p.family_name for p in response.context["page_obj"]] == []
    response = client.get(reverse("participants:participant_list"), {"status": "confirmed"})
    assert [p.family_name for p in response.context["page_obj"]] == ["Kettős"]
