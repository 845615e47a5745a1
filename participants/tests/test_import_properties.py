"""Property tests (hypothesis) on the import parser and the registration forms (issue 12).

- Generated CSV bytes and generated XLSX workbooks (openpyxl): ``read_file`` answers rows or an
  ``ImportFileError`` (Hungarian), nothing else escapes; the preview of what it read never crashes;
  through the upload page a refused file writes nothing.
- Generated field values in the coordinator's and the public self-registration form: never a 500,
  and a refused submission writes no row.

Examples are bounded (``max_examples`` 30–50, no deadline) so the file runs in seconds.
"""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from menet_portal.tests.factories import CoordinatorFactory, InfoDayFactory, get_county
from participants import imports
from participants.models import Organisation, Participant, ParticipantImport, Registration
from public_site.models import RateLimitHit

from .test_imports import HEADER

pytestmark = pytest.mark.django_db

BOUNDED = settings(max_examples=50, deadline=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
VIEWS = settings(max_examples=30, deadline=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# Text that looks like a cell: Hungarian letters, digits, separators, quotes, hidden and control
# characters, formula starters.
CELL_CHARS = st.sampled_from(list("aáeéiíoóöőuúüűAÁOÖŐ0123456789 -.,;\"'=+@\t\r\n\x00\x01\x7f\u202e\u200b\ufeff"))
cell_text = st.one_of(st.text(CELL_CHARS, max_size=12), st.text(max_size=12))
HEADER_CHOICES = st.sampled_from(HEADER + ["", "Név", "Email", "x"])


@st.composite
def csv_bytes(draw):
    """Either noise or a header-shaped file with generated rows, in one of the accepted encodings."""
    if draw(st.booleans()):
        return draw(st.binary(max_size=400))
    delimiter = draw(st.sampled_from([";", ",", "\t"]))
    header = HEADER if draw(st.booleans()) else draw(st.lists(HEADER_CHOICES, max_size=15))
    rows = draw(st.lists(st.lists(cell_text, max_size=15), max_size=6))
    text = "\r\n".join(delimiter.join(r) for r in [header, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1250", "latin-1", "utf-16"]))
    return text.encode(encoding, errors="replace")


cell_value = st.one_of(
    st.none(), cell_text, st.integers(-10**12, 10**12), st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(), st.dates(min_value=datetime.date(1900, 1, 1)),
)


@st.composite
def xlsx_bytes(draw):
    workbook = Workbook()
    sheet = workbook.active
    header = HEADER if draw(st.booleans()) else draw(st.lists(HEADER_CHOICES, max_size=15))
    sheet.append(header)
    for row in draw(st.lists(st.lists(cell_value, max_size=15), max_size=6)):
        try:
            sheet.append(row)
        except Exception:  # openpyxl itself refuses some values (control characters): not our parser's input
            continue
    buffer = io.BytesIO()
    workbook.save(buffer)
    raw = buffer.getvalue()
    if draw(st.booleans()):  # sometimes a damaged workbook: a slice, or flipped bytes
        # (drawn independently of the length: the workbook's timestamp makes its size vary between runs)
        cut = draw(st.integers(0, 10**6)) % (len(raw) + 1)
        raw = raw[:cut] + bytes(draw(st.binary(max_size=20))) + raw[cut + 20:]
    return raw


def _parse(raw, name):
    try:
        return imports.read_file(SimpleUploadedFile(name, raw))
    except imports.ImportFileError as error:
        assert str(error)  # a message for the coordinator
        return None


@pytest.fixture
def day():
    return InfoDayFactory()


@BOUNDED
@given(raw=csv_bytes())
def test_any_csv_bytes_give_rows_or_a_hungarian_refusal(day, raw):
    rows = _parse(raw, "lista.csv")
    if rows is not None:
        assert rows and all(isinstance(r["row"], int) for r in rows)
        outcomes = imports.check_rows(rows, day, viewer=None)  # the preview's verdict, row by row
        assert len(outcomes) == len(rows)


@BOUNDED
@given(raw=xlsx_bytes())
def test_any_generated_xlsx_gives_rows_or_a_hungarian_refusal(day, raw):
    rows = _parse(raw, "lista.xlsx")
    if rows is not None:
        assert all(all(isinstance(v, (str, int)) for v in r.values()) for r in rows)
        assert len(imports.check_rows(rows, day, viewer=None)) == len(rows)


@pytest.fixture
def upload_setup(client):
    coordinator = CoordinatorFactory()
    day = InfoDayFactory(library=coordinator.library)
    client.force_login(coordinator)
    return client, day


def _upload_and_preview(client, day, raw, name):
    before = (ParticipantImport.objects.count(), Participant.objects.count(), Registration.objects.count())
    response = client.post(reverse("participants:import_upload"),
                           {"event": f"info_day:{day.pk}", "file": SimpleUploadedFile(name, raw)})
    assert response.status_code in (200, 302)
    if response.status_code == 200:  # refused: the form says why, nothing was kept
        assert (ParticipantImport.objects.count(), Participant.objects.count(),
                Registration.objects.count()) == before
        return
    preview = client.get(response["Location"])
    assert preview.status_code == 200  # every row's outcome, never a crash
    assert (Participant.objects.count(), Registration.objects.count()) == before[1:]  # a preview writes no person


@VIEWS
@given(raw=csv_bytes())
def test_upload_page_never_crashes_on_csv_and_a_refused_file_writes_nothing(upload_setup, raw):
    client, day = upload_setup
    _upload_and_preview(client, day, raw, "lista.csv")


@VIEWS
@given(raw=xlsx_bytes())
def test_upload_page_never_crashes_on_xlsx_and_a_refused_file_writes_nothing(upload_setup, raw):
    client, day = upload_setup
    _upload_and_preview(client, day, raw, "lista.xlsx")


# --- the registration forms -----------------------------------------------------------------------

field_text = st.one_of(st.text(CELL_CHARS, max_size=30), st.text(max_size=30),
                       st.sampled_from(["", " ", "Kovács", "06 30 123 4567", "18263940-1-41", "x" * 300]))


@st.composite
def registration_post(draw):
    data = {
        "family_name": draw(st.one_of(st.just("Szabó"), field_text)),
        "given_name": draw(st.one_of(st.just("Júlia"), field_text)),
        "email": draw(st.one_of(st.just("szabo.julia@example.hu"), field_text)),
        "phone": draw(field_text),
        "birth_year": draw(st.one_of(st.integers(1800, 2200).map(str), field_text)),
        "settlement": draw(st.one_of(st.just("Eger"), field_text)),
        "county": draw(st.one_of(st.just("COUNTY"), st.integers(-5, 10**6).map(str), field_text)),
        "target_group": draw(st.sampled_from(["citizen", "nonprofit", "business", "", "x"])),
        "organisation_name": draw(field_text),
        "organisation_kind": draw(st.sampled_from(["", "association", "foundation", "company", "x"])),
        "tax_number": draw(field_text),
        "size_band": draw(st.sampled_from(["", "micro", "small", "x"])),
        "consent": draw(st.sampled_from(["on", ""])),
    }
    return {k: v.replace("\x00", "") if draw(st.booleans()) else v for k, v in data.items()}


def _with_county(data):
    if data["county"] == "COUNTY":
        data["county"] = str(get_county("Heves").pk)
    return data


def _counts():
    return Participant.objects.count(), Registration.objects.count(), Organisation.objects.count()


@VIEWS
@given(data=registration_post())
def test_public_self_registration_never_crashes_and_a_refusal_writes_nothing(client, data):
    RateLimitHit.objects.all().delete()
    day = InfoDayFactory(capacity=3, minimum=1)
    before = _counts()
    response = client.post(reverse("public:info_day", kwargs={"pk": day.pk}), {**_with_county(data), "website": ""})
    assert response.status_code < 500
    refused = response.status_code != 200 or "Nézze meg az e-mailjét" not in response.content.decode()
    if refused:
        assert _counts() == before


@VIEWS
@given(data=registration_post())
def test_coordinator_registration_form_never_crashes_and_a_refusal_writes_nothing(upload_setup, data):
    client, day = upload_setup
    before = _counts()
    response = client.post(reverse("participants:participant_create"),
                           {**_with_county(data), "event": f"info_day:{day.pk}"})
    assert response.status_code < 500
    if response.status_code != 302:  # refused beside the fields
        assert _counts() == before
