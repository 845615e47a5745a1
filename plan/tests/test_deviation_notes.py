"""A progress report can't be finalised while an indicator behind the plan has no deviation note;
the notes are printed in the final PDF and kept with its archive row."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from events.models import Programme
from menet_portal.tests.factories import FunderFactory, StaffFactory
from menet_portal.tests.outbox_helpers import clock, local  # noqa: F401 (fixture)
from plan.models import DeviationNote
from reports import archive
from reports.models import GeneratedReport, ReportKind
from reports.tests.conftest import pdf_pages, save_pdf  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

NOTES = {
    "trainees": "A márciusi képzésre 3 fő visszalépett; a pótlás a májusi toborzással történik.",
    "training_hours": "A visszalépők óráit a következő képzésen pótoljuk.",
}


@pytest.fixture
def draft(year_programme, clock):
    clock.set(local(2026, 4, 1, 8, 0))
    Programme.objects.exclude(pk=year_programme.pk).delete()
    return archive.request_report(kind=ReportKind.PROGRESS, parameters={"programme": year_programme.pk}, run_now=True)


def test_refused_while_a_behind_indicator_has_no_note(draft):
    staff = StaffFactory()
    with pytest.raises(ValidationError) as exc:
        archive.finalise_report(report=draft, user=staff)
    message = " ".join(exc.value.messages)
    assert "nem véglegesíthető" in message
    assert "Képzésre jelentkezett (visszaigazolt)" in message and "Teljesített képzési órák" in message
    with pytest.raises(ValidationError) as exc:
        archive.finalise_report(report=draft, user=staff, notes={"trainees": NOTES["trainees"], "training_hours": "  "})
    assert "Teljesített képzési órák" in exc.value.messages[0] and "Képzésre jelentkezett" not in exc.value.messages[0]
    assert GeneratedReport.objects.count() == 1 and not DeviationNote.objects.exists()
    draft.refresh_from_db()
    assert not draft.is_finalised


def test_the_draft_prints_the_plan_and_says_the_notes_are_missing(draft):
    text = " ".join(pdf_pages(archive.read_verified(draft)))
    assert "Előrehaladás a terv szerint" in text
    assert "3-mal elmarad" in text and "48-cal elmarad" in text and "a terv szerint halad" in text
    assert "Indoklás még nincs" in text


def test_finalised_with_notes_printed_in_the_pdf_and_kept_in_the_archive(draft, save_pdf):
    staff = StaffFactory()
    final = archive.finalise_report(report=draft, user=staff, notes={**NOTES, "info_days_held": "nem kell"})
    assert final.pk != draft.pk and final.is_finalised and final.kind == ReportKind.PROGRESS
    draft.refresh_from_db()
    assert not draft.is_finalised  # the draft stays as it was
    kept = {n.indicator: n for n in DeviationNote.objects.filter(report=final)}
    assert set(kept) == {"trainees", "training_hours"}  # a note only where the indicator is behind
    assert kept["trainees"].text == NOTES["trainees"] and kept["trainees"].planned == 15
    content = archive.read_verified(final)
    save_pdf("progress-final-with-deviation-notes", content)
    text = " ".join(pdf_pages(content))
    assert "Eltérések indoklása" in text and "Indoklás még nincs" not in text
    assert "májusi toborzással" in text
    assert "A visszalépők óráit" in text
    with pytest.raises(ValidationError):
        kept["trainees"].text = "átírva"
        kept["trainees"].save()
    with pytest.raises(ValidationError):
        kept["trainees"].delete()
    with pytest.raises(ValidationError):
        archive.finalise_report(report=final, user=staff, notes=NOTES)


def test_the_finalise_form_keeps_what_was_typed_and_names_the_missing_note(client, draft):
    client.force_login(StaffFactory())
    detail = client.get(reverse("report_documents:detail", args=[draft.pk])).content.decode()
    assert 'name="note_trainees"' in detail and 'name="note_training_hours"' in detail
    assert 'name="note_info_days_held"' not in detail
    url = reverse("report_documents:finalise", args=[draft.pk])
    response = client.post(url, {"note_trainees": NOTES["trainees"]})
    text = response.content.decode()
    assert response.status_code == 400
    assert "írja meg az eltérés indoklását" in text and "Teljesített képzési órák" in text
    assert "májusi toborzással" in text  # the typed note is still in the form
    assert GeneratedReport.objects.count() == 1
    response = client.post(url, {f"note_{k}": v for k, v in NOTES.items()})
    final = GeneratedReport.objects.get(finalised_at__isnull=False)
    assert response.status_code == 302 and response["Location"] == reverse("report_documents:detail", args=[final.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Eltérések indoklása" in page and "májusi toborzással" in page
    # A double submit on the draft finalises a second final version at most once more: each is its own row.
    assert client.post(url, {f"note_{k}": v for k, v in NOTES.items()}).status_code == 302
    assert GeneratedReport.objects.filter(finalised_at__isnull=False).count() == 2

    client.force_login(FunderFactory())
    assert client.get(reverse("report_documents:download", args=[final.pk])).status_code == 200
    assert client.get(reverse("report_documents:download", args=[draft.pk])).status_code == 404
    assert client.post(url, {f"note_{k}": v for k, v in NOTES.items()}).status_code == 403
