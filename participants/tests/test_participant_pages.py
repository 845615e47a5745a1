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
        for p in page:  # the joined row is there (no extra query per row)
            assert p.organisation_id is None or p.organisation.name
    assert seen == expected


def test_the_page_ids_are_chosen_before_the_join(login, coordinator, people):
    client = login(coordinator)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("participants:participant_list"), {"page": 2, "target_group": "nonprofit"})
    assert response.status_code == 200
    [page_sql] = [q["sql"] for q in queries if 'LEFT OUTER JOIN "participants_organisation"' in q["sql"]]
    outer, _sep, inner = page_sql.partition('"participants_participant"."id" IN (SELECT')
    assert inner and "LIMIT" in inner and "LIMIT" not in outer  # LIMIT over the ids, the join outside
    assert "events_library" not in page_sql and "events_county" not in page_sql  # not shown on the page
    nonprofits = sorted(p.pk for p in people if p.target_group == TargetGroup.NONPROFIT)
    assert response.context["page_obj"].paginator.count == len(nonprofits)


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
