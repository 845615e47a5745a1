"""Nothing the funder viewer can open carries a participant's name, e-mail or phone."""

import pytest
from django.urls import reverse

from events.models import Programme
from menet_portal.tests.factories import AttendanceFactory, ParticipantFactory, RegistrationFactory
from participants.models import Participant

from .factories import mixed_programme

pytestmark = pytest.mark.django_db


def _body(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def test_funder_sees_no_personal_data_anywhere(login, funder):
    programme = mixed_programme(seed=4, people=15)
    Programme.objects.exclude(pk=programme.pk).delete()
    day = programme.info_days.order_by("date").first()
    marked = ParticipantFactory(family_name="Zsírosbödön", given_name="Kunigunda",
                                email="kunigunda.titkos@example.hu", phone="+36 30 987 6543")
    AttendanceFactory(registration=RegistrationFactory(participant=marked, info_day=day), status="present")
    people = list(Participant.objects.all())
    client = login(funder)

    opened = {
        "home": client.get(reverse("home"), follow=True),
        "funder_home": client.get(reverse("reports:funder_home")),
        "export_csv": client.get(reverse("reports:indicator_export"), {"format": "csv"}),
        "export_xlsx": client.get(reverse("reports:indicator_export"), {"format": "xlsx"}),
        "info_days": client.get(reverse("events:info_day_list")),
        "report_archive": client.get(reverse("report_documents:archive")),
    }
    assert all(r.status_code == 200 for r in opened.values()), {k: r.status_code for k, r in opened.items()}
    import io
    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(_body(opened["export_xlsx"]))).active
    xlsx_text = "\n".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)
    texts = {k: _body(r).decode("utf-8-sig", errors="replace") for k, r in opened.items() if k != "export_xlsx"}
    texts["export_xlsx"] = xlsx_text
    assert "Információs napon részt vett" in texts["funder_home"]
    for name, text in texts.items():
        for person in people:
            for secret in (person.full_name, person.email, person.phone, f"{person.given_name} {person.family_name}"):
                assert secret not in text, f"{secret!r} in {name}"
        assert "Zsírosbödön" not in text and "987 6543" not in text

    # and the lists with personal data refuse the funder
    for url in (reverse("reports:attendance_list"), reverse("reports:staff_home"), reverse("events:overview")):
        assert client.get(url).status_code == 403
    assert client.get(reverse("reports:attendance_list"), {"format": "csv"}).status_code == 403
