"""Print defects seen on the rendered pages, checked on WeasyPrint's layout (and the PDF text)."""

import datetime

import pytest

from menet_portal.tests.factories import InfoDayFactory, LibraryFactory, TrainingSiteFactory, get_county
from reports.documents import build_document
from reports.models import ReportKind

from .document_factories import ACCENTED, attend_all, course_with_sessions, register_people
from .layout import overflowing, pages_with_class, render, rows_per_page

pytestmark = pytest.mark.django_db

LONG_LIBRARY = "Gödöllői Városi Könyvtár és Információs Központ"
LONG_TITLE = "E-közszolgáltatások a mindennapokban – Miskolc"


def _programme_with_long_names():
    site = TrainingSiteFactory(library=LibraryFactory(name=LONG_LIBRARY, settlement="Miskolc", county=get_county("Borsod-Abaúj-Zemplén")))
    for _n in range(3):
        course, sessions = course_with_sessions(site=site, title=LONG_TITLE)
        regs = register_people(names=ACCENTED[:4], course=course, info_day=None)
        for reg in regs[:3]:
            attend_all(reg, sessions)
    return site.programme


def test_programme_completion_table_stays_inside_the_page():
    programme = _programme_with_long_names()
    spec = build_document(ReportKind.PROGRAMME_COMPLETION, "programme", programme)
    document = render(spec.html())
    assert overflowing(document) == []
    # The last header is not clipped: both words on the page, in the table header.
    from .layout import texts_on_page

    text = texts_on_page(document, 1)
    assert "Teljesített" in text and "órák" in text


@pytest.mark.parametrize("people", [8, 14, 25, 27, 29, 60])
def test_attendance_sheet_keeps_rows_with_the_signatures_and_no_lone_row(people):
    info_day = InfoDayFactory(capacity=60, minimum=1)
    register_people(names=[(f"Ősz{n:03d}", "Győző") for n in range(people)], info_day=info_day)
    document = render(build_document(ReportKind.ATTENDANCE, "info_day", info_day).html())
    counts = rows_per_page(document)
    assert all(c >= 3 for c in counts), counts  # no page with a lone (walk-in) row
    (signature_page,) = pages_with_class(document, "signatures")
    assert counts[signature_page - 1] >= 3, (counts, signature_page)


def _certificate_document():
    course, sessions = course_with_sessions()
    reg = register_people(names=ACCENTED[:1], course=course, info_day=None)[0]
    attend_all(reg, sessions)
    spec = build_document(ReportKind.CERTIFICATE, "registration", reg)
    return spec, render(spec.html())


def _lines(document):
    from .layout import body_boxes

    lines = []
    for page in document.pages:
        for box in body_boxes(page):
            if type(box).__name__ == "LineBox":
                from .layout import walk

                lines.append("".join(getattr(b, "text", "") or "" for b in walk(box)))
    return lines


def test_certificate_prints_the_project_title_once_without_page_number_and_keeps_the_dates_together():
    spec, document = _certificate_document()
    html = spec.html()
    programme = spec.programme
    text = " ".join(_lines(document))
    assert text.count("Digitális felzárkóztatás – Digitális felzárkóztatás") == 0
    assert text.count(programme.project_title) == 1
    assert "1 / 1" not in text
    from .conftest import pdf_pages

    pdf_text = pdf_pages(document.write_pdf())[0]
    assert "1 / 1" not in pdf_text
    assert any("2026. november 24. – 2026. december 15." in line for line in _lines(document)), _lines(document)
    # A place for the stamp and the logos.
    assert pages_with_class(document, "stamp") == [1]
    assert pages_with_class(document, "support-logos") == [1]
    assert "P. H." in html
    assert datetime.date  # noqa: B018


def test_one_chart_module_and_one_palette_for_the_dashboard_and_the_pdfs():
    import importlib.util

    from participants.models import TargetGroup
    from reports import charts

    assert importlib.util.find_spec("reports.documents.charts") is None
    from .factories import mixed_programme

    programme = mixed_programme(people=12)
    html = build_document(ReportKind.PROGRESS, "programme", programme).html()
    for group in TargetGroup:
        assert f'fill="{charts.GROUP_COLOURS[group]}"' in html
    for colour in ("#0d6efd", "#198754", "#fd7e14"):  # the old PDF palette
        assert colour not in html.lower()
    assert "system-ui" not in html  # the PDF's SVG text uses our embedded font
