"""The report archive's rules: generate, store, finalise, delete.

- Every generated report is stored as a row with kind, parameters, who, when, the PDF file
  and its SHA-256 (``GeneratedReport``).
- A stored file is never overwritten: generating again makes a new row.
- Staff finalise the report that went to the ministry; a finalised report can no longer be
  deleted or replaced (also guarded by the model and, on PostgreSQL, by a trigger).
- Small reports render on request; large ones (``Kind.large``, or more people than
  ``REPORTS_TASK_THRESHOLD``) render in a Celery task,
  queued after commit, while the page polls ``progress``.
"""

import hashlib
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from menet_portal.models import Role
from menet_portal.permissions import user_has_role

from . import documents
from .documents.rendering import html_to_pdf
from .models import GeneratedReport, ReportKind, ReportStatus

logger = logging.getLogger(__name__)


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def request_report(*, kind: str, parameters: dict, user=None, run_now: bool | None = None,
                   prepare=None, now=None) -> GeneratedReport:
    """Check scope, archive a new row, and render it now (small) or in a Celery task (large).

    ``user=None`` is the shell (render_report): everything is in scope. ``prepare(report)`` runs
    after the row is saved and before it renders (the deviation notes of a final progress report);
    ``now`` fixes the moment a dated report is computed for.
    Raises ValidationError for bad input, PermissionDenied / ObjectDoesNotExist for scope.
    """
    parameters = documents.normalise_parameters(kind, parameters)
    key, target = documents.resolve_target(kind, parameters, user)
    spec = documents.KINDS[kind]
    library = _library_of(key, target)
    if run_now is None:
        run_now = not spec.large and documents.row_estimate(key, target) <= settings.REPORTS_TASK_THRESHOLD
    # A small report renders inside the same transaction: if it fails, no row is left behind.
    with transaction.atomic():
        report = GeneratedReport(
            kind=kind,
            parameters=parameters,
            title=_title_of(kind, key, target),
            aggregate=spec.aggregate,
            library=library,
            created_by=user if user is not None and user.is_authenticated else None,
        )
        # The row's check constraints concern what generate and store set later (progress, file,
        # checksum); the database enforces them on every write. Validating them here would cost
        # three statements and a savepoint each, for values this function does not set.
        report.full_clean(validate_constraints=False)
        report.save()
        if prepare is not None:
            prepare(report)
        if run_now:
            # Inside this transaction nobody could see a progress step: none is written.
            report = generate(report_id=report.pk, raise_errors=True, now=now, show_progress=False)
        else:
            _queue(report)
    if not run_now:
        report.refresh_from_db(fields=["queue_failed_at"])
    return report


def _queue(report: GeneratedReport) -> None:
    """Hand the committed row to the workers; a broker that is down marks it (menet_portal.background)."""
    from menet_portal import background

    from .tasks import generate_report_task

    GeneratedReport.objects.filter(pk=report.pk).update(queued_at=timezone.now(), queue_failed_at=None)
    background.publish_after_commit(generate_report_task, report.pk, GeneratedReport)


def retry_report(*, report: GeneratedReport) -> bool:
    """The retry button: queue again a report whose queueing failed. Pressing twice is harmless
    (the second press finds it queued; a second delivery finds it claimed or done)."""
    with transaction.atomic():
        locked = GeneratedReport.objects.select_for_update().get(pk=report.pk)
        if not locked.not_queued:
            return False
        _queue(locked)
    locked.refresh_from_db(fields=["queue_failed_at"])
    return locked.queue_failed_at is None


def requeue_stale_reports(*, now=None) -> list[int]:
    """The beat's pass: queue again reports waiting for a worker whose queueing failed or that were
    queued longer ago than ``STALE_WORK_REQUEUE_AFTER_MINUTES``, and running ones whose worker has
    given no sign of life (``heartbeat_at``) for as long. ``generate`` claims a row by status and
    heartbeat, so a report a live worker renders is not rendered a second time."""
    from menet_portal import background

    now = now or timezone.now()
    cutoff = background.stale_before(now)
    waiting = Q(status=ReportStatus.PENDING) & (
        Q(queue_failed_at__isnull=False) | Q(queued_at__isnull=True) | Q(queued_at__lt=cutoff)
    )
    abandoned = Q(status=ReportStatus.RUNNING) & (Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=cutoff))
    with transaction.atomic():
        stale = list(
            GeneratedReport.objects.select_for_update(skip_locked=True).filter(waiting | abandoned)
            .values_list("pk", flat=True)
        )
        for pk in stale:
            _queue(GeneratedReport(pk=pk))
    return stale


