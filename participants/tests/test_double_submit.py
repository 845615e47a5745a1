"""Two or ten identical "new person" POSTs at the same moment: one person, one registration.

Threads with their own database connections on PostgreSQL (transaction=True), released by a
barrier; recognition and creation are serialised by advisory locks, the one-time form token
sends every repeat of the same form to the first result.
"""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from menet_portal.tests.factories import CoordinatorFactory, InfoDayFactory
from participants.models import FormSubmission, Participant, Registration

from .factories import form_post


def _post_at_once(user, n, data_for):
    barrier = threading.Barrier(n)
    responses, errors = [None] * n, []

    def post(i):
        try:
            client = Client()
            client.force_login(user)
            barrier.wait(timeout=30)
            responses[i] = client.post(reverse("participants:participant_create"), data_for(i))
        except Exception as exc:  # noqa: BLE001 - any failure is a finding
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    return responses


@pytest.mark.parametrize("n", [2, 10])
@pytest.mark.django_db(transaction=True)
def test_double_click_with_the_same_form_token_creates_one_person_and_one_registration(n):
    assert connection.vendor == "postgresql"
    coordinator = CoordinatorFactory()
    day = InfoDayFactory(library=coordinator.library, capacity=30, minimum=1)
    data = form_post(event=f"info_day:{day.pk}", form_token="egyszer-hasznalhato-token")
    responses = _post_at_once(coordinator, n, lambda i: data)
    person = Participant.objects.get()  # exactly one
    assert Registration.objects.filter(info_day=day).count() == 1
    detail = reverse("participants:participant_detail", args=[person.pk])
    assert [r.status_code for r in responses] == [302] * n
    assert {r["Location"] for r in responses} == {detail}  # every click lands on the same result
    assert FormSubmission.objects.get().result_url == detail


@pytest.mark.parametrize("n", [2, 10])
@pytest.mark.django_db(transaction=True)
def test_identical_posts_from_different_forms_still_create_one_person(n):
    coordinator = CoordinatorFactory()
    day = InfoDayFactory(library=coordinator.library, capacity=30, minimum=1)
    # Two tabs: different tokens, same person. The lock makes the later ones recognise the first.
    responses = _post_at_once(coordinator, n, lambda i: form_post(event=f"info_day:{day.pk}", form_token=f"lap-{i}"))
    assert Participant.objects.count() == 1
    assert Registration.objects.filter(info_day=day).count() == 1
    assert sorted(r.status_code for r in responses) == [200] * (n - 1) + [302]  # the others: "already known"


@pytest.mark.django_db
def test_form_carries_a_token_and_a_resent_post_lands_on_the_first_result(client):
    coordinator = CoordinatorFactory()
    day = InfoDayFactory(library=coordinator.library, capacity=30, minimum=1)
    client.force_login(coordinator)
    page = client.get(reverse("participants:participant_create"))
    assert 'name="form_token"' in page.content.decode()
    data = form_post(event=f"info_day:{day.pk}", form_token=page.context["form_token"])
    first = client.post(reverse("participants:participant_create"), data)
    again = client.post(reverse("participants:participant_create"), data, follow=True)
    assert again.redirect_chain[0][0] == first["Location"]
    assert "már elküldte" in again.content.decode()
    assert Participant.objects.count() == 1 and Registration.objects.count() == 1
