"""The funder's support block: configured once on the programme, printed on every PDF."""

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string

from menet_portal.tests.factories import InfoDayFactory, ProgrammeFactory
from reports.documents import build_document
from reports.documents.fetcher import StaticFilesOnlyFetcher
from reports.documents.rendering import html_to_pdf
from reports.models import ReportKind

from .conftest import pdf_pages
from .document_factories import ACCENTED, attend_all, course_with_sessions, register_people

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("logos", [["../menet_portal/settings.py"], ["http://example.org/logo.png"],
                                   ["img/support/nincs-ilyen.svg"], ["fonts/DejaVuSans.ttf"], "img/support/menet.svg"])
def test_support_logos_must_be_svg_or_png_files_under_static(logos):
    programme = ProgrammeFactory.build(support_logos=logos)
    with pytest.raises(ValidationError) as error:
        programme.full_clean(exclude=["slug"])
    assert "support_logos" in error.value.message_dict


def test_default_support_block_and_statement():
    programme = ProgrammeFactory(funder="Miniszterelnöki Hivatal", support_statement="")
    programme.full_clean()
    assert programme.support_text == "A projekt a(z) Miniszterelnöki Hivatal támogatásával valósul meg."
    html = render_to_string("includes/support_block.html", {"programme": programme})
    assert "/static/img/support/menet.svg" in html and programme.grant_number in html
    assert "style=" not in html and "<script" not in html


def _every_kind():
    course, sessions = course_with_sessions()
    regs = register_people(names=ACCENTED[:2], course=course, info_day=None)
    attend_all(regs[0], sessions)
    info_day = InfoDayFactory(programme=course.site.programme)
    register_people(names=ACCENTED[2:4], info_day=info_day)
    return course.site.programme, [
        (ReportKind.ATTENDANCE, "info_day", info_day),
        (ReportKind.ATTENDANCE, "session", sessions[0]),
        (ReportKind.PARTICIPANT_LIST, "course", course),
        (ReportKind.COMPLETION, "course", course),
        (ReportKind.PROGRAMME_COMPLETION, "programme", course.site.programme),
        (ReportKind.CERTIFICATE, "registration", regs[0]),
        (ReportKind.CERTIFICATES, "course", course),
        (ReportKind.PROGRESS, "programme", course.site.programme),
    ]


def test_every_pdf_kind_prints_the_support_block_on_every_page():
    programme, kinds = _every_kind()
    programme.support_statement = "Készült a Miniszterelnöki Hivatal MENET programjának támogatásával."
    programme.save()
    for kind, key, target in kinds:
        target.refresh_from_db()
        fetcher = StaticFilesOnlyFetcher()
        pdf = html_to_pdf(build_document(kind, key, target).html(), fetcher=fetcher)
        for page in pdf_pages(pdf.content):
            squashed = " ".join(page.split())
            assert "Készült a Miniszterelnöki Hivatal MENET programjának támogatásával." in squashed, kind
            assert programme.grant_number in squashed, kind
        served = " ".join(fetcher.served)
        for logo in programme.support_logos:
            assert logo in served, (kind, logo)
