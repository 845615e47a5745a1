"""Certificate verification: a random code per certificate, every printed field, revoke with a reason."""

import pytest
from django.urls import reverse

from menet_portal.tests.factories import AttendanceFactory, ParticipantFactory
from public_site import certificates
from public_site.models import Certificate, RateLimitHit
from reports.tests.document_factories import attend_all, course_with_sessions
from trainings.tests.factories import trainee

pytestmark = pytest.mark.django_db


@pytest.fixture
def completed():
    course, sessions = course_with_sessions(title="Ügyintézés a neten")
    registration = trainee(course, participant=ParticipantFactory(family_name="Ősz", given_name="Péter"))
    attend_all(registration, sessions)
    return registration


@pytest.fixture(autouse=True)
def fresh_limits():
    RateLimitHit.objects.all().delete()


def test_issue_gives_a_random_code_and_the_same_certificate_again(completed):
    first = certificates.issue_certificate(registration=completed)
    again = certificates.issue_certificate(registration=completed)
    assert first.pk == again.pk and first.code == again.code
    # (That the code is random, not derived from the id, is test_codes_are_not_sequential's: the old
    # "pk not in code" check failed by chance whenever the pk was a single digit, e.g. on a fresh db.)
    assert len(first.code) == 19
    assert first.holder_name == "Ősz Péter" and first.course_title == "Ügyintézés a neten"
    assert first.hours == 16


def test_codes_are_not_sequential():
    codes = {certificates.new_code() for _ in range(200)}
    assert len(codes) == 200


def test_no_certificate_for_a_trainee_who_did_not_complete(completed):
    course = completed.course
    other = trainee(course)
    AttendanceFactory(registration=other, session=course.sessions.first())
    with pytest.raises(certificates.CertificateError):
        certificates.issue_certificate(registration=other)
    assert not Certificate.objects.filter(registration=other).exists()


def test_valid_certificate_page_shows_every_printed_field(client, completed):
    cert = certificates.issue_certificate(registration=completed)
    html = client.get(reverse("public:certificate", kwargs={"code": cert.code})).content.decode()
    assert "Érvényes tanúsítvány" in html
    for value in [cert.code, "Ősz Péter", "Ügyintézés a neten", cert.site_name, "16 óra", cert.issuer,
                  cert.project_title, "2026. november 24.", "2026. december 15."]:
        assert value in html, value
    # Programme and project on rows of their own (the seeded name repeats the title's first words).
    assert f"{cert.programme_name} – {cert.project_title}" not in html
    assert f'<dd class="col-sm-8">{cert.project_title}</dd>' in html


def test_code_is_found_as_typed_from_paper(client, completed):
    cert = certificates.issue_certificate(registration=completed)
    typed = cert.code.replace("-", " ").lower()
    response = client.get(reverse("public:certificate_lookup"), {"code": typed})
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200


def test_a_code_reveals_only_its_own_certificate(client, completed):
    mine = certificates.issue_certificate(registration=completed)
    course = completed.course
    other_reg = trainee(course, participant=ParticipantFactory(family_name="Czakó", given_name="Zsuzsa"))
    attend_all(other_reg, list(course.sessions.order_by("number")))
    other = certificates.issue_certificate(registration=other_reg)
    html = client.get(reverse("public:certificate", kwargs={"code": mine.code})).content.decode()
    assert "Ősz Péter" in html and "Czakó" not in html and other.code not in html


def test_unknown_code_says_so_plainly(client):
    response = client.get(reverse("public:certificate", kwargs={"code": "AAAA-BBBB-CCCC-DDDD"}))
    assert response.status_code == 404
    assert "Ilyen kódú tanúsítvány nincs" in response.content.decode()


def test_staff_revoke_with_reason_and_the_page_says_revoked_and_when(client, staff, completed):
    cert = certificates.issue_certificate(registration=completed)
    client.force_login(staff)
    url = reverse("public:certificate_revoke", kwargs={"code": cert.code})
    assert client.post(url, {"reason": ""}).status_code == 400  # a reason is required
    cert.refresh_from_db()
    assert cert.revoked_at is None
    client.post(url, {"reason": "Téves adatokkal állították ki"})
    cert.refresh_from_db()
    assert cert.is_revoked and cert.revoked_by == staff
    assert cert.history.first().revoke_reason == "Téves adatokkal állították ki"
    client.logout()
    html = client.get(reverse("public:certificate", kwargs={"code": cert.code})).content.decode()
    assert "Visszavont tanúsítvány" in html and "Téves adatokkal" in html
    assert "Érvényes tanúsítvány" not in html


@pytest.mark.parametrize("user_fixture", [None, "coordinator", "trainer", "funder"])
def test_only_staff_may_revoke(request, client, completed, user_fixture):
    cert = certificates.issue_certificate(registration=completed)
    if user_fixture:
        client.force_login(request.getfixturevalue(user_fixture))
    response = client.post(reverse("public:certificate_revoke", kwargs={"code": cert.code}), {"reason": "x"})
    assert response.status_code in (302, 403)
    cert.refresh_from_db()
    assert not cert.is_revoked
    if user_fixture is None:
        assert "/belepes/" in response["Location"]


def test_lookups_are_rate_limited(client, settings, completed):
    settings.CERTIFICATE_LOOKUP_RATE = 3
    cert = certificates.issue_certificate(registration=completed)
    url = reverse("public:certificate", kwargs={"code": cert.code})
    for _ in range(3):
        client.get(reverse("public:certificate", kwargs={"code": "AAAA-BBBB-CCCC-DDDD"}))
    response = client.get(url)
    assert response.status_code == 429
    assert "Túl sok próbálkozás" in response.content.decode()
    assert "Ősz Péter" not in response.content.decode()
    assert not RateLimitHit.objects.filter(key__contains="127.0.0.1").exists()  # hashed, never the raw address


def test_qr_svg_encodes_the_verification_url(completed):
    cert = certificates.issue_certificate(registration=completed)
    svg = certificates.qr_svg(cert)
    assert svg.startswith("<svg") and "qr-code" in svg
    assert certificates.verification_url(cert).endswith(f"/tanusitvany/{cert.code}/")
