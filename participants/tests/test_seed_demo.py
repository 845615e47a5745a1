import pytest
from django.core.management import call_command
from django.db.models import Count

from menet_portal.models import Role, User
from participants.models import Organisation, Participant, Registration, RegistrationStatus
from participants.validators import validate_tax_number
from trainings.models import Attendance

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_accounts_and_realistic_registrations(capsys):
    call_command("seed_demo", participants=500)
    out = capsys.readouterr().out
    assert "menet-demo-2026" in out and "koord-budapest" in out
    roles = dict(User.objects.values_list("role").annotate(n=Count("id")))
    assert roles[Role.STAFF] == 1 and roles[Role.FUNDER] == 1
    assert roles[Role.COORDINATOR] == 17 and roles[Role.TRAINER] == 10
    assert not User.objects.filter(role__in=[Role.COORDINATOR, Role.TRAINER], library__isnull=True).exists()

    assert Participant.objects.count() == 500
    assert set(Participant.objects.values_list("target_group", flat=True)) == {"citizen", "nonprofit", "business"}
    for tax_number in Organisation.objects.values_list("tax_number", flat=True)[:50]:
        validate_tax_number(tax_number)
    # no event over capacity
    for reg in (
        Registration.objects.filter(status=RegistrationStatus.CONFIRMED)
        .values("info_day", "course").annotate(n=Count("id"))
    ):
        assert reg["n"] <= (30 if reg["info_day"] else 15)
    assert Attendance.objects.exists()


def test_seed_demo_again_adds_no_second_set_of_people():
    call_command("seed_demo", participants=50, verbosity=0)
    call_command("seed_demo", participants=50, verbosity=0)
    assert Participant.objects.count() == 50
    assert User.objects.filter(username="mke").count() == 1


def _assert_invariants():
    from django.db.models import Q

    from events.models import InfoDay, Programme
    from menet_portal.notifications.models import OutboxMessage
    from trainings.models import Course

    # one info day per region per programme
    for programme in Programme.objects.all():
        regions = list(InfoDay.objects.filter(programme=programme).values_list("region_id", flat=True))
        assert len(regions) == len(set(regions)) == 7
    events = [("info_day", e) for e in InfoDay.objects.all()] + [("course", c) for c in Course.objects.all()]
    for field, event in events:
        regs = Registration.objects.filter(**{field: event})
        confirmed = regs.filter(status=RegistrationStatus.CONFIRMED).count()
        waiting = regs.filter(status=RegistrationStatus.WAITLISTED).count()
        assert confirmed <= event.capacity, event
        assert not (waiting and confirmed < event.capacity), f"{event}: {confirmed}/{event.capacity} with {waiting} waiting"
    assert not Registration.objects.filter(status=RegistrationStatus.CONFIRMED, confirmed_at__isnull=True).exists()
    assert not Registration.objects.filter(status=RegistrationStatus.CANCELLED, cancelled_at__isnull=True).exists()
    # a waiting list is in time order after the confirmed places
    # every attendance row has its history, recorded by someone, and only confirmed people attend
    history = Attendance.history.model.objects
    assert Attendance.objects.count() > 0
    assert not Attendance.objects.exclude(pk__in=history.values("id")).exists()
    assert not Attendance.objects.filter(recorded_by__isnull=True).exists()
    assert not Attendance.objects.exclude(registration__status=RegistrationStatus.CONFIRMED).exists()
    for att in Attendance.objects.all()[:200]:
        latest = history.filter(id=att.pk).order_by("-history_date", "-history_id").first()
        assert latest.status == att.status
    assert history.filter(history_type="~").exists() or Attendance.objects.count() < 100
    # the outbox holds the notice of every confirmed or waitlisted registration
    noticed = OutboxMessage.objects.filter(
        kind__in=["registration_confirmed", "registration_waitlisted"]
    ).values("registration_id")
    assert not Registration.objects.exclude(status=RegistrationStatus.CANCELLED).exclude(pk__in=noticed).exists()
    assert not OutboxMessage.objects.filter(status="sent", sent_at__isnull=True).exists()
    # realistic organisation names: no kind label glued to a settlement
    names = list(Organisation.objects.values_list("name", flat=True))
    assert names
    assert not [n for n in names if "Egyéb" in n or "egyéb" in n or "nonprofit szervezet" in n], names[:5]
    assert not Organisation.objects.filter(Q(name__endswith="Egyesület") & Q(kind="foundation")).exists()


def test_seed_demo_keeps_every_rule():
    call_command("seed_demo", participants=400, verbosity=0)
    _assert_invariants()


def test_seed_demo_at_scale_adds_programme_waves_and_keeps_every_rule():
    from events.models import InfoDay, Programme
    from reports.selectors import current_programme
    from trainings.models import Course, Session

    call_command("seed_demo", participants=3000, events=260, verbosity=0)
    assert InfoDay.objects.count() + Course.objects.count() == 260
    assert Programme.objects.count() == 2
    assert current_programme().slug == "menet-2026"
    assert not Course.objects.exclude(pk__in=Session.objects.filter(number=4).values("course_id")).exists()
    assert Participant.objects.count() == 3000
    assert Registration.objects.count() > 3000
    _assert_invariants()
