"""Bulk import: preview first, nothing written until confirmed, all rows or none."""

import io

import pytest
from django.utils import timezone
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from menet_portal.tests.factories import CoordinatorFactory, InfoDayFactory, ParticipantFactory, _tax_number
from participants import imports
from participants.models import (
    ImportStatus,
    Organisation,
    Participant,
    ParticipantImport,
    Registration,
    RegistrationSource,
    RegistrationStatus,
)

pytestmark = pytest.mark.django_db

HEADER = ["Családi név", "Utónév", "E-mail", "Telefon", "Születési év", "Település", "Vármegye", "Célcsoport",
          "Szervezet neve", "Szervezet típusa", "Adószám", "Méret", "Hozzájárult"]


def good_rows():
    return [
        ["Őri", "Ződ", "ori.zod@example.hu", "06 30 111 2222", "1980", "Győr", "Győr-Moson-Sopron", "állampolgár",
         "", "", "", "", "igen"],
        ["Űrös", "Tünde", "uros.tunde@example.hu", "+36 20 333 4444", "1972", "Sopron", "Győr-Moson-Sopron",
         "gazdasági", "Szűcs és Társa Bt.", "Bt.", _tax_number(501), "mikro", "igen"],
        ["Szőke", "Ödön", "", "06 1 234 5678", "1965", "Budapest", "Budapest", "nonprofit",
         "Együtt a Jövőért Egyesület", "egyesület", _tax_number(502), "", "igen"],
        ["Kiss", "Erzsébet", "kiss.erzsebet@example.hu", "", "1990", "Mosonmagyaróvár", "Győr-Moson-Sopron",
         "állampolgár", "", "", "", "", "igen"],
    ]


def bad_rows():
    rows = good_rows()
    rows[0][2] = "nem-email"  # row 2: e-mail
    rows[1][10] = "10773382-2-44"  # row 3: tax number checksum
    rows[3][12] = "nem"  # row 5: no consent
    return rows


def csv_file(rows, encoding="cp1250", delimiter=";", bom=False, name="lista.csv"):
    text = "\r\n".join(delimiter.join(r) for r in [HEADER, *rows]) + "\r\n"
    raw = (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)
    return SimpleUploadedFile(name, raw, content_type="text/csv")


def xlsx_file(rows, name="lista.xlsx"):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for r in rows:
        ws.append([int(v) if v.isdigit() and len(v) == 4 else v for v in r])
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def _upload(client, day, upload):
    return client.post(reverse("participants:import_upload"), {"event": f"info_day:{day.pk}", "file": upload})


def test_windows_1250_semicolon_file_with_three_bad_rows_is_blocked_then_the_fixed_file_imports(
    login, coordinator, django_capture_on_commit_callbacks
):
    day = InfoDayFactory(library=coordinator.library, capacity=30, minimum=1)
    client = login(coordinator)
    response = _upload(client, day, csv_file(bad_rows()))
    assert response.status_code == 302
    preview_url = response["Location"]
    preview = client.get(preview_url)
    body = preview.content.decode()
    errors = {(o.row, column) for o in preview.context["error_rows"] for column, _m in o.errors}
    assert errors == {(2, "E-mail"), (3, "Adószám"), (5, "Hozzájárult")}
    assert "2. sor" in body and "3. sor" in body and "5. sor" in body
    assert "Űrös Tünde" in body and "Szőke Ödön" in body  # Hungarian letters survived Windows-1250
    assert 'name="confirm" disabled' in body
    # Confirming anyway (a hand-made POST) is refused and writes nothing.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(preview_url)
    assert callbacks == []
    assert response.status_code == 200 and "hibás sorok" in response.content.decode()
    assert Participant.objects.count() == 0 and Registration.objects.count() == 0
    assert Organisation.objects.count() == 0

    response = _upload(client, day, csv_file(good_rows()))
    preview_url = response["Location"]
    assert client.get(preview_url).context["error_rows"] == []
    with django_capture_on_commit_callbacks(execute=True):  # the worker runs eagerly in tests
        response = client.post(preview_url)
    assert response.status_code == 302
    assert "Betöltve: 4 sor (4 helyet kapott, 0 várólistára került)" in client.get(preview_url).content.decode()
    names = sorted(Participant.objects.values_list("family_name", flat=True))
    assert names == sorted(["Őri", "Űrös", "Szőke", "Kiss"])
    regs = Registration.objects.filter(info_day=day)
    assert regs.count() == 4 and {r.source for r in regs} == {RegistrationSource.IMPORT}
    assert Participant.objects.get(family_name="Szőke").phone == "+36 1 234 5678"
    assert Participant.objects.get(family_name="Űrös").organisation.size_band == "micro"
    # The same import cannot run twice, and the server no longer keeps the rows.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(preview_url)
    assert Registration.objects.count() == 4
    assert ParticipantImport.objects.get().rows == []