def _library_of(key, target):
    if key == "info_day":
        return target.library
    if key == "session":
        return target.course.site.library
    if key == "course":
        return target.site.library
    if key == "registration":
        return target.course.site.library
    return None


def _title_of(kind, key, target):
    label = str(documents.KINDS[kind].label)
    label = label[:1].upper() + label[1:]
    if key == "registration":
        return f"{label} – {target.participant.full_name} ({target.course})"[:300]
    return f"{label} – {target}"[:300]


def _set_progress(report_id, value):
    GeneratedReport.objects.filter(pk=report_id, status=ReportStatus.RUNNING).update(
        progress=min(int(value), 100), heartbeat_at=timezone.now()
    )


def generate(*, report_id: int, raise_errors: bool = False, now=None, show_progress: bool = True) -> GeneratedReport:
    """Render the archived row's report and store it. Safe to run twice: a done row is left as is.
    ``show_progress=False`` (a render inside the caller's transaction) writes no progress steps."""
    from menet_portal import background

    with transaction.atomic():
        report = GeneratedReport.objects.select_for_update().get(pk=report_id)
        if report.status == ReportStatus.DONE:
            return report
        if (report.status == ReportStatus.RUNNING and report.heartbeat_at is not None
                and report.heartbeat_at >= background.stale_before()):
            return report  # a live worker is rendering it (a second delivery of the task)
        report.status, report.progress, report.error = ReportStatus.RUNNING, 5, ""
        report.heartbeat_at, report.queue_failed_at = timezone.now(), None
        report.save(update_fields=["status", "progress", "error", "heartbeat_at", "queue_failed_at"])
    try:
        def progress(value):
            if show_progress:
                _set_progress(report.pk, value)

        spec, html = final_document(report, progress=progress, now=now)
        progress(40)
        from .documents.fetcher import StaticFilesOnlyFetcher

        pdf = html_to_pdf(html, progress=progress, fetcher=StaticFilesOnlyFetcher(extra_files=spec.extra.get("files", ())))
        progress(95)
        return store(report=report, content=pdf.content, page_count=pdf.page_count)
    except Exception as exc:
        message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else _("A jelentés nem készült el: %(error)s") % {"error": exc}
        if not isinstance(exc, ValidationError):
            logger.exception("Report %s failed", report_id)
        # A concurrent run that already stored the file wins: a done report never turns into a failed one.
        GeneratedReport.objects.filter(pk=report.pk).exclude(status=ReportStatus.DONE).update(
            status=ReportStatus.FAILED, error=message[:2000]
        )
        if raise_errors:
            raise
        report.refresh_from_db()
        return report


def final_document(report: GeneratedReport, *, progress=None, now=None):
    """The document of the archive row and its final HTML, exactly as WeasyPrint gets it
    (bench/reports.py renders this same HTML alone)."""
    key, target = documents.resolve_target(report.kind, report.parameters, None)
    spec = documents.build_document(report.kind, key, target, progress=progress, now=now)
    # Every printed sheet carries its archive reference and its QR code, so a signed paper
    # copy can be scanned back against this very row (evidence.scans).
    from evidence.scans import archive_reference, reference_qr_svg

    spec.context["archive_reference"] = archive_reference(report)
    spec.context["archive_qr"] = reference_qr_svg(spec.context["archive_reference"])
    if report.kind == ReportKind.PROGRESS:
        # The deviation notes written for this very row are printed in it (plan.services).
        from plan.selectors import deviation_notes_for

        spec.context["deviation_notes"] = deviation_notes_for(report)
    return spec, spec.html()


