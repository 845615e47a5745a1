"""Recognition without disclosure (issue 12): a coordinator, trainer or the public never learns
anything about a person outside their scope — not in the registration form, the edit form, the
import preview, the walk-in, a message, or the number of queries the answer took."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from menet_portal.tests.factories import (
    CoordinatorFactory,
    InfoDayFactory,
    OrganisationFactory,
    ParticipantFactory,
    RegistrationFactory,
    StaffFactory,
    get_county,
)
from participants import imports
from participants.models import Participant, Registration, TargetGroup
from participants.services import DuplicateParticipant, create_participant, known_participants
from participants.tests.factories import form_post, person_data
from participants.tests.test_imports import csv_file, good_rows
from privacy.models import DuplicateCase, DuplicateStatus
from privacy.services import record_duplicate_cases
from trainings.models import Attendance
from trainings.services import add_walk_in
from trainings.tests.factories import info_day_under_way

pytestmark = pytest.mark.django_db

SECRET_EMAIL = "titkos.tamara@example.hu"


@pytest.fixture
def elsewhere():
    """Tamara, a business owner registered by another library for its own info day."""
    other_day = InfoDayFactory()
    organisation = OrganisationFactory(name="Rejtett Műhely Kft.")
    person = ParticipantFactory(
        family_name="Titkos", given_name="Tamara", email=SECRET_EMAIL, phone="+36 70 999 8877",
        birth_year=1966, settlement="Pannonhalma", county=get_county("Győr-Moson-Sopron"),
        target_group=TargetGroup.BUSINESS, organisation=organisation, registering_library=other_day.library,
    )
    RegistrationFactory(participant=person, info_day=other_day)
    return person


@pytest.fixture
def my_day():
    return InfoDayFactory(capacity=30)


@pytest.fixture
def me(my_day):
    return CoordinatorFactory(library=my_day.library)


def _tamara_leaks(html: str, person) -> list[str]:
    return [s for s in ("Titkos", "Tamara", "Pannonhalma", "1966", "Rejtett Műhely", "ti…@", "+36 70 999")
            if s in html] + ([f"use_existing {person.pk}"] if re.search(rf'name="use_existing" value="{person.pk}"', html)
                             else [])


def _new_person_post(my_day, **overrides):
    values = {"event": f"info_day:{my_day.pk}", "family_name": "Új", "given_name": "Ember", "birth_year": "1981",
              "settlement": "Tata", **overrides}
    return form_post(**values)


def _consent(person):
    person.refresh_from_db()
    return person.consent_given_at, person.consent_text_version


def test_the_registration_form_does_not_reveal_a_person_of_another_library(client, me, my_day, elsewhere):
    consent_before = _consent(elsewhere)
    client.force_login(me)
    response = client.post(reverse("participants:participant_create"), _new_person_post(my_day, email=SECRET_EMAIL))
    # Answered exactly like an unknown e-mail: a new person, registered, on to their page.
    assert response.status_code == 302
    new = Participant.objects.get(email=SECRET_EMAIL, family_name="Új")
    assert response["Location"] == reverse("participants:participant_detail", args=[new.pk])
    page = client.get(response["Location"]).content.decode()
    assert _tamara_leaks(page, elsewhere) == []
    assert not Registration.objects.filter(participant=elsewhere, info_day=my_day).exists()
    assert _consent(elsewhere) == consent_before
    assert client.get(reverse("participants:participant_detail", args=[elsewhere.pk])).status_code == 404


def test_same_name_birth_year_and_settlement_is_not_offered_either(client, me, my_day, elsewhere):
    client.force_login(me)
    data = _new_person_post(my_day, family_name="Titkos", given_name="Tamara", birth_year="1966",
                            settlement="Pannonhalma", county=str(get_county("Győr-Moson-Sopron").pk),
                            email="masik.cim@example.hu")
    response = client.post(reverse("participants:participant_create"), data)
    assert response.status_code == 302
    assert Participant.objects.filter(family_name="Titkos").count() == 2


def test_use_existing_with_the_id_of_a_person_of_another_library_attaches_nobody(client, me, my_day, elsewhere):
    consent_before = _consent(elsewhere)
    client.force_login(me)
    response = client.post(reverse("participants:participant_create"),
                           {**_new_person_post(my_day, email=SECRET_EMAIL), "use_existing": str(elsewhere.pk)})
    assert response.status_code == 302
    assert not Registration.objects.filter(participant=elsewhere, info_day=my_day).exists()
    assert _consent(elsewhere) == consent_before
    assert client.get(reverse("participants:participant_detail", args=[elsewhere.pk])).status_code == 404


def test_known_and_unknown_e_mail_give_the_same_answer_in_the_same_queries(client, me, my_day, elsewhere):
    client.force_login(me)
    url = reverse("participants:participant_create")
    with CaptureQueriesContext(connection) as unknown:
        first = client.post(url, _new_person_post(my_day, email="senki.mas@example.hu", given_name="Egy"))
    with CaptureQueriesContext(connection) as known:
        second = client.post(url, _new_person_post(my_day, email=SECRET_EMAIL, given_name="Kettő"))
    assert first.status_code == second.status_code == 302
    def shape(ctx):
        # The session's own bookkeeping (idle-timeout stamp, form tokens) depends on the request, not the person.
        queries = [q["sql"] for q in ctx.captured_queries
                   if "django_session" not in q["sql"] and "SAVEPOINT" not in q["sql"]]
        return [re.sub(r"'[^']*'|\b\d+\b|\"s\d+_x\d+\"", "?", sql) for sql in queries]
    assert shape(unknown) == shape(known)


def test_within_the_library_recognition_works_as_before(client, me, my_day):
    mine = ParticipantFactory(email="sajat@example.hu", registering_library=my_day.library)
    client.force_login(me)
    response = client.post(reverse("participants:participant_create"),
                           _new_person_post(my_day, email="SAJAT@example.hu"))
    assert response.status_code == 200
    assert [c.pk for c in response.context["candidates"]] == [mine.pk]
    consent_before = _consent(mine)
    response = client.post(reverse("participants:participant_create"),
                           {**_new_person_post(my_day, email="sajat@example.hu"), "use_existing": str(mine.pk)})
    assert response.status_code == 302
    assert Registration.objects.filter(participant=mine, info_day=my_day).exists()
    assert _consent(mine) == consent_before  # recognition never renews consent


def test_the_edit_form_does_not_reveal_a_person_of_another_library(client, me, my_day, elsewhere):
    mine = ParticipantFactory(registering_library=my_day.library, email="sajat@example.hu")
    client.force_login(me)
    data = form_post(email=SECRET_EMAIL, family_name=mine.family_name, given_name=mine.given_name,
                     birth_year=str(mine.birth_year), settlement=mine.settlement)
    response = client.post(reverse("participants:participant_edit", args=[mine.pk]), data)
    assert response.status_code == 302
    assert _tamara_leaks(client.get(response["Location"]).content.decode(), elsewhere) == []
    mine.refresh_from_db()
    assert mine.email == SECRET_EMAIL


def test_the_import_preview_and_confirm_do_not_take_over_a_person_of_another_library(
        client, me, my_day, elsewhere, django_capture_on_commit_callbacks):
    consent_before = _consent(elsewhere)
    rows = good_rows()
    rows[3][:6] = ["Titkos", "Tamara", SECRET_EMAIL, "", "1966", "Pannonhalma"]
    client.force_login(me)
    response = client.post(reverse("participants:import_upload"),
                           {"event": f"info_day:{my_day.pk}", "file": csv_file(rows)})
    preview_url = response["Location"]
    preview = client.get(preview_url)
    assert "ismert személy: 0" in preview.content.decode() and "ismert személy: Titkos" not in preview.content.decode()
    assert [o.known for o in preview.context["outcomes"]] == [None] * 4
    assert "Rejtett Műhely" not in preview.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(preview_url)
    assert not Registration.objects.filter(participant=elsewhere, info_day=my_day).exists()
    assert Participant.objects.filter(email=SECRET_EMAIL).count() == 2
    assert _consent(elsewhere) == consent_before


def test_the_walk_in_does_not_record_attendance_for_a_person_of_another_library(elsewhere):
    info_day = info_day_under_way(capacity=30)
    coordinator = CoordinatorFactory(library=info_day.library)
    data = person_data(family_name="Titkos", given_name="Tamara", email=SECRET_EMAIL, birth_year=1966,
                       settlement="Pannonhalma")
    registration = add_walk_in(info_day=info_day, data=data, recorded_by=coordinator)
    assert registration.participant_id != elsewhere.pk
    assert not Attendance.objects.filter(registration__participant=elsewhere).exists()


def test_the_walk_in_page_does_not_reveal_them_either(client, elsewhere):
    info_day = info_day_under_way(capacity=30)
    client.force_login(CoordinatorFactory(library=info_day.library))
    response = client.post(reverse("trainings:info_day_register", args=[info_day.pk]), {
        "add_walk_in": "1", "family_name": "Titkos", "given_name": "Tamara", "birth_year": "1966",
        "settlement": "Pannonhalma", "county": str(get_county("Győr-Moson-Sopron").pk), "email": SECRET_EMAIL,
        "phone": "", "target_group": "citizen", "consent": "on"}, follow=True)
    assert response.status_code == 200
    assert "Rejtett Műhely" not in response.content.decode() and "+36 70 999" not in response.content.decode()
    assert not Attendance.objects.filter(registration__participant=elsewhere).exists()


def test_the_public_recognises_nobody(elsewhere):
    assert list(known_participants(viewer=None, email=SECRET_EMAIL, family_name="Titkos", given_name="Tamara",
                                   birth_year=1966, settlement="Pannonhalma")) == []
    person, created = create_participant(viewer=None, data=person_data(email=SECRET_EMAIL))
    assert created and person.pk != elsewhere.pk


def test_staff_recognise_everybody(elsewhere):
    with pytest.raises(DuplicateParticipant) as exc:
        create_participant(viewer=StaffFactory(), data=person_data(email=SECRET_EMAIL))
    assert [c.pk for c in exc.value.candidates] == [elsewhere.pk]


def test_anonymised_people_are_not_recognised(staff):
    gone = ParticipantFactory(email=SECRET_EMAIL)
    Participant.objects.filter(pk=gone.pk).update(anonymised_at="2026-01-01T00:00:00Z")
    _person, created = create_participant(viewer=staff, data=person_data(email=SECRET_EMAIL))
    assert created


def test_a_possible_duplicate_across_libraries_becomes_a_case_for_staff(
        me, my_day, elsewhere, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        new, created = create_participant(viewer=me, library=my_day.library, data=person_data(email=SECRET_EMAIL))
    assert created
    case = DuplicateCase.objects.get()
    assert (case.first_id, case.second_id, case.match, case.status) == (elsewhere.pk, new.pk, "email",
                                                                        DuplicateStatus.OPEN)
    assert record_duplicate_cases([new.pk]) == []  # once per pair


def test_import_of_a_known_elsewhere_person_opens_a_case(me, my_day, elsewhere, django_capture_on_commit_callbacks):
    rows = imports.read_file(csv_file(good_rows()))
    rows[3].update(email=SECRET_EMAIL)
    with django_capture_on_commit_callbacks(execute=True):
        imports.confirm_import(rows=rows, event=my_day, imported_by=me)
    assert DuplicateCase.objects.filter(first=elsewhere).count() == 1


def test_the_import_preview_does_not_name_an_organisation_by_its_tax_number(me, my_day):
    from menet_portal.tests.factories import NonprofitFactory

    rows = good_rows()
    NonprofitFactory(tax_number=rows[1][10], name="Titkos Alapítvány")
    outcomes = imports.check_rows(imports.read_file(csv_file(rows)), my_day, viewer=me)
    messages = " ".join(m for o in outcomes for _c, m in o.errors)
    assert "Adószám" in [c for o in outcomes for c, _m in o.errors] and "Titkos Alapítvány" not in messages


def test_editing_cannot_rename_an_organisation_of_another_library(me, my_day, elsewhere):
    from participants.services import update_participant
    from participants.tests.factories import business_data

    mine = ParticipantFactory(registering_library=my_day.library)
    tax_number = elsewhere.organisation.tax_number
    update_participant(viewer=me, participant=mine, data=business_data(
        tax_number=tax_number, organisation_name="Átnevezve Kft.", email=mine.email,
        family_name=mine.family_name, given_name=mine.given_name, birth_year=mine.birth_year,
        settlement=mine.settlement))
    elsewhere.organisation.refresh_from_db()
    assert elsewhere.organisation.name == "Rejtett Műhely Kft."


def test_the_duplicate_check_matches_any_case_through_the_lower_case_indexes():
    """privacy.services.possible_duplicates is recognition's rule (participants.services.
    identity_condition): the same e-mail or the same name, birth year and settlement in any case,
    accents included, compared as LOWER(...) so that the indexes participant_email_lower and
    participant_identity_lower serve it (as UPPER(...) it read every person for each one checked)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from menet_portal.tests.factories import ParticipantFactory
    from privacy.services import possible_duplicates, record_duplicate_cases

    person = ParticipantFactory(family_name="Őri", given_name="Édua", birth_year=1961, settlement="Győr",
                                email="Edua.Ori@Example.hu")
    same_name = ParticipantFactory(family_name="ŐRI", given_name="ÉDUA", birth_year=1961, settlement="GYŐR", email="")
    same_email = ParticipantFactory(family_name="Más", given_name="Valaki", email="edua.ori@example.HU")
    ParticipantFactory(family_name="Őri", given_name="Édua", birth_year=1962, settlement="Győr", email="")  # another year
    with CaptureQueriesContext(connection) as queries:
        found = list(possible_duplicates(person))
    assert found == [same_name, same_email]
    sql = queries[0]["sql"]
    assert "LOWER(" in sql and "UPPER(" not in sql
    assert len(record_duplicate_cases([person.pk])) == 2