@pytest.mark.parametrize("make", [
    lambda rows: csv_file(rows, encoding="utf-8", delimiter=",", bom=True),
    lambda rows: csv_file(rows, encoding="utf-8", delimiter=";"),
    lambda rows: csv_file(rows, encoding="cp1250", delimiter=","),
    xlsx_file,
], ids=["utf8-bom-comma", "utf8-semicolon", "cp1250-comma", "xlsx"])
def test_accepted_encodings_delimiters_and_xlsx(make):
    rows = imports.read_file(make(good_rows()))
    assert [r["family_name"] for r in rows] == ["Őri", "Űrös", "Szőke", "Kiss"]
    assert rows[1]["tax_number"] == _tax_number(501) and rows[0]["birth_year"] == "1980"
    outcomes = imports.check_rows(rows, InfoDayFactory(), viewer=None)
    assert all(o.ok for o in outcomes), [o.errors for o in outcomes]


def test_preview_says_known_person_new_person_and_waiting_list():
    day = InfoDayFactory(capacity=2, minimum=1)
    known = ParticipantFactory(email="kiss.erzsebet@example.hu", registering_library=day.library)
    outcomes = imports.check_rows(imports.read_file(csv_file(good_rows())), day,
                                  viewer=CoordinatorFactory(library=day.library))
    assert [o.known for o in outcomes] == [None, None, None, known]
    assert [o.status for o in outcomes] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert "ismert személy" in outcomes[3].outcome and "várólistára" in outcomes[3].outcome


def test_same_person_twice_in_the_file_or_already_registered_is_an_error():
    day = InfoDayFactory()
    registered = ParticipantFactory(email="ori.zod@example.hu")
    Registration.objects.create(participant=registered, info_day=day, status=RegistrationStatus.CONFIRMED,
                                source=RegistrationSource.COORDINATOR, confirmed_at=timezone.now())
    rows = good_rows() + [good_rows()[3]]
    outcomes = imports.check_rows(imports.read_file(csv_file(rows)), day, viewer=CoordinatorFactory(library=day.library))
    assert "már jelentkezett" in outcomes[0].errors[0][1]
    assert "5. sorában" in outcomes[4].errors[0][1]


def test_a_failure_while_writing_rolls_back_every_row(monkeypatch):
    day = InfoDayFactory()
    rows = imports.read_file(csv_file(good_rows()))

    def fail_after_people_were_written(**kwargs):
        assert Participant.objects.count() == 4  # written inside the transaction …
        raise RuntimeError("adatbázis-hiba")

    monkeypatch.setattr(imports, "register_many", fail_after_people_were_written)
    with pytest.raises(RuntimeError):
        imports.confirm_import(rows=rows, event=day, imported_by=None)
    assert Participant.objects.count() == 0 and Registration.objects.count() == 0  # … and rolled back
    assert Organisation.objects.count() == 0


