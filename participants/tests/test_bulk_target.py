"""The registration list's bulk-move target: a bounded, searchable select (never every open
event), searchable without JavaScript (its own GET form keeps the list's filters) and with it
(event_search?kind=target); moving to an event beyond the first options still works. And the
coordinator's registration scope as a union of two index scans: the same rows as the OR."""

import datetime

import pytest
from django.utils import timezone
from django.core.management import call_command
from django.db.models import Q
from django.urls import reverse

from events.models import EventStatus, InfoDay
from menet_portal.models import Role, User
from menet_portal.scope import registrations_for
from menet_portal.tests.factories import CoordinatorFactory, InfoDayFactory, ParticipantFactory, TrainerFactory
from participants import selectors
from participants.models import Registration, RegistrationStatus
from participants.services import register_participant
from participants.views import BULK_REPORT_KEY
from trainings.models import Course

pytestmark = pytest.mark.django_db


def _target_options(html):
    start = html.index('name="to_event"')
    return html[start:html.index("</select>", start)].count("<option")


def test_the_move_target_lists_a_bounded_number_of_events_and_says_there_are_more(login, staff):
    for n in range(selectors.EVENT_SEARCH_LIMIT + 5):
        InfoDayFactory(title=f"Cél infonap {n}")
    InfoDayFactory(title="Lezárt infonap", status=EventStatus.CLOSED)
    html = login(staff).get(reverse("participants:registration_list")).content.decode()
    assert _target_options(html) == selectors.EVENT_SEARCH_LIMIT + 1  # the empty choice + the first 30
    assert 'id="bulk-target-more"' in html and "Lezárt infonap" not in html[html.index('name="to_event"'):]
    assert 'data-bulk-target-search="/resztvevok/esemenykereso/"' in html
    assert 'form="bulk-target-search"' in html and '<form novalidate method="get" id="bulk-target-search"' in html


def test_without_javascript_the_search_narrows_the_targets_and_keeps_the_filters(login, coordinator):
    far = InfoDayFactory(library=coordinator.library, title="Zirci távoli infonap",
                         date=timezone.localdate() + datetime.timedelta(days=400))
    for n in range(selectors.EVENT_SEARCH_LIMIT + 2):
        InfoDayFactory(library=coordinator.library, title=f"Helyi infonap {n}")
    client = login(coordinator)
    html = client.get(reverse("participants:registration_list"), {"status": "confirmed"}).content.decode()
    assert "Zirci távoli infonap" not in html[html.index('name="to_event"'):]
    assert '<input type="hidden" name="status" value="confirmed">' in html
    html = client.get(reverse("participants:registration_list"),
                      {"status": "confirmed", "cel_q": "zirci"}).content.decode()
    select = html[html.index('name="to_event"'):]
    select = select[:select.index("</select>")]
    assert f'value="info_day:{far.pk}"' in select and _target_options(html) == 2
    assert 'value="zirci"' in html and 'id="bulk-target-more"' not in html


def test_with_javascript_the_search_answers_the_users_open_events_both_kinds(login, coordinator):
    own = InfoDayFactory(library=coordinator.library, title="Saját cél infonap")
    InfoDayFactory(library=coordinator.library, title="Saját lezárt cél", status=EventStatus.CLOSED)
    InfoDayFactory(title="Idegen cél infonap")
    results = login(coordinator).get(reverse("participants:event_search"), {"kind": "target", "q": "cél"}).json()
    assert results["results"] == [
        {"id": f"info_day:{own.pk}", "text": selectors.info_day_label(own), "group": "Információs napok"}]


def test_moving_to_an_event_beyond_the_first_options_works(login, coordinator):
    source = InfoDayFactory(library=coordinator.library, capacity=5, minimum=1)
    for n in range(selectors.EVENT_SEARCH_LIMIT + 2):
        InfoDayFactory(library=coordinator.library, title=f"Korábbi infonap {n}")
    last = InfoDay.objects.filter(library=coordinator.library).order_by("-date", "-pk").first()
    target = InfoDayFactory(library=coordinator.library, title="Legkésőbbi infonap", date=last.date.replace(
        year=last.date.year + 1))
    mover = register_participant(participant=ParticipantFactory(), event=source)
    client = login(coordinator)
    html = client.get(reverse("participants:registration_list")).content.decode()
    assert f'value="info_day:{target.pk}"' not in html  # not among the first options
    assert f'href="{reverse("participants:participant_detail", args=[mover.participant_id])}"' in html
    assert f'href="{reverse("participants:registration_cancel", args=[mover.pk])}"' in html
    client.post(reverse("participants:registration_bulk"), {
        "ids": [mover.pk], "action": "move", "to_event": f"info_day:{target.pk}", "form_token": "t-move"})
    assert client.session[BULK_REPORT_KEY]["rows"][0]["message"] == "Áthelyezve, helyet kapott."
    assert target.registrations.get().status == RegistrationStatus.CONFIRMED


def test_coordinator_and_trainer_registration_scope_is_the_same_as_the_or_of_their_events():
    call_command("seed_demo", participants=300, events=20, verbosity=0)
    users = list(User.objects.filter(role=Role.COORDINATOR)[:6]) + [TrainerFactory()]
    trainer = users[-1]
    Course.objects.order_by("pk").first().trainers.add(trainer)
    for user in users:
        if user.role == Role.TRAINER:
            expected = Q(course__trainers=user)
        else:
            expected = Q(info_day__library_id=user.library_id) | Q(course__site__library_id=user.library_id)
        want = set(Registration.objects.filter(expected).values_list("pk", flat=True))
        got = list(registrations_for(user).values_list("pk", flat=True))
        assert len(got) == len(set(got)) and set(got) == want, user
        assert registrations_for(user).count() == len(want)
    assert any(registrations_for(u).exists() for u in users[:-1])
    assert not registrations_for(CoordinatorFactory()).exists()
