"""Generated scope proof: every URL pattern × role × another library's objects, GET and POST.

Each pattern with an id in its route is filled with the ids of objects that belong to *another*
library (library B). A coordinator or trainer of library A, the funder viewer and an anonymous
visitor must get 302 (to the login), 403, 404 or 405 — never 200 with B's data, never 500.
Patterns without ids may answer 200, but B's data must not appear in the body.

A view added without scope therefore fails this test. A page that is public by design (anyone
with the link may open it) goes into PUBLIC below with a comment saying why; anything else that
answers 200 for another library's ids is a bug.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from menet_portal.notifications.models import MessageKind, OutboxMessage
from menet_portal.tests import factories
from menet_portal.tests.urlwalk import fill, url_patterns
from participants.models import ParticipantImport
from reports.models import GeneratedReport, ReportKind
from trainings.models import MaterialLink

pytestmark = pytest.mark.django_db

DENIED = {302, 403, 404, 405}
MARKERS = ["Idegenkönyvtár", "idegen.b@example.hu", "+36 99 999 9999"]
# Library B's event titles: public pages and the funder's (aggregated) pages name every event;
# a coordinator's or trainer's workspace page must not (searches and selects start from scope).
EVENT_MARKER = "Bkönyvtáresemény"
# Query strings for patterns that answer 404 without them, so the walk sees their real answer.
QUERIES = {"participants:event_search": ["?kind=info_day&q=B", "?kind=course&q=B", "?kind=info_day"]}

# URLs anyone may open without a login, and why. The ids/tokens in them are tested with
# another library's ids (or a forged token) all the same: they must not answer 500.
PUBLIC = {
    "login": "the login form",
    "logout": "logging out (POST) redirects to the login",
    "set_language": "the language switch",
    "password_reset": "asking for a reset e-mail answers the same for every address",
    "password_reset_done": "a fixed text",
    "password_reset_confirm": "the e-mailed link: the token is the credential (a forged one says 'invalid')",
    "password_reset_complete": "a fixed text",
    "trainings:material_home": "a trainee's personal link: the token is the credential",
    "trainings:material_lesson": "a trainee's personal link: the token is the credential",
    "notifications:opt_out": "the opt-out link in e-mails: a signed token is the credential",
    # The public programme site (public/, h10): every library's events are published on purpose.
    "public:programme": "the programme's public home page",
    "public:info_days": "the public list of the 7 info days",
    "public:info_day": "a published info day (any library's: they are public)",
    "public:info_day_ics": "a published info day's calendar entry",
    "public:courses": "the public list of training institutions",
    "public:course": "a published course (any library's: they are public)",
    "public:course_ics": "a published course's calendar entries",
    "public:calendar": "the public calendar feed",
    "public:privacy": "the privacy notice",
    "public:accessibility": "the accessibility statement",
    "public:certificate_lookup": "anyone may verify a certificate by its code",
    "public:certificate": "a certificate's public verification page: the code is the credential",
    "public:confirm": "the double opt-in link in the e-mail: a signed token is the credential",
    "public:rejoin": "the e-mailed link to register again: a signed token is the credential",
    "public:personal": "a participant's personal page: a signed token is the credential",
    "public:personal_cancel": "cancelling from the personal page: a signed token is the credential",
    "public:personal_certificate": "a certificate from the personal page: a signed token is the credential",
    "public:personal_data": "the person's own data export (POST) from the personal page: a signed token is the credential",
    "feedback:answer": "the questionnaire link in the e-mail: a signed token is the credential (forged: 404)",
}


@pytest.fixture
def other_library(db):
    """Library B with one of everything, its coordinator and trainer; returns the ids to fill in."""
    library = factories.LibraryFactory(name="B Könyvtár")
    day = factories.InfoDayFactory(library=library, title=f"{EVENT_MARKER} infonap")
    course = factories.CourseFactory(site=factories.TrainingSiteFactory(library=library), title=f"{EVENT_MARKER} képzés")
    session = factories.SessionFactory(course=course, number=1)
    person = factories.ParticipantFactory(
        family_name=MARKERS[0], email=MARKERS[1], phone=MARKERS[2], registering_library=library)
    registration = factories.RegistrationFactory(participant=person, info_day=day)
    trainee = factories.RegistrationFactory(
        participant=factories.ParticipantFactory(family_name=MARKERS[0], registering_library=library),
        info_day=None, course=course)
    coordinator_b = factories.CoordinatorFactory(library=library)
    batch = ParticipantImport.objects.create(
        token="b-library-import-token", created_by=coordinator_b, file_name="b.csv", rows=[], row_count=0, info_day=day)
    link = MaterialLink.objects.create(
        registration=trainee, token="b-library-material-token", expires_at=timezone.now() + datetime.timedelta(days=9))
    report = GeneratedReport.objects.create(
        kind=ReportKind.ATTENDANCE, parameters={"info_day": day.pk}, title=MARKERS[0], library=library)
    from photos.models import EventPhoto

    photo = EventPhoto.objects.create(info_day=day, file="photos/b.jpg", width=1, height=1, size=1, sha256="0" * 64,
                                      caption=MARKERS[0], uploaded_by=coordinator_b)
    message = OutboxMessage.objects.create(
        kind=MessageKind.REGISTRATION_CONFIRMED, recipient=MARKERS[1], subject_key=f"registration:{registration.pk}",
        slot="x", registration=registration)
    ids = {
        "events:manage": day.pk, "events:registration_toggle": day.pk, "events:capacity": day.pk,
        "events:cancel": day.pk,
        "trainings:course_detail": course.pk, "trainings:course_progress": course.pk,
        "trainings:issue_links": course.pk, "trainings:revoke_link": link.pk,
        "trainings:session_register": session.pk, "trainings:info_day_register": day.pk,
        "participants:participant_detail": person.pk, "participants:participant_edit": person.pk,
        "participants:registration_cancel": registration.pk,
        "report_documents:detail": report.pk, "report_documents:status": report.pk,
        "report_documents:download": report.pk, "report_documents:finalise": report.pk,
        "report_documents:delete": report.pk, "report_documents:course_certificates": course.pk,
        "notifications:resend": message.pk,
        "photos:event": day.pk, "photos:image": photo.pk, "photos:delete": photo.pk, "photos:pick": photo.pk,
        "feedback:event": day.pk, "feedback:paper_entry": day.pk, "feedback:non_respondents": day.pk,
    }
    every_pk = sorted({day.pk, course.pk, session.pk, person.pk, registration.pk, trainee.pk, link.pk, report.pk,
                       message.pk, batch.pk, photo.pk})
    tokens = {"participants:import_preview": batch.token, "trainings:material_home": "forged-token",
              "trainings:material_lesson": "forged-token", "notifications:opt_out": "forged-token",
              "feedback:answer": "forged-token",
              "password_reset_confirm": "forged"}
    return {"ids": ids, "every_pk": every_pk, "tokens": tokens, "course_kind_ids": {"kepzes": course.pk}}


def _urls(name, route, converters, data):
    """The URL(s) to try: a known object of library B, or every id of B's objects for a new pattern."""
    if not converters:
        return [fill(route, {}) + query for query in QUERIES.get(name, [""])]
    values_list = []
    int_names = [n for n, c in converters.items() if type(c).__name__ == "IntConverter"]
    base = {}
    for arg, conv in converters.items():
        kind = type(conv).__name__
        if kind == "SlugConverter":
            base[arg] = "informacios-nap"
        elif kind != "IntConverter":
            base[arg] = data["tokens"].get(name, "unknown-token")
    if name in data["ids"]:
        values_list.append({**base, **{n: data["ids"][name] for n in int_names}})
        if "kind" in converters:  # the same event views for a course of library B
            values_list.append({**base, "kind": "kepzes", **{n: data["course_kind_ids"]["kepzes"] for n in int_names}})
    elif int_names:
        # A pattern this test does not know yet: try every id library B has.
        values_list += [{**base, **{n: pk for n in int_names}} for pk in data["every_pk"]]
    else:
        values_list.append(base)
    str_names = [n for n, c in converters.items() if type(c).__name__ == "StringConverter"]
    if str_names:  # a NUL byte in a token must answer 404, not 500 (PostgreSQL refuses NUL in text)
        values_list.append({**values_list[0], **{n: "%00" for n in str_names}})
    return [fill(route, values) for values in values_list]


