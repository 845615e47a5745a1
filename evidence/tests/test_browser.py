"""On a 390 px touch screen: a participant signs the register with a drawn stroke, the trainer
signs the register, and the attendance sheet PDF carries both."""

import datetime
import io
import os

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from evidence.models import AttendanceSignature, RegisterSignature
from menet_portal.tests.factories import (
    AttendanceFactory,
    CoordinatorFactory,
    InfoDayFactory,
    ParticipantFactory,
    RegistrationFactory,
)
from reports import archive
from reports.models import ReportKind

from .test_signatures import _paths_in_signature_column

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(chromium):
    context = chromium.new_context(locale="hu-HU", viewport={"width": 390, "height": 844}, has_touch=True,
                                   is_mobile=True, device_scale_factor=2)
    page = context.new_page()
    yield page
    context.close()


def _draw_with_finger(page, selector, points):
    """A real touch stroke (touchstart, touchmove…, touchend) through the DevTools protocol."""
    box = page.locator(selector).bounding_box()
    cdp = page.context.new_cdp_session(page)

    def at(fx, fy):
        return [{"x": box["x"] + fx * box["width"], "y": box["y"] + fy * box["height"]}]

    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": at(*points[0])})
    for fx, fy in points[1:]:
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": at(fx, fy)})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


STROKE = [(0.1, 0.6), (0.2, 0.3), (0.3, 0.7), (0.45, 0.35), (0.6, 0.65), (0.8, 0.4)]


def test_participant_and_trainer_sign_on_a_phone_and_the_sheet_shows_both(live_server, phone, artifacts_dir):
    info_day = InfoDayFactory(date=timezone.localdate() - datetime.timedelta(days=1))
    coordinator = CoordinatorFactory(library=info_day.library)
    reg = RegistrationFactory(info_day=info_day, participant=ParticipantFactory(family_name="Őri", given_name="Győző"))
    AttendanceFactory(registration=reg)
    os.makedirs(os.path.join(artifacts_dir, "evidence"), exist_ok=True)

    phone.goto(f"{live_server.url}/belepes/")
    phone.fill("input[name=username]", coordinator.username)
    phone.fill("input[name=password]", "jelszo-123")
    phone.click("button[type=submit]")
    phone.wait_for_load_state("networkidle")
    phone.goto(f"{live_server.url}/kepzesek/jelenlet/informacios-nap/{info_day.pk}/")
    phone.screenshot(path=os.path.join(artifacts_dir, "evidence", "register-390.png"), full_page=True)
    phone.locator(f"#alairasok a[href$='/resztvevo/{reg.pk}/']").click()
    expect(phone.locator("#signature-pad")).to_be_visible()
    assert phone.locator("#signature-pad").bounding_box()["width"] <= 390
    _draw_with_finger(phone, "#signature-pad", STROKE)
    phone.screenshot(path=os.path.join(artifacts_dir, "evidence", "sign-participant-390.png"), full_page=True)
    phone.get_by_role("button", name="Aláírás mentése").click()
    expect(phone.get_by_text("Őri Győző aláírása elmentve.")).to_be_visible()
    signature = AttendanceSignature.objects.get()
    assert signature.collected_by == coordinator and len(signature.strokes[0]) >= len(STROKE)

    phone.locator("#alairasok a[href$='/iv/lead/']").click()
    phone.fill("input[name=signer_name]", "Kiss Előd")
    _draw_with_finger(phone, "#signature-pad", list(reversed(STROKE)))
    phone.get_by_role("button", name="Aláírás mentése").click()
    expect(phone.get_by_text("A jelenléti ív aláírása elmentve.")).to_be_visible()
    phone.locator("#alairasok").scroll_into_view_if_needed()
    phone.screenshot(path=os.path.join(artifacts_dir, "evidence", "register-signed-390.png"), full_page=True)
    assert RegisterSignature.objects.get().signer_name == "Kiss Előd"

    report = archive.request_report(kind=ReportKind.ATTENDANCE, parameters={"info_day": info_day.pk})
    content = archive.read_verified(report)
    with open(os.path.join(artifacts_dir, "evidence", "sheet-signed-on-phone.pdf"), "wb") as fh:
        fh.write(content)
    assert _paths_in_signature_column(content, "Őri Győző")
    text = " ".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(content)).pages)
    assert "Kiss Előd" in " ".join(text.split())