def test_a_persons_messages_by_address_are_found_in_any_case_through_the_lower_case_index(staff):
    """Anonymisation scrubs, and the GDPR export lists, the messages sent to the person's address
    in any case, also those of no registration; the look-up is LOWER(recipient), as the index
    outbox_recipient_lower is built (UPPER read all 136,000 messages for each person: 27 ms)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from menet_portal.models import MessageKind, OutboxMessage
    from menet_portal.tests.factories import ParticipantFactory
    from privacy.services import anonymise_participant, export_person

    person = ParticipantFactory(email="Anna.Kis@Example.hu")
    mine = OutboxMessage.objects.create(kind=MessageKind.COORDINATOR_DIGEST, recipient="anna.kis@example.HU",
                                        subject_key="x:1", slot="2026-W49")
    other = OutboxMessage.objects.create(kind=MessageKind.COORDINATOR_DIGEST, recipient="mas@example.hu",
                                         subject_key="x:2", slot="2026-W49")
    assert len(export_person(person)["messages"]) == 1  # the message to the address, not the other
    with CaptureQueriesContext(connection) as queries:
        anonymise_participant(participant=person, reason="kérésre", anonymised_by=staff)
    looked_up = [q["sql"] for q in queries if 'FROM "menet_portal_outboxmessage"' in q["sql"] and "recipient" in q["sql"]]
    assert looked_up and all("LOWER(" in sql and "UPPER(" not in sql for sql in looked_up)
    mine.refresh_from_db(), other.refresh_from_db()
    assert mine.recipient.endswith("@anonim.invalid") and other.recipient == "mas@example.hu"