ROLES = ["coordinator", "trainer", "funder", "anonymous"]


@pytest.mark.parametrize("role", ROLES)
def test_every_url_denies_another_librarys_objects(request, client, role, other_library):
    if role != "anonymous":
        user = request.getfixturevalue(role)
        client.force_login(user)
        if role == "trainer":  # the trainer of a course of their own library
            factories.CourseFactory(site=factories.TrainingSiteFactory(library=user.library))
    problems = []
    for route, name, converters in url_patterns():
        for url in _urls(name, route, converters, other_library):
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                status = response.status_code
                body = b"".join(response.streaming_content) if response.streaming else response.content
                text = body.decode("utf-8", "replace")
                leaked = [m for m in MARKERS if m in text]
                if role in ("coordinator", "trainer") and name not in PUBLIC and EVENT_MARKER in text:
                    leaked.append(EVENT_MARKER)
                if status >= 500:
                    problems.append(f"{method.upper()} {url} ({name}) answered {status}")
                elif leaked:
                    problems.append(f"{method.upper()} {url} ({name}) shows library B's data: {leaked}")
                elif converters and status not in DENIED and name not in PUBLIC:
                    problems.append(f"{method.upper()} {url} ({name}) answered {status} for library B's object")
                elif role == "anonymous" and status == 200 and name not in PUBLIC:
                    problems.append(f"{method.upper()} {url} ({name}) answered 200 without login; add it to PUBLIC?")
                if role != "anonymous" and client.session.get("_auth_user_id") is None and name != "logout":
                    client.force_login(user)
            if name == "logout" and role != "anonymous":
                client.force_login(user)
    assert problems == []


def test_the_walk_sees_every_app():
    names = {name for _route, name, _c in url_patterns()}
    for expected in ["participants:participant_detail", "trainings:session_register", "events:manage",
                     "report_documents:download", "notifications:resend", "reports:attendance_list", "lockouts"]:
        assert expected in names
    assert not any(name.startswith("admin:") for name in names)


@pytest.mark.parametrize("path", ["/resztvevok/betoltes/%00/", "/kepzesek/tananyag/%00/", "/ertesitesek/leiratkozas/%01/"])
def test_a_nul_byte_in_the_path_is_404_not_500(client, path):
    assert client.get(path).status_code == 404
