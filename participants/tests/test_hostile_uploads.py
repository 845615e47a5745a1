"""Hostile and broken upload files: refused quickly, with a Hungarian message, and nothing is stored."""

import io
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from menet_portal.tests.factories import InfoDayFactory
from participants import imports
from participants.models import ParticipantImport
from participants.tests.test_imports import HEADER, csv_file, good_rows

pytestmark = pytest.mark.django_db

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '</Types>'
)
RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        '</Relationships>')
WORKBOOK = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            '<sheet name="Lista" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                 '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                 '</Relationships>')
SHEET_HEAD = '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def _header_row():
    cells = "".join(f'<c t="inlineStr"><is><t>{h}</t></is></c>' for h in HEADER)
    return f'<row r="1">{cells}</row>'


def xlsx_package(sheet_body_chunks, extra=None, dimension=""):
    """A hand-made XLSX whose sheet XML is streamed from ``sheet_body_chunks`` (small when compressed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        for name, body in (extra or {}).items():
            archive.writestr(name, body)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write((SHEET_HEAD + dimension + "<sheetData>").encode())
            for chunk in sheet_body_chunks:
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def _refused(raw, name="lista.xlsx"):
    with pytest.raises(imports.ImportFileError) as error:
        imports.read_file(SimpleUploadedFile(name, raw))
    return str(error.value)


def test_twenty_million_empty_rows_are_refused_before_openpyxl_reads_them(monkeypatch):
    def empty_rows():
        yield _header_row().encode()
        block = b"<row/>" * 100_000
        for _ in range(200):  # 20 million rows, 120 MB of XML
            yield block

    raw = xlsx_package(empty_rows())
    assert len(raw) < 1024 * 1024  # the upload itself is small
    import openpyxl

    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("openpyxl must not see this file"))
    assert "túl nagy vagy gyanúsan tömörített" in _refused(raw)


def test_blank_rows_count_against_the_row_limit():
    rows = [_header_row().encode(), b"<row/>" * (imports.MAX_LINES + 10)]
    message = _refused(xlsx_package(rows))
    assert "az üres sorokat is számolva" in message


def test_too_many_shared_strings_are_refused():
    strings = "".join(f"<si><t>{i}</t></si>" for i in range(imports.MAX_SHARED_STRINGS + 1))
    shared = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              f"{strings}</sst>")
    assert "túl nagy" in _refused(xlsx_package([_header_row().encode()], extra={"xl/sharedStrings.xml": shared}))


@pytest.mark.parametrize("doctype", [
    '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>',
    '<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
])
def test_billion_laughs_and_xxe_are_refused(doctype):
    sheet = ('<?xml version="1.0" encoding="UTF-8"?>' + doctype +
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             '<row r="1"><c t="inlineStr"><is><t>&lol3;</t></is></c></row></sheetData></worksheet>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in [("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", RELS), ("xl/workbook.xml", WORKBOOK),
                           ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS), ("xl/worksheets/sheet1.xml", sheet)]:
            archive.writestr(name, body)
    assert "DTD" in _refused(buffer.getvalue())


def test_malformed_xml_gets_a_hungarian_message():
    raw = xlsx_package([_header_row().encode(), b"<row r='2'><c><v>1</c></row"])
    assert "XML-tartalma hibás" in _refused(raw)


def test_a_forged_dimension_does_not_pad_every_row():
    raw = xlsx_package([_header_row().encode()], dimension='<dimension ref="A1:XFD1048576"/>')
    assert "nincs adatsor" in _refused(raw)


def test_a_zip_that_is_not_a_workbook_is_told_so():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    assert "se nem CSV, se nem XLSX" in _refused(buffer.getvalue())


def test_a_png_renamed_xlsx_is_told_it_is_neither_csv_nor_xlsx(login, coordinator):
    png = b"\x89PNG\r\n\x1a\n" + zlib.compress(b"\x00" * 1000)
    day = InfoDayFactory(library=coordinator.library)
    response = login(coordinator).post(reverse("participants:import_upload"), {
        "event": f"info_day:{day.pk}", "file": SimpleUploadedFile("lista.xlsx", png)})
    body = response.content.decode()
    assert response.status_code == 200
    assert "se nem CSV, se nem XLSX (hanem PNG)" in body and "mentse CSV-ként" not in body.split("hanem PNG")[0]
    assert not ParticipantImport.objects.exists()


@pytest.mark.parametrize("bad", ["\x00", "\x07", "\x1b[31m"])
def test_a_control_character_in_a_csv_cell_names_row_and_column_and_stores_nothing(login, coordinator, bad):
    rows = good_rows()
    rows[1][5] = "Ta" + bad + "ta"
    day = InfoDayFactory(library=coordinator.library)
    response = login(coordinator).post(reverse("participants:import_upload"), {
        "event": f"info_day:{day.pk}", "file": csv_file(rows, encoding="utf-8")})
    assert response.status_code == 200
    body = response.content.decode()
    assert "A(z) 3. sor 6. oszlopában (F) nem megengedett vezérlőkarakter" in body
    assert not ParticipantImport.objects.exists()


def test_too_many_columns_are_refused():
    rows = good_rows()
    rows[0] = rows[0] + [""] * imports.MAX_COLUMNS + ["x"]
    assert "kitöltött oszlop" in _refused(csv_file(rows).read(), name="lista.csv")