@transaction.atomic
def store(*, report: GeneratedReport, content: bytes, page_count: int = 0) -> GeneratedReport:
    """Attach the PDF to its archive row with its SHA-256. A row that has a file keeps it forever."""
    report = GeneratedReport.objects.select_for_update().get(pk=report.pk)
    if report.file or report.is_finalised:
        raise ValidationError(_("Az archivált jelentés fájlja nem cserélhető le; készítsen újat."))
    digest = sha256_of(content)
    report.file.save(f"{report.kind}-{report.pk}-{digest[:12]}.pdf", ContentFile(content), save=False)
    report.sha256 = digest
    report.size = len(content)
    report.page_count = page_count
    report.status = ReportStatus.DONE
    report.progress = 100
    report.finished_at = timezone.now()
    # The values come from this function (a 64-digit hex digest, the stored file, 100 %): the
    # database's check constraints still refuse a bad write, without three statements each here.
    report.full_clean(validate_constraints=False)
    report.save()
    return report


def read_verified(report: GeneratedReport) -> bytes:
    """The stored bytes, after checking them against the archived SHA-256."""
    with report.file.open("rb") as fh:
        content = fh.read()
    if sha256_of(content) != report.sha256:
        raise ValidationError(_("Az archivált fájl ellenőrzőösszege nem egyezik: a fájl megsérült."))
    return content


@transaction.atomic
def finalise_report(*, report: GeneratedReport, user, notes=None, _progress_checked=False) -> GeneratedReport:
    """Staff mark the report that was sent to the ministry; from then on it is immutable.

    A progress report is finalised through ``plan.services.finalise_progress_report``: its final
    version is rendered with a deviation note for every indicator behind the plan (``notes``:
    {indicator key: text}), and that new row is the one finalised and returned.
    """
    if not user_has_role(user, (Role.STAFF,)):
        raise PermissionDenied
    if report.kind == ReportKind.PROGRESS and not _progress_checked:
        from plan.services import finalise_progress_report

        return finalise_progress_report(report=report, notes=notes or {}, user=user)
    report = GeneratedReport.objects.select_for_update().get(pk=report.pk)
    if report.is_finalised:
        raise ValidationError(_("Ez a jelentés már véglegesítve van."))
    if report.status != ReportStatus.DONE:
        raise ValidationError(_("Csak elkészült jelentés véglegesíthető."))
    report.finalised_at = timezone.now()
    report.finalised_by = user
    report.full_clean()
    report.save(update_fields=["finalised_at", "finalised_by"])
    return report


@transaction.atomic
def delete_report(*, report: GeneratedReport, user) -> None:
    """Staff may delete a report that was not finalised (its file too)."""
    if not user_has_role(user, (Role.STAFF,)):
        raise PermissionDenied
    report = GeneratedReport.objects.select_for_update().get(pk=report.pk)
    if report.is_finalised:
        raise ValidationError(_("Véglegesített jelentés nem törölhető."))
    name = report.file.name if report.file else None
    storage = report.file.storage
    report.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


# --- Checking the archive (restore drills, periodic audits) ---------------------------------------

class ArchiveFinding:
    OK = "ok"
    MISMATCH = "mismatch"
    MISSING = "missing"
    NO_FILE = "no_file"


def _file_digest(report: GeneratedReport) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with report.file.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def verify_archive(queryset=None):
    """Recompute the SHA-256 of every archived report that should have a file (status done, or a
    recorded checksum) and compare it with the one archived. Yields ``(report, finding, detail)``:
    ``ok``, ``mismatch`` (the bytes changed), ``missing`` (the file is gone from the archive
    directory) or ``no_file`` (a done row without a file name)."""
    from django.db.models import Q

    reports = (queryset if queryset is not None else GeneratedReport.objects.all()).filter(
        Q(status=ReportStatus.DONE) | ~Q(sha256="")
    ).order_by("pk")
    for report in reports.iterator(chunk_size=500):
        if not report.file:
            yield report, ArchiveFinding.NO_FILE, ""
            continue
        if not report.file.storage.exists(report.file.name):
            yield report, ArchiveFinding.MISSING, report.file.name
            continue
        digest, size = _file_digest(report)
        if digest != report.sha256:
            yield report, ArchiveFinding.MISMATCH, f"{report.file.name}: {digest} ≠ {report.sha256} ({size} B)"
        else:
            yield report, ArchiveFinding.OK, report.file.name
