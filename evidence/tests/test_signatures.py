"""Signatures collected on the register: validation, who may sign, once, and the sheet PDF."""

import datetime
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from evidence import services
from evidence.models import AttendanceSignature, RegisterSignature, SignerRole
from evidence.signatures import parse_strokes, strokes_to_svg
from menet_portal.tests.factories import (
    AttendanceFactory,
    CoordinatorFactory,
    InfoDayFactory,
    ParticipantFactory,
    RegistrationFactory,
    StaffFactory,
)
from reports.documents import build_document
from reports.documents.rendering import html_to_pdf
from reports.models import ReportKind
from trainings.models import AttendanceStatus

pytestmark = pytest.mark.django_db

STROKE = [[[10, 20], [60, 80], [120, 40], [200, 110]], [[250, 30], [300, 120]]]


def _held_info_day(**kwargs):
    return InfoDayFactory(date=timezone.localdate() - datetime.timedelta(days=1), **kwargs)


def _present(info_day, family="Őri", given="Győző", status=AttendanceStatus.PRESENT):
    reg = RegistrationFactory(info_day=info_day, participant=ParticipantFactory(family_name=family, given_name=given))
    return AttendanceFactory(registration=reg, status=status)


@pytest.mark.parametrize("raw", ["", "nem json", "[]", "[[]]", "[[[1, 2]]]", '[[["a", 2], [3, 4]]]',
                                 "[[[1, 2], [500, 4]]]", "[[[1, 2], [3, -1]]]", '{"x": 1}', "[[[true, 2], [3, 4]]]"])
def test_bad_strokes_are_refused_with_a_hungarian_message(raw):
    with pytest.raises(ValidationError) as error:
        parse_strokes(raw)
    assert error.value.messages[0].startswith(("Nincs aláírás", "Az aláírás"))


def test_svg_is_drawn_by_the_server_from_the_points():
    svg = strokes_to_svg(parse_strokes(json.dumps(STROKE)))
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 150"')
    assert svg.count("<path ") == 2 and 'd="M10 20 L60 80 L120 40 L200 110"' in svg
    assert "<script" not in svg


def test_only_a_present_participant_signs_once():
    info_day = _held_info_day()
    staff = StaffFactory()
    present = _present(info_day)
    absent = _present(info_day, "Ősz", "Ildikó", status=AttendanceStatus.ABSENT)
    signature = services.sign_attendance(attendance=present, strokes=json.dumps(STROKE), collected_by=staff)
    assert signature.collected_by == staff and signature.signed_at
    with pytest.raises(ValidationError, match="már aláírta"):
        services.sign_attendance(attendance=present, strokes=json.dumps(STROKE), collected_by=staff)
    with pytest.raises(ValidationError, match="jelenlévőnek jelölt"):
        services.sign_attendance(attendance=absent, strokes=json.dumps(STROKE), collected_by=staff)
    assert AttendanceSignature.objects.count() == 1


def test_register_is_signed_once_per_role():
    info_day = _held_info_day()
    staff = StaffFactory()
    services.sign_register(event=info_day, role=SignerRole.LEAD, signer_name="Kiss Előd",
                           strokes=json.dumps(STROKE), collected_by=staff)
    with pytest.raises(ValidationError, match="már aláírták"):
        services.sign_register(event=info_day, role=SignerRole.LEAD, signer_name="Más Valaki",
                               strokes=json.dumps(STROKE), collected_by=staff)
    with pytest.raises(ValidationError, match="nevét"):
        services.sign_register(event=info_day, role=SignerRole.COORDINATOR, signer_name="  ",
                               strokes=json.dumps(STROKE), collected_by=staff)
    assert RegisterSignature.objects.count() == 1