def test_confirm_keeps_file_order_on_the_waiting_list_and_reuses_known_people():
    day = InfoDayFactory(capacity=2, minimum=1)
    known = ParticipantFactory(email="kiss.erzsebet@example.hu", consent_text_version="2020-01",
                               registering_library=day.library)
    registrations = imports.confirm_import(rows=imports.read_file(csv_file(good_rows())), event=day,
                                           imported_by=CoordinatorFactory(library=day.library))
    assert [r.status for r in registrations] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    queue = Registration.objects.filter(info_day=day, status="waitlisted").order_by("created_at", "id")
    assert [r.participant_id for r in queue] == [registrations[2].participant_id, known.pk]
    assert registrations[2].participant.family_name == "Szőke"
    assert registrations[3].participant_id == known.pk and Participant.objects.count() == 4
    known.refresh_from_db()
    assert known.consent_text_version == "2020-01"  # recognition never renews anybody's consent
    assert Participant.history.count() >= 4 and Registration.history.count() == 4  # audited


def test_tax_number_of_an_organisation_of_the_other_kind_is_an_error_in_the_preview():
    from menet_portal.tests.factories import NonprofitFactory

    rows = good_rows()
    NonprofitFactory(tax_number=rows[1][10])  # row 3 says business with a nonprofit's tax number
    outcomes = imports.check_rows(imports.read_file(csv_file(rows)), InfoDayFactory(), viewer=None)
    assert [(o.row, [c for c, _m in o.errors]) for o in outcomes if not o.ok] == [(3, ["Adószám"])]


def test_too_large_or_too_long_files_are_refused_with_a_clear_message():
    big = SimpleUploadedFile("nagy.csv", b"a" * (imports.MAX_FILE_BYTES + 1))
    with pytest.raises(imports.ImportFileError, match="legfeljebb 5 MB"):
        imports.read_file(big)
    long_rows = [good_rows()[0]] * (imports.MAX_ROWS + 1)
    with pytest.raises(imports.ImportFileError, match="5 000 sort"):
        imports.read_file(csv_file(long_rows))
    assert len(imports.read_file(csv_file([good_rows()[0]] * imports.MAX_ROWS))) == imports.MAX_ROWS


def test_missing_columns_and_garbage_are_refused(login, coordinator):
    with pytest.raises(imports.ImportFileError, match="Hiányzó oszlop"):
        imports.read_file(SimpleUploadedFile("x.csv", "Név;E-mail\nKiss;k@example.hu\n".encode()))
    with pytest.raises(imports.ImportFileError, match="XLSX"):
        imports.read_file(SimpleUploadedFile("x.xlsx", b"PK\x03\x04 not really a zip"))
    day = InfoDayFactory(library=coordinator.library)
    response = _upload(login(coordinator), day, SimpleUploadedFile("x.csv", "Név;E-mail\n".encode()))
    assert response.status_code == 200 and "Hiányzó oszlop" in response.content.decode()


def test_upload_view_refuses_files_over_5_mb(login, coordinator):
    day = InfoDayFactory(library=coordinator.library)
    response = _upload(login(coordinator), day, SimpleUploadedFile("nagy.csv", b"a" * (imports.MAX_FILE_BYTES + 1)))
    assert response.status_code == 200 and "legfeljebb 5 MB" in response.content.decode()


