"""Setting up and changing info days: events.services.save_info_day and the capacity rule."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from events.models import EventStatus, InfoDay
from events.services import save_info_day
from menet_portal.models import MessageKind, OutboxMessage, OutboxStatus
from menet_portal.notifications import outbox
from menet_portal.tests.factories import (
    InfoDayFactory,
    LibraryFactory,
    ParticipantFactory,
    ProgrammeFactory,
    RegistrationFactory,
    StaffFactory,
    get_region,
)
from menet_portal.tests.outbox_helpers import clock, local  # noqa: F401
from participants.models import RegistrationStatus
from participants.services import RegistrationError, change_capacity, register_participant

pytestmark = pytest.mark.django_db


def _day_data(**overrides):
    programme = overrides.pop("programme", None) or ProgrammeFactory()
    data = {
        "programme": programme, "region": get_region("Észak-Magyarország"), "library": LibraryFactory(),
        "title": "Információs nap – Eger", "description": "", "date": datetime.date(2026, 11, 24),
        "start_time": datetime.time(9), "end_time": datetime.time(13), "room": "Nagyterem",
        "capacity": 30, "minimum": 25, "status": EventStatus.OPEN,
    }
    data.update(overrides)
    return data


def _fill(day, confirmed, waiting=0):
    RegistrationFactory.create_batch(confirmed, info_day=day)
    RegistrationFactory.create_batch(waiting, info_day=day, status=RegistrationStatus.WAITLISTED)


def test_change_capacity_below_the_confirmed_count_is_refused_with_the_numbers():
    day = InfoDayFactory(capacity=20, minimum=10)
    _fill(day, 15)
    with pytest.raises(RegistrationError) as error:
        change_capacity(event=day, capacity=12)
    assert str(error.value) == "15 fő már visszaigazolt, a létszám nem lehet kevesebb 15-nél."
    day.refresh_from_db()
    assert day.capacity == 20


@pytest.mark.parametrize("n,expected", [(3, "3-nál"), (10, "10-nél"), (15, "15-nél"), (20, "20-nál"),
                                        (26, "26-nál"), (40, "40-nél"), (100, "100-nál")])
def test_than_suffix_follows_hungarian_vowel_harmony(n, expected):
    from participants.services import _than_suffix

    assert _than_suffix(n) == expected


def test_creating_an_info_day_checks_every_constraint_beside_its_field():
    data = _day_data(start_time=datetime.time(13), end_time=datetime.time(9), capacity=20, minimum=25)
    with pytest.raises(ValidationError) as error:
        save_info_day(data=data)
    errors = error.value.message_dict
    assert errors["end_time"] == ["A befejezés nem lehet korábbi a kezdésnél (13:00), és nem is eshet egybe vele."]
    assert errors["minimum"] == ["A minimális létszám nem lehet nagyobb a férőhelynél (25 > 20)."]
    assert "megszorítás" not in str(errors)
    assert not InfoDay.objects.exists()


def test_one_info_day_per_region_per_programme_is_reported_on_the_region():
    existing = save_info_day(data=_day_data())
    with pytest.raises(ValidationError) as error:
        save_info_day(data=_day_data(programme=existing.programme, library=LibraryFactory()))
    assert list(error.value.message_dict) == ["region"]
    assert "Ebben a régióban már van információs nap ebben a programban" in error.value.message_dict["region"][0]


def test_cancelling_is_not_a_plain_status_change():
    day = InfoDayFactory()
    with pytest.raises(ValidationError) as error:
        save_info_day(info_day=day, data={"status": EventStatus.CANCELLED})
    assert "status" in error.value.message_dict


def test_lowering_capacity_below_confirmed_in_the_set_up_is_refused_with_the_numbers():
    day = InfoDayFactory(capacity=20, minimum=10)
    _fill(day, 15)
    with pytest.raises(ValidationError) as error:
        save_info_day(info_day=day, data={"capacity": 14, "minimum": 10, "room": "Kisterem"})
    assert error.value.message_dict == {"capacity": ["15 fő már visszaigazolt, a létszám nem lehet kevesebb 15-nél."]}
    day.refresh_from_db()
    assert (day.capacity, day.room) == (20, "")


def test_raising_capacity_in_the_set_up_promotes_from_the_waiting_list():
    day = InfoDayFactory(capacity=3, minimum=3)
    _fill(day, 3, waiting=2)
    save_info_day(info_day=day, data={"capacity": 4})
    counts = {s: day.registrations.filter(status=s).count() for s in RegistrationStatus.values}
    assert counts[RegistrationStatus.CONFIRMED] == 4 and counts[RegistrationStatus.WAITLISTED] == 1
    assert OutboxMessage.objects.filter(kind=MessageKind.REGISTRATION_PROMOTED).count() == 1


def test_a_moved_date_notifies_every_confirmed_and_waiting_person_once(django_capture_on_commit_callbacks):
    day = InfoDayFactory(capacity=2, minimum=1, date=datetime.date(2026, 12, 10), title="Információs nap – Eger")
    confirmed = [register_participant(participant=ParticipantFactory(), event=day) for _ in range(2)]
    waiting = register_participant(participant=ParticipantFactory(), event=day)
    cancelled = register_participant(participant=ParticipantFactory(), event=day)
    from participants.services import cancel_registration

    cancel_registration(registration=cancelled, reason="Nem ér rá")
    mail.outbox.clear()
    staff = StaffFactory()
    with django_capture_on_commit_callbacks(execute=True):
        save_info_day(info_day=day, data={"date": datetime.date(2026, 12, 17), "start_time": datetime.time(10)},
                      changed_by=staff)
    notices = OutboxMessage.objects.filter(kind=MessageKind.EVENT_RESCHEDULED)
    assert sorted(notices.values_list("registration_id", flat=True)) == sorted(
        r.pk for r in confirmed + [waiting]
    )
    assert len(mail.outbox) == 3 and all(m.status == OutboxStatus.SENT for m in notices)
    body = mail.outbox[0].body
    assert mail.outbox[0].subject == "Megváltozott az időpont vagy a helyszín: Információs nap – Eger"
    assert "2026. december 17." in body and "10:00" in body
    assert "2026. december 10." in body  # the old date, crossed out
    # Saving again without a change, or sending the messages again, writes and sends nothing new.
    with django_capture_on_commit_callbacks(execute=True):
        save_info_day(info_day=day, data={"date": datetime.date(2026, 12, 17)}, changed_by=staff)
    for message in notices:
        outbox.deliver(message.pk)
    assert notices.count() == 3 and len(mail.outbox) == 3


def test_a_changed_room_notifies_but_capacity_alone_does_not():
    day = InfoDayFactory(capacity=5, minimum=1)
    register_participant(participant=ParticipantFactory(), event=day)
    save_info_day(info_day=day, data={"capacity": 6})
    assert not OutboxMessage.objects.filter(kind=MessageKind.EVENT_RESCHEDULED).exists()
    save_info_day(info_day=day, data={"room": "Kisterem"})
    notice = OutboxMessage.objects.get(kind=MessageKind.EVENT_RESCHEDULED)
    assert notice.context["changes"] == [{"field": "room", "label": "terem", "old": "–", "new": "Kisterem"}]


def test_reminders_follow_the_new_date(clock):  # noqa: F811
    clock.set(local(2026, 11, 21, 10, 0))
    day = InfoDayFactory(date=datetime.date(2026, 11, 24), start_time=datetime.time(9))
    RegistrationFactory(info_day=day, confirmed_at=local(2026, 11, 1, 9, 0))
    outbox.dispatch_due()
    old = OutboxMessage.objects.get(kind=MessageKind.EVENT_REMINDER)
    OutboxMessage.objects.filter(pk=old.pk).update(status=OutboxStatus.SCHEDULED, sent_at=None)  # not sent yet
    save_info_day(info_day=day, data={"date": datetime.date(2026, 12, 1)})
    old.refresh_from_db()
    assert old.status == OutboxStatus.SKIPPED
    clock.set(local(2026, 11, 28, 9, 0))
    outbox.dispatch_due()
    new = OutboxMessage.objects.filter(kind=MessageKind.EVENT_REMINDER).exclude(pk=old.pk).get()
    assert new.slot.endswith("@20261201T0800Z") and new.status == OutboxStatus.SENT
    assert "2026. december 1." in mail.outbox[-1].subject


def test_every_change_is_kept_in_the_history_with_who_made_it():
    staff = StaffFactory()
    day = save_info_day(data=_day_data(), changed_by=staff)
    save_info_day(info_day=day, data={"room": "Kisterem", "capacity": 28}, changed_by=staff)
    records = list(day.history.order_by("history_id"))
    assert [r.history_type for r in records] == ["+", "~"]
    assert records[-1].history_user == staff
    delta = records[-1].diff_against(records[0])
    assert sorted(delta.changed_fields) == ["capacity", "room"]