def test_coordinator_signs_a_participant_on_the_register_page_and_not_another_librarys(client):
    info_day = _held_info_day()
    coordinator = CoordinatorFactory(library=info_day.library)
    attendance = _present(info_day)
    client.force_login(coordinator)
    register = client.get(reverse("trainings:info_day_register", args=[info_day.pk]))
    url = reverse("evidence:sign_participant", args=["informacios-nap", info_day.pk, attendance.registration_id])
    assert url in register.content.decode()
    assert client.get(url).status_code == 200
    response = client.post(url, {"strokes": json.dumps(STROKE)})
    assert response.status_code == 302
    assert AttendanceSignature.objects.get().attendance == attendance
    # An empty pad: a message, nothing saved.
    second = _present(info_day, "Ősz", "Ildikó")
    url2 = reverse("evidence:sign_participant", args=["informacios-nap", info_day.pk, second.registration_id])
    response = client.post(url2, {"strokes": "[]"})
    assert response.status_code == 200 and "Nincs aláírás" in response.content.decode()
    assert AttendanceSignature.objects.count() == 1
    # Another library's info day: 404.
    other = _held_info_day()
    stranger = _present(other, "Más", "Máté")
    url3 = reverse("evidence:sign_participant", args=["informacios-nap", other.pk, stranger.registration_id])
    assert client.post(url3, {"strokes": json.dumps(STROKE)}).status_code == 404
    assert AttendanceSignature.objects.count() == 1


def _paths_in_signature_column(content, name):
    """Drawing operations (path construction, XObject) in the signature column of ``name``'s row."""
    reader = PdfReader(io.BytesIO(content))
    page = reader.pages[0]
    text_y = {}

    def visit_text(text, cm, tm, font_dict, font_size):
        if text.strip():
            text_y.setdefault(text.strip(), (cm[4] + tm[4] * cm[0], cm[5] + tm[5] * cm[3]))

    page.extract_text(visitor_text=visit_text)
    row_y = next(y for t, (x, y) in text_y.items() if name in t)
    ops = []
    from pypdf.generic import ContentStream

    stream = ContentStream(page.get_contents(), reader)
    matrices = [[1, 0, 0, 1, 0, 0]]
    for operands, operator in stream.operations:
        if operator == b"q":
            matrices.append(list(matrices[-1]))
        elif operator == b"Q" and len(matrices) > 1:
            matrices.pop()
        elif operator == b"cm":
            a, b, c, d, e, f = (float(v) for v in operands)
            m = matrices[-1]
            matrices[-1] = [a * m[0] + b * m[2], a * m[1] + b * m[3], c * m[0] + d * m[2], c * m[1] + d * m[3],
                            e * m[0] + f * m[2] + m[4], e * m[1] + f * m[3] + m[5]]
        elif operator in (b"Do", b"l", b"c"):
            m = matrices[-1]
            if operator == b"Do":
                x, y = m[4], m[5]
            else:
                x, y = float(operands[-2]), float(operands[-1])
                x, y = m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]
            ops.append((operator, x, y))
    width = float(page.mediabox.width)
    # The signature column is the rightmost one (from about two thirds of the page). The row is
    # 8.5 mm (24 pt) high around the name's baseline: its border lines lie 12 pt from the middle,
    # a signature inside the cell nearer.
    middle = row_y + 3
    return [op for op in ops if op[1] > width * 0.62 and abs(op[2] - middle) < 9]


def test_a_signature_collected_on_the_register_is_drawn_in_the_sheet_pdf_on_that_row():
    info_day = _held_info_day()
    staff = StaffFactory()
    signed = _present(info_day, "Őri", "Győző")
    unsigned = _present(info_day, "Czakó", "Éva")
    services.sign_attendance(attendance=signed, strokes=json.dumps(STROKE), collected_by=staff)
    services.sign_register(event=info_day, role=SignerRole.LEAD, signer_name="Kiss Előd",
                           strokes=json.dumps(STROKE), collected_by=staff)
    spec = build_document(ReportKind.ATTENDANCE, "info_day", info_day)
    pdf = html_to_pdf(spec.html()).content
    import os

    os.makedirs("test-artifacts/evidence", exist_ok=True)
    with open("test-artifacts/evidence/sheet-signed.pdf", "wb") as fh:
        fh.write(pdf)
    assert _paths_in_signature_column(pdf, "Őri Győző")
    assert not _paths_in_signature_column(pdf, "Czakó Éva")
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Kiss Előd" in text, text  # the signer's line
    assert unsigned.registration.participant.full_name in text
