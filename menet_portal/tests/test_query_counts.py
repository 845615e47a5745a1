"""Every page bench/pages.py measures (the issue's and --extra's) runs a fixed number of SQL queries, whatever the data size.

Each page is requested on seeded demo data of two sizes; the limit is the same for both, so
a query per row (an N+1) fails the suite at the larger size. Query counts only, never timings.
"""

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.test import Client

from events.models import EventStatus
from menet_portal.models import Role, User
from participants.models import Participant
from trainings.models import Course, Session

pytestmark = pytest.mark.django_db

# Page -> the most queries it may run (session and user look-ups included).
LIMITS = {
    "staff dashboard": 18,  # 15 + the questionnaire card (1 query without a questionnaire, 3 with)
    "event overview": 6,  # session, user, the list's one statement, the page's info days and courses, regions
    "coordinator participant list": 8,  # at these sizes page 2 is past the end: its count, the last page's ids, its rows
    "staff registration list": 9,  # the page's keys, then its 50 rows (participants.views.RowsPaginator)
    "participant detail": 8,
    "coordinator workspace": 5,
    "registration POST": 16,  # 14 + the test transaction's savepoint around the view's block
    "session register": 7,  # the test's session is not open yet (no evidence panel); the bench's held one runs 10
    "funder home": 14,  # 8 + the monthly plan (1) + the evidence-state counts (5), the same at both sizes
    "outbox page": 5,  # session, user, status counts, the page, + one per kind of subject beyond registrations
    "report archive": 6,
    # The staff lists outside the list that grew with the programme (bench/pages.py --extra).
    "documents page": 10,
    "programme set-up": 12,
    "course list": 12,  # + the programme select of the filter
    "register overview": 8,  # + the sessions before today (the page it opens at)
    "attendance list": 6,  # the count, the page's ids, its rows (menet_portal.paging.IdsFirstTable)
    "evidence overview": 16,
    "missing-proof list": 14,
    # The public site: every event's places in one grouped query per kind
    # (participants.services.availabilities), not one per event.
    "public home": 8,
    "public info days": 5,
    "public courses": 7,  # + the settlements counted for the lead
    "public calendar feed": 8,
}

SIZES = [(150, 0), (900, 60)]  # (participants, events): the seeded programme, then waves


def _pages():
    busiest = (Participant.objects.filter(registering_library__training_sites__courses__status=EventStatus.OPEN)
               .values("registering_library").annotate(n=Count("id")).order_by("-n").first())
    coordinator = User.objects.filter(role=Role.COORDINATOR, library_id=busiest["registering_library"]).first()
    person = Participant.objects.filter(registering_library_id=coordinator.library_id).order_by("id").first()
    course = Course.objects.filter(site__library_id=coordinator.library_id, status=EventStatus.OPEN).order_by(
        "id").first()
    session = Session.objects.filter(course__site__library_id=coordinator.library_id).annotate(
        n=Count("attendances")).order_by("-n", "id").first()
    n = [0]

    def new_person():
        n[0] += 1
        return {
            "family_name": "Mérés", "given_name": f"Elek{n[0]}", "email": f"qc.{n[0]}@example.hu", "phone": "",
            "birth_year": "1980", "settlement": person.settlement, "county": str(person.county_id),
            "target_group": "citizen", "event": f"course:{course.pk}", "consent": "on",
        }

    return coordinator, [
        ("staff dashboard", "mke", "get", "/jelentesek/mke/", None),
        ("event overview", "mke", "get", "/esemenyek/attekintes/", None),
        ("coordinator participant list", coordinator.username, "get", "/resztvevok/?target_group=citizen&page=2",
         None),
        ("staff registration list", "mke", "get", "/resztvevok/jelentkezesek/", None),
        ("participant detail", coordinator.username, "get", f"/resztvevok/{person.pk}/", None),
        ("coordinator workspace", coordinator.username, "get", "/resztvevok/koordinator/", None),
        ("registration POST", coordinator.username, "post", "/resztvevok/uj/", new_person),
        ("session register", coordinator.username, "get", f"/kepzesek/jelenlet/foglalkozas/{session.pk}/", None),
        ("funder home", "tamogato", "get", "/jelentesek/tamogato/", None),
        ("outbox page", "mke", "get", "/ertesitesek/", None),
        ("report archive", "mke", "get", "/jelentesek/dokumentumok/archivum/", None),
        ("documents page", "mke", "get", "/jelentesek/dokumentumok/", None),
        ("programme set-up", "mke", "get", "/beallitas/", None),
        ("course list", "mke", "get", "/kepzesek/", None),
        ("register overview", "mke", "get", "/kepzesek/jelenlet/", None),
        ("attendance list", coordinator.username, "get", "/jelentesek/jelenlet/?page=2", None),
        ("evidence overview", "mke", "get", "/igazolasok/", None),
        ("missing-proof list", "mke", "get", "/igazolasok/?state=missing", None),
        ("public home", None, "get", "/", None),
        ("public info days", None, "get", "/informacios-napok/", None),
        ("public courses", None, "get", "/kepzo-intezmenyek/", None),
        ("public calendar feed", None, "get", "/naptar.ics", None),
    ]


@pytest.mark.parametrize("participants,events", SIZES)
def test_measured_pages_run_a_fixed_number_of_queries(participants, events, django_assert_max_num_queries):
    call_command("seed_demo", participants=participants, events=events, verbosity=0)
    _coordinator, pages = _pages()
    clients = {}
    for label, username, method, url, body in pages:
        client = clients.get(username)
        if client is None:
            client = clients[username] = Client()
            if username:  # None: a visitor of the public site
                client.force_login(User.objects.get(username=username))
        client.get(url) if method == "get" else None  # warm (first-request look-ups)
        with django_assert_max_num_queries(LIMITS[label]):
            response = client.get(url) if method == "get" else client.post(url, body())
        assert response.status_code == (302 if method == "post" else 200), (label, response.status_code)
