"""The coordinator's participant list pages (participants.views.IdsFirstPaginator): every row is
reached exactly once, in the order of the unpaged list (which the export uses), for every sort;
the page's ids are chosen over the participant table alone and only those rows are joined."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from menet_portal.ordering import sort_queryset
from menet_portal.tests.factories import NonprofitFactory, ParticipantFactory
from participants import selectors
from participants.models import TargetGroup
from participants.views import PAGE_SIZE

pytestmark = pytest.mark.django_db

NAMES = ["Ábel", "Ács", "Bárány", "Csonka", "Cukor", "Dózsa", "Éles", "Gyenes", "Győri", "Zsoldos"]


@pytest.fixture
def people(coordinator):
    rows = []
    for i in range(2 * PAGE_SIZE + 7):
        family = NAMES[i % len(NAMES)]  # many equal names: the id decides, pages must not overlap
        if i % 3:
            rows.append(ParticipantFactory(family_name=family, given_name="Anna", birth_year=1950 + i % 40,
                                           registering_library=coordinator.library))
        else:
            rows.append(ParticipantFactory(family_name=family, given_name="Béla", target_group=TargetGroup.NONPROFIT,
                                           organisation=NonprofitFactory(name=f"{NAMES[-1 - i % 10]} Egylet {i}"),
                                           registering_library=coordinator.library))
    ParticipantFactory(family_name="Idegen")  # another library's person: never on a page
    return rows


class _Request:
    def __init__(self, params):
        self.GET = params


@pytest.mark.parametrize("sort", ["", "nev", "-nev", "szuletesi_ev", "-telepules", "celcsoport", "szervezet",
                                  "-szervezet"])
def test_the_pages_reach_every_row_once_in_the_unpaged_order(login, coordinator, people, sort):
    expected, _current = sort_queryset(_Request({"rendezes": sort}), selectors.participant_list(coordinator),
                                       selectors.PARTICIPANT_SORTS)
    expected = list(expected.values_list("pk", flat=True))
    assert sorted(expected) == sorted(p.pk for p in people)
    client = login(coordinator)
    seen = []
    for number in (1, 2, 3):
        response = client.get(reverse("participants:participant_list"), {"rendezes": sort, "page": number})
        page = response.context["page_obj"]
        assert page.paginator.count == len(people)
        seen += [p.pk for p in page]
        for p in page:  # the joined row is there (no extra query per row), links and labels per page
            assert p.organisation_id is None or p.organisation.name
            assert p.detail_url == reverse("participants:participant_detail", args=[p.pk])
            assert p.target_group_label == p.get_target_group_display()
            assert f'<a href="{p.detail_url}">' in response.content.decode()
    assert seen == expected


def test_the_page_ids_and_the_total_come_from_one_statement_before_the_join(login, coordinator, people):
    client = login(coordinator)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("participants:participant_list"), {"page": 2, "target_group": "citizen"})
    assert response.status_code == 200
    sqls = [q["sql"] for q in queries]
    [ids_sql] = [sql for sql in sqls if "OVER ()" in sql]
    assert "LIMIT" in ids_sql and "UNION ALL" in ids_sql  # the scope and filters once, with the total
    assert not [sql for sql in sqls if sql.startswith("SELECT COUNT(")]  # no second pass for the paginator
    [rows_sql] = [sql for sql in sqls if 'LEFT OUTER JOIN "participants_organisation"' in sql]
    assert "UNION ALL" not in rows_sql and "LIMIT" not in rows_sql  # only the page's rows are joined
    assert "events_library" not in rows_sql and "events_county" not in rows_sql  # not shown on the page
    citizens = [p.pk for p in people if p.target_group == TargetGroup.CITIZEN]
    page = response.context["page_obj"]
    assert page.paginator.count == len(citizens) and page.number == 2 and len(page) == len(citizens) - PAGE_SIZE


@pytest.mark.parametrize("number", ["3", "4", "999", "0", "-1", "x", "2.0", None])
def test_any_page_number_gives_what_djangos_paginator_gives(login, coordinator, people, number):
    from django.core.paginator import Paginator

    expected = Paginator(list(selectors.participant_list(coordinator).values_list("pk", flat=True)),
                         PAGE_SIZE).get_page(number)
    params = {} if number is None else {"page": number}
    page = login(coordinator).get(reverse("participants:participant_list"), params).context["page_obj"]
    assert (page.number, [p.pk for p in page], page.paginator.count, page.paginator.num_pages) == (
        expected.number, list(expected), expected.paginator.count, expected.paginator.num_pages)


def test_an_empty_list_is_one_empty_page(login, coordinator):
    page = login(coordinator).get(reverse("participants:participant_list"), {"page": 2}).context["page_obj"]
    assert (page.number, list(page), page.paginator.count) == (1, [], 0)


def test_event_search_labels_are_those_of_the_full_rows(coordinator):
    """search_events reads only the label's columns; the labels are the full models' labels."""
    from events.models import InfoDay
    from menet_portal.tests.factories import CourseFactory, InfoDayFactory
    from trainings.models import Course

    InfoDayFactory(library=coordinator.library, title="")  # the label from region and town
    InfoDayFactory(library=coordinator.library, title="Győri infonap")
    CourseFactory(site__library=coordinator.library, title="Ügyintézés")
    for kind, model, label in (("info_day", InfoDay, selectors.info_day_label),
                               ("course", Course, selectors.course_label)):
        hits = selectors.search_events(coordinator, kind, "")
        assert hits and hits == [(pk, label(model.objects.get(pk=pk))) for pk, _text in hits]
    with CaptureQueriesContext(connection) as queries:
        selectors.search_events(coordinator, "course", "")
        selectors.search_events(coordinator, "info_day", "")
    assert len(queries) == 2
    assert all('"description"' not in q["sql"] for q in queries)  # the label's columns only


def test_event_choices_labels_are_those_of_the_full_rows(coordinator):
    """event_choices (the detail page's "register for another event") reads only the label's columns."""
    from menet_portal.scope import courses_for, info_days_for
    from menet_portal.tests.factories import CourseFactory, InfoDayFactory

    InfoDayFactory(library=coordinator.library, title="")
    InfoDayFactory(library=coordinator.library, title="Győri infonap")
    CourseFactory(site__library=coordinator.library, title="Ügyintézés")
    expected = [
        [(f"info_day:{d.pk}", f"{selectors._date(d.date)} – {d}") for d in info_days_for(coordinator).order_by("date")],
        [(f"course:{c.pk}", f"{c.title} ({c.site.library.settlement})") for c in courses_for(coordinator).order_by("title")],
    ]
    with CaptureQueriesContext(connection) as queries:
        groups = selectors.event_choices(coordinator)
    assert [options for _group, options in groups] == expected and len(expected[0]) == 2
    assert len(queries) == 2 and all('"description"' not in q["sql"] for q in queries)