def test_template_download_has_the_headers_and_reads_back(login, coordinator):
    client = login(coordinator)
    response = client.get(reverse("participants:import_template"), {"format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert list(rows[0]) == HEADER + ["Fényképhez hozzájárult"]  # the optional photo consent column last
    upload = SimpleUploadedFile("minta.xlsx", response.content)
    parsed = imports.read_file(upload)
    assert all(o.ok for o in imports.check_rows(parsed, InfoDayFactory(), viewer=None)), "the template's examples are valid"
    csv_body = b"".join(client.get(reverse("participants:import_template"), {"format": "csv"}).streaming_content)
    assert imports.read_file(SimpleUploadedFile("minta.csv", csv_body))[0]["family_name"] == "Kovács"


def test_preview_belongs_to_the_user_who_uploaded(client, login, coordinator):
    day = InfoDayFactory(library=coordinator.library)
    response = _upload(login(coordinator), day, csv_file(good_rows()))
    preview_url = response["Location"]
    assert client.get(preview_url.replace(preview_url.rstrip("/").rsplit("/", 1)[1], "masik-token")).status_code == 404
    client.force_login(CoordinatorFactory(library=coordinator.library))
    assert client.get(preview_url).status_code == 404
    assert client.post(preview_url).status_code == 404
    assert Participant.objects.count() == 0


def _batch(coordinator, day, rows):
    return imports.start_import(rows=imports.read_file(csv_file(rows)), event=day, user=coordinator,
                                file_name="lista.csv")


def test_worker_run_is_idempotent_and_a_change_since_the_preview_sends_it_back(coordinator):
    day = InfoDayFactory(library=coordinator.library)
    batch = _batch(coordinator, day, good_rows())
    assert imports.run_import(batch.pk) == "skipped"  # not confirmed yet
    ParticipantImport.objects.filter(pk=batch.pk).update(status=ImportStatus.RUNNING)
    assert imports.run_import(batch.pk) == ImportStatus.DONE
    assert imports.run_import(batch.pk) == "skipped"
    assert Registration.objects.count() == 4

    again = _batch(coordinator, day, good_rows())  # the same people once more: all already registered
    ParticipantImport.objects.filter(pk=again.pk).update(status=ImportStatus.RUNNING)
    assert imports.run_import(again.pk) == ImportStatus.PENDING
    again.refresh_from_db()
    assert "hibás sorok" in again.message and len(again.rows) == 4
    assert Registration.objects.count() == 4


def test_closed_event_fails_the_import_with_its_reason(coordinator):
    day = InfoDayFactory(library=coordinator.library)
    batch = _batch(coordinator, day, good_rows())
    day.status = "closed"
    day.save()
    ParticipantImport.objects.filter(pk=batch.pk).update(status=ImportStatus.RUNNING)
    assert imports.run_import(batch.pk) == ImportStatus.FAILED
    batch.refresh_from_db()
    assert "nem lehet jelentkezni" in batch.message and Participant.objects.count() == 0


def test_a_new_upload_replaces_the_users_unconfirmed_one_and_stale_ones_go(coordinator):
    import datetime

    from django.utils import timezone

    day = InfoDayFactory(library=coordinator.library)
    first = _batch(coordinator, day, good_rows())
    other_user_old = _batch(CoordinatorFactory(library=coordinator.library), day, good_rows())
    ParticipantImport.objects.filter(pk=other_user_old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=2))
    second = _batch(coordinator, day, good_rows())
    assert list(ParticipantImport.objects.values_list("pk", flat=True)) == [second.pk]
    assert first.pk != second.pk


def test_hungarian_headers_read_the_same_with_the_english_interface():
    from django.utils import translation

    with translation.override("hu"):
        content = (";".join(str(h) for h in imports.template_headers()) + "\n").encode("utf-8")
    content += "Kovács;Anna;anna@example.hu;+36 30 123 4567;1980;Tata;Komárom-Esztergom;állampolgár;;;;;igen\n".encode("utf-8")
    with translation.override("en"):
        rows = imports.read_file(SimpleUploadedFile("lista.csv", content, content_type="text/csv"))
    assert len(rows) == 1
    assert rows[0]["family_name"] == "Kovács" and rows[0]["settlement"] == "Tata"


def test_the_optional_photo_consent_column_records_the_consent_with_its_time(
        login, coordinator, django_capture_on_commit_callbacks):
    day = InfoDayFactory(library=coordinator.library, capacity=30, minimum=1)
    client = login(coordinator)
    rows = [r + [flag] for r, flag in zip(good_rows()[:2], ["igen", "nem"])]
    text = "\r\n".join(";".join(r) for r in [HEADER + ["Fényképhez hozzájárult"], *rows]) + "\r\n"
    response = _upload(client, day, SimpleUploadedFile("fotok.csv", text.encode("cp1250"), content_type="text/csv"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"])
    assert Participant.objects.get(family_name="Őri").photo_consent_at is not None
    assert Participant.objects.get(family_name="Űrös").photo_consent_at is None
