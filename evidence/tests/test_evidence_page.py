"""The evidence list's page without every register's proof (evidence.selectors.evidence_page): the
same rows, in the same order, with the same counts as the whole list, in the same queries for 12
registers as for 80."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import EventStatus
from evidence.selectors import ProofState, evidence_page, evidence_page_in_state, evidence_states, evidence_summary
from menet_portal.scope import info_days_for, sessions_for
from menet_portal.tests.factories import (
    AttendanceFactory, CourseFactory, InfoDayFactory, RegistrationFactory, SessionFactory,
)
from trainings.models import AttendanceStatus

pytestmark = pytest.mark.django_db


def _registers(n_sessions):
    now = timezone.now()
    for day in range(3):
        info_day = InfoDayFactory(date=timezone.localdate() - datetime.timedelta(days=day), status=EventStatus.CLOSED)
        if day:
            AttendanceFactory(registration=RegistrationFactory(info_day=info_day), status=AttendanceStatus.PRESENT)
    same_start = now - datetime.timedelta(days=2)
    for n in range(n_sessions):
        course = CourseFactory(status=EventStatus.CANCELLED if n % 9 == 0 else EventStatus.OPEN)
        starts = same_start if n % 5 == 0 else now + datetime.timedelta(hours=n - n_sessions // 2)
        session = SessionFactory(course=course, number=1, starts_at=starts, ends_at=starts + datetime.timedelta(hours=2))
        if n % 3 == 0:
            AttendanceFactory(registration=RegistrationFactory(course=course, info_day=None), session=session)


@pytest.mark.parametrize("per_page", [7, 50])
def test_each_page_is_the_slice_of_the_whole_list_and_the_counts_are_the_whole_lists(staff, per_page):
    _registers(60)
    info_days, sessions = info_days_for(staff), sessions_for(staff)
    everything = evidence_states(info_days=info_days, sessions=sessions)
    seen, number, pages = [], 1, 1
    while number <= pages:
        page, summary = evidence_page(info_days=info_days, sessions=sessions, number=number, per_page=per_page)
        assert summary == evidence_summary(everything)
        seen += [(r.kind, r.event.pk, r.state, r.present, r.signed) for r in page]
        number, pages = number + 1, page.paginator.num_pages
    assert seen == [(r.kind, r.event.pk, r.state, r.present, r.signed) for r in everything]
    page, _summary = evidence_page(info_days=info_days, sessions=sessions, number="nem szám", per_page=per_page)
    assert [(r.kind, r.event.pk) for r in page] == [(r.kind, r.event.pk) for r in everything[:per_page]]


@pytest.mark.parametrize("state", list(ProofState.LABELS))
def test_each_page_of_one_state_is_the_slice_of_the_list_filtered_by_the_rule(staff, state):
    _registers(60)
    info_days, sessions = info_days_for(staff), sessions_for(staff)
    expected = [r for r in evidence_states(info_days=info_days, sessions=sessions) if r.state == state]
    seen, number, pages = [], 1, 1
    while number <= pages:
        page, summary = evidence_page_in_state(info_days=info_days, sessions=sessions, state=state, number=number,
                                               per_page=7)
        assert summary[state] == len(expected) and sum(summary.values()) == len(expected)
        seen += [(r.kind, r.event.pk, r.state) for r in page]
        number, pages = number + 1, page.paginator.num_pages
    assert seen == [(r.kind, r.event.pk, r.state) for r in expected]


def test_the_state_filter_costs_the_same_queries_for_few_registers_and_many(login, staff,
                                                                           django_assert_max_num_queries):
    client = login(staff)
    for n_sessions in (9, 80):
        _registers(n_sessions)
        client.get(reverse("evidence:overview"), {"state": "not_due"})
        with django_assert_max_num_queries(16):
            response = client.get(reverse("evidence:overview"), {"state": "not_due", "page": 1})
        assert response.status_code == 200 and "még nem volt" in response.content.decode()


def test_an_empty_scope_is_an_empty_page(coordinator):
    page, summary = evidence_page(info_days=info_days_for(coordinator), sessions=sessions_for(coordinator),
                                  number=1, per_page=50)
    assert list(page) == [] and set(summary.values()) == {0}


@pytest.mark.parametrize("n_sessions", [9, 80])
def test_the_overview_costs_the_same_queries_for_few_registers_and_many(login, staff, n_sessions,
                                                                       django_assert_max_num_queries):
    _registers(n_sessions)
    client = login(staff)
    client.get(reverse("evidence:overview"))
    with django_assert_max_num_queries(16):
        page = client.get(reverse("evidence:overview"), {"page": 2})
    assert page.status_code == 200
