"""The QR code on a rendered certificate decodes to its verification URL (PDF → PNG → zbar)."""

import shutil
import subprocess

import pytest
from django.urls import reverse

from menet_portal.tests.factories import ParticipantFactory
from public_site import certificates, tokens
from reports.documents import KINDS
from reports.documents.rendering import html_to_pdf
from reports.models import ReportKind
from reports.tests.document_factories import attend_all, course_with_sessions
from trainings.tests.factories import trainee

pytestmark = pytest.mark.django_db


@pytest.fixture
def completed():
    course, sessions = course_with_sessions(title="Ügyintézés a neten")
    registration = trainee(course, participant=ParticipantFactory(family_name="Ősz", given_name="Péter"))
    attend_all(registration, sessions)
    return registration


def _decode_qr(pdf: bytes, tmp_path) -> list[str]:
    for tool in ("pdftoppm", "zbarimg"):
        if not shutil.which(tool):
            pytest.fail(f"{tool} is missing: make test installs poppler-utils and zbar-tools")
    source = tmp_path / "certificate.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", str(source), str(tmp_path / "page")],
                   check=True)
    (image,) = tmp_path.glob("page*.png")
    result = subprocess.run(["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(image)],
                            capture_output=True, text=True)
    return [line for line in result.stdout.splitlines() if line]


def test_qr_on_the_rendered_certificate_decodes_to_its_verification_url(completed, tmp_path, artifacts_dir):
    spec = KINDS[ReportKind.CERTIFICATE].build("registration", completed)
    pdf = html_to_pdf(spec.html()).content
    certificate = completed.certificate
    assert certificate.code in spec.html()
    with open(f"{artifacts_dir}/certificate-with-qr.pdf", "wb") as out:  # looked at by hand
        out.write(pdf)
    assert _decode_qr(pdf, tmp_path) == [certificates.verification_url(certificate)]


def test_reprinting_keeps_the_code(completed):
    first = KINDS[ReportKind.CERTIFICATE].build("registration", completed)
    again = KINDS[ReportKind.CERTIFICATE].build("registration", completed)
    assert first.context["registrations"][0].number == again.context["registrations"][0].number


def test_personal_page_downloads_only_the_persons_own_certificate(client, completed):
    KINDS[ReportKind.CERTIFICATE].build("registration", completed)  # issued
    token = tokens.personal_token(completed.participant)
    response = client.get(reverse("public:personal_certificate", kwargs={"token": token, "pk": completed.pk}))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    page = client.get(reverse("public:personal", kwargs={"token": token})).content.decode()
    assert "Tanúsítvány letöltése" in page
    other = trainee(completed.course)
    foreign = client.get(reverse("public:personal_certificate", kwargs={"token": token, "pk": other.pk}))
    assert foreign.status_code == 404


MM = 96 / 25.4  # CSS px per millimetre (WeasyPrint lays out in CSS px)


def _boxes(html):
    """The laid-out boxes of the first page, by class: {class: (top, bottom, left, right)} in mm."""
    from weasyprint import HTML

    from reports.documents.fetcher import StaticFilesOnlyFetcher
    from reports.documents.rendering import static_base_url

    document = HTML(string=html, base_url=static_base_url(), url_fetcher=StaticFilesOnlyFetcher()).render()
    def walk(box):
        yield box
        inner = getattr(box, "_box", None)  # an absolutely placed box sits behind a placeholder
        for child in ([inner] if inner is not None else getattr(box, "children", [])):
            yield from walk(child)

    found = {}
    for box in walk(document.pages[0]._page_box):
        element = getattr(box, "element", None)
        if element is None or not str(getattr(box, "element_tag", "")).endswith(("div", "svg")):
            continue
        names = (element.get("class") or "").split()
        for name in names:
            if name not in found and hasattr(box, "margin_height"):
                top = box.position_y
                found[name] = (top / MM, (top + box.margin_height()) / MM,
                               box.position_x / MM, (box.position_x + box.margin_width()) / MM)
    return found, len(document.pages)


@pytest.mark.parametrize("title", ["Ügyintézés a neten", "Elektronikus ügyintézés kezdőknek és haladóknak: "
                                   "Ügyfélkapu+, DÁP, eSZJA, EESZT és a cégkapu a mindennapokban"])
def test_qr_sits_in_its_own_box_clear_of_the_signatures_and_scans_at_low_resolution(completed, tmp_path, title):
    completed.course.title = title
    completed.course.save()
    spec = KINDS[ReportKind.CERTIFICATE].build("registration", completed)
    html = spec.html()
    boxes, pages = _boxes(html)
    assert pages == 1
    qr_top, qr_bottom, qr_left, qr_right = boxes["qr-code"]
    assert qr_bottom - qr_top >= 29 and qr_right - qr_left >= 29  # ≈ 0.7 mm a module: a phone reads it
    assert qr_top >= boxes["signatures"][1] + 10  # a clear gap below the signature lines
    assert qr_bottom <= boxes["support-block"][0]  # above the support block, not on it
    pdf = html_to_pdf(html).content
    source = tmp_path / "c.pdf"
    source.write_bytes(pdf)
    # 100 dpi is about what a phone photo of a printed page gives the decoder.
    subprocess.run(["pdftoppm", "-r", "100", "-png", str(source), str(tmp_path / "low")], check=True)
    (image,) = tmp_path.glob("low*.png")
    result = subprocess.run(["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(image)],
                            capture_output=True, text=True)
    assert result.stdout.split() == [certificates.verification_url(completed.certificate)]
