"""The staff outbox page at scale: every message reachable page by page, the page count taken from
the status counts (no second COUNT of the whole table), and a page query that joins few tables
(the planner spent 35–60 ms on the 14-table join of 100,000 messages)."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from menet_portal.models import MessageKind, OutboxMessage, OutboxStatus
from menet_portal.notifications import selectors
from menet_portal.tests.factories import (
    CourseFactory, InfoDayFactory, RegistrationFactory, SessionFactory, StaffFactory,
)

pytestmark = pytest.mark.django_db


def _messages():
    """61 sent, 3 failed, 2 scheduled messages about every kind of subject."""
    now = timezone.now()
    day = InfoDayFactory(title="")  # its label comes from the region and the library
    course = CourseFactory(title="Kimenő tanfolyam")
    session = SessionFactory(course=course, number=1)
    subjects = [
        {"registration": RegistrationFactory(info_day=day)},
        {"registration": RegistrationFactory(info_day=None, course=course)},
        {"info_day": day}, {"course": course}, {"session": session}, {"user": StaffFactory()},
    ]
    rows = []
    for n in range(66):
        status = OutboxStatus.SENT if n < 61 else OutboxStatus.FAILED if n < 64 else OutboxStatus.SCHEDULED
        rows.append(OutboxMessage(
            kind=MessageKind.EVENT_REMINDER, recipient=f"cimzett{n}@example.hu", subject_key=f"x:{n}", slot=str(n),
            status=status, sent_at=now if status == OutboxStatus.SENT else None,
            due_at=now - datetime.timedelta(minutes=n % 7), **subjects[n % len(subjects)],
        ))
    OutboxMessage.objects.bulk_create(rows)
    return day, course, session


def _listed(client, **params):
    response = client.get(reverse("notifications:outbox"), params)
    assert response.status_code == 200
    return response, [m.pk for m in response.context["page"]]


def test_every_message_is_reachable_page_by_page_in_the_stated_order(login, staff):
    _messages()
    client = login(staff)
    seen = []
    response, ids = _listed(client)
    assert response.context["page"].paginator.count == 66 and response.context["page"].paginator.num_pages == 2
    seen += ids
    seen += _listed(client, page=2)[1]
    expected = list(OutboxMessage.objects.order_by("-due_at", "-id").values_list("pk", flat=True))
    assert seen == expected
    failed = _listed(client, status=OutboxStatus.FAILED)
    assert failed[0].context["page"].paginator.count == 3 and len(failed[1]) == 3
    assert _listed(client, status=OutboxStatus.SKIPPED)[0].context["page"].paginator.count == 0
    by_recipient = _listed(client, recipient="cimzett6")  # 6, 60–65: counted by the database
    assert by_recipient[0].context["page"].paginator.count == 7 and len(by_recipient[1]) == 7


def test_the_page_shows_each_subject_as_before(login, staff):
    day, course, session = _messages()
    body = login(staff).get(reverse("notifications:outbox"), {"page": 1}).content.decode()
    assert str(day) in body and day.library.settlement in body  # the info day's label from region + library
    assert "Kimenő tanfolyam" in body and str(session) in body
    assert "sikertelen: 3" in body and "elküldve: 61" in body


def test_an_unfiltered_or_status_page_does_not_count_the_table_twice(login, staff):
    _messages()
    client = login(staff)
    for params in ({}, {"status": OutboxStatus.SENT, "page": 2}):
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("notifications:outbox"), params)
        # No COUNT of the messages at all: the status counts are the database-kept ones.
        assert not [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
        counts = [q["sql"] for q in queries if "menet_portal_outboxstatuscount" in q["sql"]]
        assert len(counts) == 1 and "GROUP BY" in counts[0]
        page_sql = next(q["sql"] for q in queries if 'FROM "menet_portal_outboxmessage"' in q["sql"]
                        and "LIMIT" in q["sql"])
        assert len(re.findall(r"\bJOIN\b", page_sql)) <= 4


def test_known_count_only_when_the_status_counts_say_it():
    counts = {"sent": 5, "failed": 2}
    assert selectors.known_count({}, counts) == 7
    assert selectors.known_count({"status": "", "recipient": "", "due_from": None}, counts) == 7
    assert selectors.known_count({"status": "failed", "recipient": ""}, counts) == 2
    assert selectors.known_count({"status": "pending"}, counts) == 0
    assert selectors.known_count({"status": "sent", "recipient": "a"}, counts) is None
