"""Merging two records of one person: staff only, field by field, registrations moved, history kept."""

import pytest
from django.urls import reverse

from menet_portal.tests.factories import (
    AttendanceFactory,
    CoordinatorFactory,
    InfoDayFactory,
    ParticipantFactory,
    RegistrationFactory,
    TrainerFactory,
)
from participants.models import Participant, Registration, RegistrationStatus
from privacy import services
from privacy.models import DuplicateCase, DuplicateStatus
from trainings.models import Attendance

pytestmark = pytest.mark.django_db


def _case(**second_overrides):
    first = ParticipantFactory(family_name="Kiss", given_name="Ilona", email="kiss.ilona@example.hu",
                               phone="+36 30 111 2222", birth_year=1970)
    second = ParticipantFactory(family_name="Kiss", given_name="Ilona", email="KISS.ILONA@example.hu",
                                phone="+36 20 333 4444", birth_year=1971, **second_overrides)
    services.record_duplicate_cases([second.pk])
    return DuplicateCase.objects.get(), first, second


def test_only_staff_see_the_duplicate_pages(client, login, staff):
    case, _first, _second = _case()
    for user in (CoordinatorFactory(), TrainerFactory()):
        client.force_login(user)
        assert client.get(reverse("privacy:duplicate_list")).status_code == 403
        assert client.get(reverse("privacy:duplicate_detail", args=[case.pk])).status_code == 403
        assert client.post(reverse("privacy:duplicate_detail", args=[case.pk]), {"keep": "first"}).status_code == 403
    client.logout()
    assert client.get(reverse("privacy:duplicate_list")).status_code == 302
    page = login(staff).get(reverse("privacy:duplicate_list"))
    assert case in page.context["page_obj"].object_list
    detail = login(staff).get(reverse("privacy:duplicate_detail", args=[case.pk]))
    assert "+36 20 333 4444" in detail.content.decode() and "+36 30 111 2222" in detail.content.decode()


def test_merge_field_by_field_moves_registrations_and_keeps_history(login, staff):
    case, first, second = _case()
    day_a, day_b, shared = InfoDayFactory(), InfoDayFactory(), InfoDayFactory(capacity=2, minimum=1)
    RegistrationFactory(participant=first, info_day=day_a)
    RegistrationFactory(participant=second, info_day=day_b)
    kept = RegistrationFactory(participant=first, info_day=shared)
    dropped = RegistrationFactory(participant=second, info_day=shared)
    waiting = RegistrationFactory(info_day=shared, status=RegistrationStatus.WAITLISTED)
    AttendanceFactory(registration=dropped)
    consent = (second.consent_given_at, second.consent_text_version)
    response = login(staff).post(reverse("privacy:duplicate_detail", args=[case.pk]), {
        "keep": "first", "field_phone": "second", "field_birth_year": "second", "field_consent": "second",
        "note": "A résztvevő telefonon megerősítette.",
    })
    assert response.status_code == 302, response.context["error"]
    survivor = Participant.objects.get(pk=first.pk)
    assert not Participant.objects.filter(pk=second.pk).exists()
    assert (survivor.phone, survivor.birth_year, survivor.email) == ("+36 20 333 4444", 1971, first.email)
    assert (survivor.consent_given_at, survivor.consent_text_version) == consent  # one of the two, never "now"
    assert set(Registration.objects.filter(participant=survivor).values_list("info_day", flat=True)) == {
        day_a.pk, day_b.pk, shared.pk}
    assert Registration.objects.filter(info_day=shared, participant=survivor).get().pk == kept.pk
    assert Attendance.objects.filter(registration=kept).count() == 1  # moved from the dropped one
    # One of two confirmed places freed: the waiting list moves up, capacity holds.
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert Registration.objects.filter(info_day=shared, status=RegistrationStatus.CONFIRMED).count() <= 2
    case.refresh_from_db()
    assert (case.status, case.closed_by, case.survivor_id, case.merged_away_pk) == (
        DuplicateStatus.MERGED, staff, first.pk, second.pk)
    assert case.closed_at and case.note.startswith("A résztvevő")
    assert survivor.history.filter(history_change_reason__contains=f"#{case.pk}").exists()
    assert Participant.history.filter(id=second.pk, history_type="-").exists()


