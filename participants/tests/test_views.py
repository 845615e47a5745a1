"""The coordinator workspace in the browser (Django test client)."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from menet_portal.tests.factories import (
    CoordinatorFactory,
    CourseFactory,
    InfoDayFactory,
    ParticipantFactory,
    RegistrationFactory,
    TrainingSiteFactory,
)
from participants.models import Participant, Registration, RegistrationStatus
from participants.services import register_participant

from .factories import form_post

pytestmark = pytest.mark.django_db


def test_home_shows_fill_waiting_list_and_warns_below_minimum_close_to_the_date(login, coordinator):
    soon = InfoDayFactory(library=coordinator.library, capacity=2, minimum=2,
                          date=timezone.localdate() + datetime.timedelta(days=10))
    later = InfoDayFactory(library=coordinator.library, capacity=30, minimum=25,
                           date=timezone.localdate() + datetime.timedelta(days=40))
    for _ in range(3):
        register_participant(participant=ParticipantFactory(), event=later)
    course = CourseFactory(site=TrainingSiteFactory(library=coordinator.library), capacity=1)
    for _ in range(2):
        register_participant(participant=ParticipantFactory(), event=course)
    response = login(coordinator).get(reverse("participants:coordinator_home"))
    body = response.content.decode()
    warnings = [d.pk for d in response.context["warnings"]]
    assert warnings == [soon.pk]  # `later` is below minimum too, but 40 days away
    assert "3 / 30" in body and "1 / 1" in body
    course_row = [c for c in response.context["courses"] if c.pk == course.pk][0]
    assert course_row.waitlisted_count == 1
    assert "minimum 2" in body


def test_registering_a_new_person_for_an_event(login, coordinator):
    day = InfoDayFactory(library=coordinator.library, capacity=1, minimum=1)
    client = login(coordinator)
    url = reverse("participants:participant_create")
    response = client.post(url, form_post(event=f"info_day:{day.pk}"))
    person = Participant.objects.get()
    assert response.status_code == 302
    assert person.registering_library == coordinator.library and person.phone == "+36 30 123 4567"
    assert Registration.objects.get().status == RegistrationStatus.CONFIRMED
    # The next one goes to the waiting list, and the coordinator is told so.
    response = client.post(url, form_post(event=f"info_day:{day.pk}", email="masik@example.hu", given_name="Béla"),
                           follow=True)
    assert "várólistára került" in response.content.decode()


def test_form_with_errors_keeps_what_was_typed_and_says_what_is_wrong(login, coordinator):
    response = login(coordinator).post(reverse("participants:participant_create"), form_post(
        target_group="business", organisation_name="Hibás Kft.", organisation_kind="company",
        tax_number="10773382-2-44", size_band="micro", phone="12345", consent="",
    ))
    body = response.content.decode()
    assert response.status_code == 200 and Participant.objects.count() == 0
    assert "ellenőrző számjegye hibás" in body
    assert "+36 kezdettel" in body
    assert "hozzájárulás nélkül" in body
    assert 'value="Hibás Kft."' in body and 'value="Szőke"' in body


def test_nonprofit_without_organisation_is_refused_beside_the_fields(login, coordinator):
    response = login(coordinator).post(reverse("participants:participant_create"), form_post(target_group="nonprofit"))
    errors = response.context["form"].errors
    assert {"organisation_name", "organisation_kind", "tax_number"} <= set(errors)
    assert Participant.objects.count() == 0


def test_known_person_is_offered_and_chosen(login, coordinator):
    day = InfoDayFactory(library=coordinator.library)
    known = ParticipantFactory(email="szoke.gyozo@example.hu", registering_library=coordinator.library)
    client = login(coordinator)
    url = reverse("participants:participant_create")
    response = client.post(url, form_post(event=f"info_day:{day.pk}"))
    assert response.status_code == 200 and [c.pk for c in response.context["candidates"]] == [known.pk]
    assert "Ezt a személyt választom" in response.content.decode()
    response = client.post(url, form_post(event=f"info_day:{day.pk}", use_existing=str(known.pk)))
    assert response.status_code == 302
    assert Participant.objects.count() == 1
    assert Registration.objects.get().participant == known


def test_citizen_outside_active_age_is_warned_not_refused(login, coordinator):
    response = login(coordinator).post(reverse("participants:participant_create"), form_post(birth_year=1940),
                                       follow=True)
    assert Participant.objects.count() == 1
    assert "nem aktív korú" in response.content.decode()


def test_lists_filter_sort_in_hungarian_order_and_export(login, coordinator):
    day = InfoDayFactory(library=coordinator.library)
    for family in ["Csizmadia", "Cukor", "Özvegy", "Ősz", "Czakó"]:
        RegistrationFactory(info_day=day, participant=ParticipantFactory(family_name=family, given_name="Ádám"))
    RegistrationFactory(info_day=day, status=RegistrationStatus.WAITLISTED,
                        participant=ParticipantFactory(family_name="Zsigmond", target_group="citizen"))
    client = login(coordinator)
    response = client.get(reverse("participants:participant_list"), {"info_day": day.pk})
    names = [p.family_name for p in response.context["page_obj"]]
    assert names == ["Cukor", "Czakó", "Csizmadia", "Ősz", "Özvegy", "Zsigmond"]
    response = client.get(reverse("participants:registration_list"), {"info_day": day.pk, "status": "waitlisted"})
    assert [r["family_name"] for r in response.context["page_obj"]] == ["Zsigmond"]
    response = client.get(reverse("participants:participant_list"), {"q": "czakó ádám"})
    assert [p.family_name for p in response.context["page_obj"]] == ["Czakó"]

    xlsx = client.get(reverse("participants:registration_list"), {"info_day": day.pk, "status": "confirmed",
                                                                  "format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.values)
    assert rows[0][:3] == ("Családi név", "Utónév", "E-mail")
    assert [r[0] for r in rows[1:]] == ["Cukor", "Czakó", "Csizmadia", "Ősz", "Özvegy"]
    csv = b"".join(client.get(reverse("participants:participant_list"),
                              {"q": "Zsigmond", "format": "csv"}).streaming_content).decode("utf-8-sig")
    lines = csv.strip().splitlines()
    assert lines[0].startswith("Családi név;Utónév") and len(lines) == 2 and lines[1].startswith("Zsigmond;")


def test_staff_see_every_library_in_the_lists(login, staff):
    RegistrationFactory(participant=ParticipantFactory(family_name="Egyik"))
    RegistrationFactory(participant=ParticipantFactory(family_name="Másik"))
    response = login(staff).get(reverse("participants:registration_list"))
    assert {r["family_name"] for r in response.context["page_obj"]} == {"Egyik", "Másik"}


def test_cancel_needs_a_reason_records_it_and_promotes(login, coordinator):
    day = InfoDayFactory(library=coordinator.library, capacity=1, minimum=1)
    first = register_participant(participant=ParticipantFactory(), event=day)
    second = register_participant(participant=ParticipantFactory(), event=day)
    client = login(coordinator)
    url = reverse("participants:registration_cancel", args=[first.pk])
    response = client.post(url, {"reason": "   "})
    assert "Adja meg a lemondás okát" in response.content.decode()
    first.refresh_from_db()
    assert first.status == RegistrationStatus.CONFIRMED
    response = client.post(url, {"reason": "Beteg lett."}, follow=True)
    first.refresh_from_db(), second.refresh_from_db()
    assert first.status == RegistrationStatus.CANCELLED and first.cancel_reason == "Beteg lett."
    assert second.status == RegistrationStatus.CONFIRMED
    assert "a várólistáról helyet kapott" in response.content.decode()


def test_edit_participant(login, coordinator):
    person = ParticipantFactory(registering_library=coordinator.library)
    response = login(coordinator).post(reverse("participants:participant_edit", args=[person.pk]),
                                       form_post(family_name="Új", given_name="Név", email="uj@example.hu"))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.full_name == "Új Név"


def test_register_a_known_person_for_another_event(login, coordinator):
    person = ParticipantFactory(registering_library=coordinator.library)
    course = CourseFactory(site=TrainingSiteFactory(library=coordinator.library))
    client = login(coordinator)
    url = reverse("participants:participant_detail", args=[person.pk])
    assert client.post(url, {"event": f"course:{course.pk}"}).status_code == 302
    response = client.post(url, {"event": f"course:{course.pk}"})
    assert "már jelentkezett" in response.content.decode()
    assert Registration.objects.filter(participant=person).count() == 1


def test_other_roles_cannot_use_the_workspace(login, trainer, funder):
    for user in (trainer, funder):
        client = login(user)
        for name in ("participants:participant_list", "participants:registration_list",
                     "participants:participant_create"):
            assert client.get(reverse(name)).status_code == 403


def test_every_coordinator_url_answers_404_for_another_librarys_ids(login, coordinator):
    other = CoordinatorFactory()
    other_day = InfoDayFactory(library=other.library)
    other_course = CourseFactory(site=TrainingSiteFactory(library=other.library))
    other_person = ParticipantFactory(registering_library=other.library)
    other_reg = RegistrationFactory(info_day=other_day, participant=other_person)
    client = login(coordinator)
    gets = [
        reverse("participants:participant_detail", args=[other_person.pk]),
        reverse("participants:participant_edit", args=[other_person.pk]),
        reverse("participants:registration_cancel", args=[other_reg.pk]),
        reverse("participants:participant_create") + f"?info_day={other_day.pk}",
        reverse("participants:participant_create") + f"?course={other_course.pk}",
        reverse("participants:import_upload") + f"?info_day={other_day.pk}",
        reverse("participants:import_upload") + f"?course={other_course.pk}",
    ]
    for list_name in ("participants:participant_list", "participants:registration_list"):
        for param, value in (("info_day", other_day.pk), ("course", other_course.pk)):
            for fmt in ("", "&format=csv", "&format=xlsx"):
                gets.append(f"{reverse(list_name)}?{param}={value}{fmt}")
    for url in gets:
        assert client.get(url).status_code == 404, url
    posts = [
        (reverse("participants:participant_edit", args=[other_person.pk]), form_post()),
        (reverse("participants:registration_cancel", args=[other_reg.pk]), {"reason": "x"}),
        (reverse("participants:participant_detail", args=[other_person.pk]), {"event": f"info_day:{other_day.pk}"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    other_reg.refresh_from_db()
    assert other_reg.status == RegistrationStatus.CONFIRMED
    # Unfiltered lists and exports hold only the coordinator's own library.
    for list_name in ("participants:participant_list", "participants:registration_list"):
        assert client.get(reverse(list_name)).context["page_obj"].paginator.count == 0
        csv = b"".join(client.get(reverse(list_name), {"format": "csv"}).streaming_content).decode("utf-8-sig")
        assert other_person.family_name not in csv and len(csv.strip().splitlines()) == 1
    # Another library's event is not a valid choice in the registration form either.
    response = client.post(reverse("participants:participant_create"), form_post(event=f"info_day:{other_day.pk}"))
    assert "event" in response.context["form"].errors and Registration.objects.count() == 1
    response = client.post(reverse("participants:import_upload"), {"event": f"info_day:{other_day.pk}"})
    assert "event" in response.context["form"].errors


def test_form_works_without_javascript(login, coordinator):
    """The organisation fields are in the page and visible; the script only hides them for citizens."""
    body = login(coordinator).get(reverse("participants:participant_create")).content.decode()
    assert 'id="organisation-fields"' in body and 'name="tax_number"' in body and 'name="size_band"' in body
    assert 'id="organisation-fields" hidden' not in body
    assert "participants/participant_form.js" in body


# --- waiting-list positions: one order, the one promotion uses ------------------------------

def test_queue_positions_on_lists_and_the_person_page_follow_promotion_order(login, coordinator):
    from participants.services import availability, cancel_registration, register_participant, with_queue_position

    day = InfoDayFactory(library=coordinator.library, capacity=1, minimum=1)
    people = [ParticipantFactory(family_name=name, registering_library=coordinator.library)
              for name in ("Zala", "Ábel", "Kovács", "Bodnár")]
    regs = [register_participant(participant=p, event=day) for p in people]
    positions = dict(with_queue_position(Registration.objects.filter(info_day=day)).values_list("pk", "queue_position"))
    assert [positions[r.pk] for r in regs] == [None, 1, 2, 3]
    client = login(coordinator)
    page = client.get(reverse("participants:registration_list"),
                      {"info_day": day.pk, "status": "waitlisted", "sort": "queue"})
    assert [r["pk"] for r in page.context["page_obj"]] == [regs[1].pk, regs[2].pk, regs[3].pk]  # not by name
    assert "1. hely" in page.content.decode()
    detail = client.get(reverse("participants:participant_detail", args=[people[3].pk])).content.decode()
    assert "a várólista 3. helyén" in detail
    promoted = cancel_registration(registration=regs[0], reason="Nem ér rá.")
    assert [p.pk for p in promoted] == [regs[1].pk]  # position 1 is the one promoted
    positions = dict(with_queue_position(Registration.objects.filter(info_day=day)).values_list("pk", "queue_position"))
    assert [positions[r.pk] for r in regs[2:]] == [1, 2] and availability(day).waitlisted == 2
