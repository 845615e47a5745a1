"""The signed paper sheet comes back: a scan (PDF, JPEG or PNG) uploaded against the archived
sheet it was printed from, kept with its SHA-256 beside the generated PDF.

The type is checked by content (magic bytes, and for images a full decode with Pillow), never
by the file name; the size is limited (``EVIDENCE_SCAN_MAX_BYTES``); once the sheet is
finalised its scan can no longer be uploaded or replaced.
"""

import hashlib
import io

import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from reports.models import GeneratedReport, ReportKind, ReportStatus

from .models import ScannedSheet

SCAN_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def archive_reference(report) -> str:
    """The reference printed on a sheet (and in its QR code): the archive row it was generated as."""
    return f"MENET-ARCH-{report.pk:06d}"


def reference_qr_svg(reference: str) -> str:
    """The QR code of ``reference`` as inline SVG (drawn by segno; WeasyPrint renders it as vector paths)."""
    buffer = io.BytesIO()
    segno.make(reference, error="m", micro=False).save(
        buffer, kind="svg", scale=1, border=2, xmldecl=False, svgns=True, svgclass="archive-qr", nl=False,
    )
    svg = buffer.getvalue().decode("ascii")
    return mark_safe(svg)


def max_scan_bytes() -> int:
    return getattr(settings, "EVIDENCE_SCAN_MAX_BYTES", 15 * 1024 * 1024)


def sniff_scan_type(content: bytes) -> str:
    """The scan's real type from its bytes; a clear error when it is not a PDF, JPEG or PNG."""
    if content.startswith(b"%PDF-"):
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError

        try:
            if len(PdfReader(io.BytesIO(content)).pages) < 1:
                raise ValidationError(_("A PDF-ben nincs oldal."))
        except (PdfReadError, ValueError, KeyError, TypeError):
            raise ValidationError(_("A feltöltött PDF sérült vagy nem olvasható.")) from None
        return "application/pdf"
    if content.startswith(b"\xff\xd8\xff") or content.startswith(b"\x89PNG\r\n\x1a\n"):
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(io.BytesIO(content)) as image:
                image.verify()
                kind = image.format
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise ValidationError(_("A feltöltött kép sérült vagy nem olvasható.")) from None
        if kind == "JPEG":
            return "image/jpeg"
        if kind == "PNG":
            return "image/png"
    raise ValidationError(_("Csak PDF, JPEG vagy PNG beolvasás tölthető fel (a fájl tartalma alapján)."))


def upload_scan(*, report: GeneratedReport, uploaded, user) -> ScannedSheet:
    """Keep the scan of a printed attendance sheet beside it; replace it only while the sheet is not finalised."""
    content = uploaded.read(max_scan_bytes() + 1)
    if len(content) > max_scan_bytes():
        raise ValidationError(_("A fájl túl nagy: legfeljebb %(mb)s MB tölthető fel.")
                              % {"mb": max_scan_bytes() // (1024 * 1024)})
    if not content:
        raise ValidationError(_("A feltöltött fájl üres."))
    content_type = sniff_scan_type(content)
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        report = GeneratedReport.objects.select_for_update().get(pk=report.pk)
        if report.kind != ReportKind.ATTENDANCE or report.status != ReportStatus.DONE:
            raise ValidationError(_("Beolvasott ív csak elkészült jelenléti ívhez tölthető fel."))
        if report.is_finalised:
            raise ValidationError(_("A jelenléti ív véglegesítve van: a beolvasott ív már nem tölthető fel és nem cserélhető."))
        scan = ScannedSheet.objects.filter(report=report).first() or ScannedSheet(report=report)
        old_file = scan.file.name if scan.pk and scan.file else None
        scan.file.save(f"scans/{archive_reference(report)}-{digest[:12]}.{SCAN_TYPES[content_type]}",
                       ContentFile(content), save=False)
        scan.sha256, scan.size, scan.content_type = digest, len(content), content_type
        scan.uploaded_by, scan.uploaded_at = user, timezone.now()
        scan.full_clean()
        scan.save()
        if old_file and old_file != scan.file.name:
            transaction.on_commit(lambda: scan.file.storage.delete(old_file))
    return scan


def read_scan(scan: ScannedSheet) -> bytes:
    with scan.file.open("rb") as fh:
        content = fh.read()
    if hashlib.sha256(content).hexdigest() != scan.sha256:
        raise ValidationError(_("A beolvasott ív ellenőrzőösszege nem egyezik: a fájl megsérült."))
    return content