def test_a_merged_or_dismissed_case_cannot_be_decided_again(staff):
    case, _first, _second = _case()
    services.dismiss_duplicate(case=case, dismissed_by=staff, note="két ember")
    with pytest.raises(services.PrivacyError):
        services.merge_duplicate(case=case, keep="first", choices={}, merged_by=staff)
    assert services.record_duplicate_cases([case.second_id]) == []  # a dismissed pair is not raised again


def test_a_bad_choice_changes_nothing(login, staff):
    case, first, second = _case()
    response = login(staff).post(reverse("privacy:duplicate_detail", args=[case.pk]),
                                 {"keep": "first", "field_phone": "harmadik"})
    assert response.status_code == 400 and "Érvénytelen" in response.content.decode()
    assert Participant.objects.filter(pk__in=[first.pk, second.pk]).count() == 2
    case.refresh_from_db()
    assert case.status == DuplicateStatus.OPEN


def test_merge_keeps_the_stronger_registration_and_moves_its_dependents(staff):
    case, first, second = _case()
    day = InfoDayFactory()
    cancelled = RegistrationFactory(participant=first, info_day=day, status=RegistrationStatus.CANCELLED,
                                    cancelled_at="2026-01-01T10:00:00Z")
    confirmed = RegistrationFactory(participant=second, info_day=day)
    services.merge_duplicate(case=case, keep="first", choices={}, merged_by=staff)
    registration = Registration.objects.get(info_day=day)
    assert registration.pk == confirmed.pk and registration.participant_id == first.pk
    assert not Registration.objects.filter(pk=cancelled.pk).exists()


def test_other_open_cases_of_the_removed_record_follow_the_survivor(staff):
    case, first, second = _case()
    third = ParticipantFactory(family_name="Kiss", given_name="Ilona", email="harmadik@example.hu", birth_year=1971,
                               settlement=second.settlement)
    services.record_duplicate_cases([third.pk])
    other = DuplicateCase.objects.get(second=third)
    assert other.first_id == second.pk
    services.merge_duplicate(case=case, keep="first", choices={}, merged_by=staff)
    other.refresh_from_db()
    assert (other.first_id, other.second_id, other.status) == (first.pk, third.pk, DuplicateStatus.OPEN)


def test_self_registration_is_matched_once_the_e_mail_is_confirmed():
    day = InfoDayFactory()
    known = ParticipantFactory(family_name="Kiss", given_name="Ilona", email="kiss.ilona@example.hu",
                               phone="+36 30 111 2222")
    RegistrationFactory(participant=known, info_day=InfoDayFactory())
    from participants.services import create_participant, register_participant
    from participants.tests.factories import person_data

    new, created = create_participant(viewer=None, data=person_data(
        family_name="KISS", given_name="ilona", email="Kiss.Ilona@example.hu", phone=""))
    assert created  # the public answer is the same as for a new address
    register_participant(participant=new, event=day, source="self_service")
    survivor = services.resolve_self_registration(new)
    assert survivor.pk == known.pk and survivor.phone == "+36 30 111 2222"
    assert not Participant.objects.filter(pk=new.pk).exists()
    assert Registration.objects.filter(participant=known).count() == 2
    assert survivor.consent_given_at == new.consent_given_at  # the consent the person just gave


def test_an_uncertain_self_registration_match_goes_to_staff():
    ParticipantFactory(family_name="Kiss", given_name="Ilona", email="kiss.ilona@example.hu")
    from participants.services import create_participant
    from participants.tests.factories import person_data

    new, _ = create_participant(viewer=None, data=person_data(family_name="Nagy", given_name="Éva",
                                                              email="kiss.ilona@example.hu"))
    assert services.resolve_self_registration(new).pk == new.pk
    assert DuplicateCase.objects.filter(second=new, status=DuplicateStatus.OPEN).exists()
