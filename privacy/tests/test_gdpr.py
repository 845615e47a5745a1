"""Consent, the per-person export, anonymisation, retention, stale uploads and the access log."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from menet_portal.notifications.models import OutboxMessage
from menet_portal.tests.factories import (
    AttendanceFactory,
    CoordinatorFactory,
    InfoDayFactory,
    ParticipantFactory,
    ProgrammeFactory,
    RegistrationFactory,
)
from participants import imports
from participants.models import ImportStatus, Participant, ParticipantImport, Registration, RegistrationStatus
from participants.services import create_participant, update_participant
from participants.tests.factories import form_post, person_data
from privacy import services
from privacy.models import AccessLogEntry, AnonymisationRecord
from reports.selectors import programme_indicators

pytestmark = pytest.mark.django_db

LONG_AGO = datetime.datetime(2025, 1, 2, 10, 0, tzinfo=datetime.timezone.utc)


def _old_consent(**kwargs):
    return ParticipantFactory(consent_given_at=LONG_AGO, consent_text_version="2025-01", **kwargs)


def _consent(person):
    person.refresh_from_db()
    return person.consent_given_at, person.consent_text_version


# --- consent -------------------------------------------------------------------------------

def test_no_recognition_path_changes_consent(staff):
    person = _old_consent(email="ismert@example.hu")
    day = InfoDayFactory(library=person.registering_library)
    coordinator = CoordinatorFactory(library=person.registering_library)
    data = person_data(email="ismert@example.hu")
    create_participant(viewer=coordinator, data=data, use_existing=person.pk)
    create_participant(viewer=coordinator, data=data, allow_known=True)
    update_participant(viewer=coordinator, participant=person, data=person_data(email="ismert@example.hu",
                                                                                phone="+36 1 111 2222"))
    rows = imports.read_file(_csv("ismert@example.hu"))
    imports.confirm_import(rows=rows, event=day, imported_by=coordinator)
    assert Registration.objects.filter(participant=person, info_day=day).exists()
    assert _consent(person) == (LONG_AGO, "2025-01")


def _csv(email):
    from participants.tests.test_imports import csv_file, good_rows

    rows = good_rows()
    rows[0][:6] = ["Szőke", "Győző", email, "", "1975", "Tata"]
    rows[0][6] = "Komárom-Esztergom"
    return csv_file(rows)


def test_the_admin_cannot_change_consent(client, staff):
    staff.is_staff = True
    staff.save()
    person = _old_consent()
    client.force_login(staff)
    url = reverse("admin:participants_participant_change", args=[person.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="consent_given_at' not in page.content.decode()
    assert client.get(reverse("admin:participants_participant_add")).status_code == 403


def test_consent_only_by_the_person_or_staff_with_a_reason(staff):
    person = _old_consent()
    with pytest.raises(services.PrivacyError):
        services.record_consent(participant=person, staff_user=CoordinatorFactory(), reason="kérte")
    with pytest.raises(services.PrivacyError):
        services.record_consent(participant=person, staff_user=staff, reason="  ")
    assert _consent(person) == (LONG_AGO, "2025-01")
    services.record_consent(participant=person, staff_user=staff, reason="2026/123 levél")
    person.refresh_from_db()
    assert person.consent_given_at > LONG_AGO
    assert "2026/123" in person.history.first().history_change_reason
    services.record_consent(participant=person, by_person=True)


def test_staff_record_consent_on_the_persons_page(login, staff):
    person = _old_consent()
    url = reverse("privacy:person", args=[person.pk])
    assert login(staff).post(url, {"consent": "1", "reason": ""}).status_code == 400
    assert _consent(person) == (LONG_AGO, "2025-01")
    assert login(staff).post(url, {"consent": "1", "reason": "telefonos kérés 12.01."}).status_code == 302
    assert _consent(person)[0] > LONG_AGO


# --- the per-person export ---------------------------------------------------------------

def test_export_person_holds_everything(staff):
    registration = RegistrationFactory(participant=_old_consent(email="kiviteli@example.hu"))
    AttendanceFactory(registration=registration)
    person = registration.participant
    OutboxMessage.objects.create(kind="confirmed", recipient=person.email, subject_key="r1", slot="x",
                                 registration=registration)
    data = services.export_person(person)
    assert data["person"]["email"] == "kiviteli@example.hu"
    assert data["consent"]["notice_version"] == "2025-01"
    assert data["registrations"][0]["attendance"][0]["status"] == "present"
    assert data["messages"][0]["recipient"] == "kiviteli@example.hu"
    assert data["history"][0]["change"] == "létrehozva"
    json.dumps(data)  # plain JSON types


def test_gdpr_downloads_are_staff_only_and_logged(client, login, staff):
    person = RegistrationFactory().participant
    for name in ("privacy:person_export_json", "privacy:person_export_pdf", "privacy:person"):
        client.force_login(CoordinatorFactory(library=person.registering_library))
        assert client.get(reverse(name, args=[person.pk])).status_code == 403
    response = login(staff).get(reverse("privacy:person_export_json", args=[person.pk]))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert json.loads(response.content)["person"]["id"] == person.pk
    pdf = login(staff).get(reverse("privacy:person_export_pdf", args=[person.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    entries = AccessLogEntry.objects.filter(action="gdpr_export", participants=person)
    assert entries.count() == 2 and {e.user for e in entries} == {staff}


def test_the_pdf_is_readable_hungarian(staff, artifacts_dir):
    import os

    from pypdf import PdfReader

    registration = RegistrationFactory(participant=ParticipantFactory(family_name="Őrsi", given_name="Zsófia"))
    content = services.export_person_pdf(registration.participant)
    path = os.path.join(artifacts_dir, "gdpr-person-export.pdf")
    with open(path, "wb") as fh:
        fh.write(content)
    text = "".join(page.extract_text() for page in PdfReader(path).pages)
    assert "Személyes adatok kivonata" in text and "Őrsi Zsófia" in text and "Hozzájárulás" in text


# --- anonymisation -----------------------------------------------------------------------

def _programme_with_people():
    programme = ProgrammeFactory()
    day = InfoDayFactory(programme=programme, capacity=5, minimum=1)
    regs = [RegistrationFactory(info_day=day) for _ in range(3)]
    for reg in regs[:2]:
        AttendanceFactory(registration=reg)
    RegistrationFactory(info_day=day, status=RegistrationStatus.CANCELLED, cancelled_at=timezone.now(),
                        cancel_reason="Beteg lett Kovács Anna")
    return programme, day, regs


def test_anonymisation_scrubs_the_person_and_keeps_every_figure(staff):
    programme, day, regs = _programme_with_people()
    person = regs[0].participant
    old_email = person.email
    OutboxMessage.objects.create(kind="confirmed", recipient=old_email, subject_key="r1", slot="x",
                                 registration=regs[0], context={"name": person.full_name})
    person.phone = "+36 30 765 4321"
    person.save()
    now = timezone.now()
    before = programme_indicators(programme, now=now)
    services.anonymise_participant(participant=person, reason="2026/77 kérelem", anonymised_by=staff)
    assert programme_indicators(programme, now=now) == before
    person.refresh_from_db()
    assert person.anonymised_at and person.email == "" and person.phone == "" and person.family_name == "Anonimizált"
    for row in person.history.all():
        assert (row.email, row.phone, row.family_name) == ("", "", "Anonimizált")
    message = OutboxMessage.objects.get(registration=regs[0])
    assert old_email not in message.recipient and message.context == {}
    assert AnonymisationRecord.objects.get(participant=person).reason == "2026/77 kérelem"
    # never recognised again
    _again, created = create_participant(viewer=staff, data=person_data(email=old_email))
    assert created


def test_anonymising_a_cancelled_registration_scrubs_its_reason(staff):
    _programme, day, _regs = _programme_with_people()
    cancelled = Registration.objects.get(info_day=day, status=RegistrationStatus.CANCELLED)
    services.anonymise_participant(participant=cancelled.participant, reason="kérte", anonymised_by=staff)
    cancelled.refresh_from_db()
    assert "Kovács" not in cancelled.cancel_reason
    assert not Registration.history.filter(id=cancelled.pk, cancel_reason__contains="Kovács").exists()


def test_anonymisation_needs_a_reason_and_happens_once(login, staff):
    person = ParticipantFactory()
    url = reverse("privacy:person", args=[person.pk])
    assert login(staff).post(url, {"anonymise": "1", "reason": "kérte"}).status_code == 400  # not confirmed
    assert login(staff).post(url, {"anonymise": "1", "reason": "", "confirm": "1"}).status_code == 400
    person.refresh_from_db()
    assert person.anonymised_at is None
    assert login(staff).post(url, {"anonymise": "1", "reason": "kérte", "confirm": "1"}).status_code == 302
    with pytest.raises(services.PrivacyError):
        services.anonymise_participant(participant=person, reason="még egyszer", anonymised_by=staff)


def test_deleting_a_person_leaves_no_personal_data_in_the_history():
    registration = RegistrationFactory(participant=ParticipantFactory(email="torlendo@example.hu",
                                                                      family_name="Törlendő"),
                                       status=RegistrationStatus.CANCELLED, cancelled_at=timezone.now(),
                                       cancel_reason="Törlendő úr lemondta")
    person = registration.participant
    pk = person.pk
    person.delete()
    assert Participant.history.filter(id=pk).exists()
    assert not Participant.history.filter(id=pk, email="torlendo@example.hu").exists()
    assert not Participant.history.filter(id=pk, family_name="Törlendő").exists()
    assert not Registration.history.filter(participant_id=pk, cancel_reason__contains="Törlendő").exists()


# --- retention ---------------------------------------------------------------------------

def test_apply_retention_anonymises_people_after_the_retention_period(capsys):
    today = timezone.localdate()
    ended = ProgrammeFactory(start_date=today - datetime.timedelta(days=900),
                             end_date=today - datetime.timedelta(days=800), retention_months=24)
    running = ProgrammeFactory(start_date=today - datetime.timedelta(days=30),
                               end_date=today + datetime.timedelta(days=300))
    old_day = InfoDayFactory(programme=ended, date=today - datetime.timedelta(days=850))
    new_day = InfoDayFactory(programme=running)
    gone = RegistrationFactory(info_day=old_day).participant
    back_again = RegistrationFactory(info_day=old_day).participant
    RegistrationFactory(info_day=new_day, participant=back_again)
    current = RegistrationFactory(info_day=new_day).participant
    call_command("apply_retention", "--dry-run")
    assert "Due for anonymisation: 1 (dry run" in capsys.readouterr().out
    assert Participant.objects.filter(anonymised_at__isnull=False).count() == 0
    call_command("apply_retention")
    assert "anonymised: 1" in capsys.readouterr().out
    assert set(Participant.objects.filter(anonymised_at__isnull=False)) == {gone}
    assert current.pk and back_again.pk
    call_command("apply_retention")
    assert "Due for anonymisation: 0" in capsys.readouterr().out


def test_retention_and_purge_are_scheduled_by_beat():
    from django.conf import settings

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"privacy.tasks.apply_retention", "participants.tasks.purge_stale_imports"} <= tasks


def test_purge_stale_imports(capsys):
    user = CoordinatorFactory()
    day = InfoDayFactory()
    old = timezone.now() - datetime.timedelta(days=3)
    stale = ParticipantImport.objects.create(token="a", created_by=user, info_day=day, rows=[{"email": "x@y.hu"}])
    done = ParticipantImport.objects.create(token="b", created_by=user, info_day=day, rows=[{"email": "x@y.hu"}],
                                            status=ImportStatus.DONE, message="Kiss Anna már jelentkezett")
    fresh = ParticipantImport.objects.create(token="c", created_by=user, info_day=day, rows=[{"email": "x@y.hu"}])
    ParticipantImport.objects.filter(pk__in=[stale.pk, done.pk]).update(created_at=old)
    call_command("purge_stale_imports", "--dry-run")
    assert "Deleted: 1; emptied: 1 (dry run" in capsys.readouterr().out
    call_command("purge_stale_imports")
    assert not ParticipantImport.objects.filter(pk=stale.pk).exists()
    done.refresh_from_db()
    assert done.rows == [] and done.message == ""
    assert ParticipantImport.objects.get(pk=fresh.pk).rows


# --- access log --------------------------------------------------------------------------

def test_opening_and_exporting_personal_data_is_logged_and_only_staff_read_the_log(client, login, staff):
    registration = RegistrationFactory()
    person = registration.participant
    coordinator = CoordinatorFactory(library=registration.info_day.library)
    client.force_login(coordinator)
    assert client.get(reverse("participants:participant_detail", args=[person.pk])).status_code == 200
    assert client.get(reverse("participants:participant_list"), {"format": "csv"}).status_code == 200
    assert client.get(reverse("participants:registration_list"), {"format": "xlsx"}).status_code == 200
    entries = AccessLogEntry.objects.filter(user=coordinator).order_by("at", "id")
    assert [e.action for e in entries] == ["view", "export", "export"]
    assert all(person in e.participants.all() for e in entries)
    assert client.get(reverse("privacy:access_log")).status_code == 403
    page = login(staff).get(reverse("privacy:access_log"), {"participant": person.pk, "action": "export"})
    assert page.status_code == 200 and len(page.context["page_obj"].object_list) == 2
    other = login(staff).get(reverse("privacy:access_log"), {"participant": person.pk + 999})
    assert len(other.context["page_obj"].object_list) == 0


def test_the_access_log_is_read_only_in_the_admin(client, staff):
    staff.is_staff = True
    staff.save()
    entry = services.log_access(user=staff, action="view", participants=[ParticipantFactory().pk])
    client.force_login(staff)
    assert client.get(reverse("admin:privacy_accesslogentry_changelist")).status_code == 200
    assert client.post(reverse("admin:privacy_accesslogentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    assert AccessLogEntry.objects.filter(pk=entry.pk).exists()


def test_form_post_helper_still_records_consent_for_new_people(client, login, coordinator):
    day = InfoDayFactory(library=coordinator.library)
    response = login(coordinator).post(reverse("participants:participant_create"),
                                       form_post(event=f"info_day:{day.pk}"))
    assert response.status_code == 302
    assert Participant.objects.get().consent_given_at
