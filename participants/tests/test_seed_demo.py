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
