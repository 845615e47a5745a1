"""Render any report kind from the shell, archive it, and write the PDF to a file.

    python manage.py render_report attendance --event 3 --out jelenleti.pdf
    python manage.py render_report attendance --session 12 --out foglalkozas.pdf
    python manage.py render_report participant_list --course 2 --out lista.pdf
    python manage.py render_report completion --course 2 --out teljesites.pdf
    python manage.py render_report certificates --course 2 --out tanusitvanyok.pdf
    python manage.py render_report certificate --registration 41 --out tanusitvany.pdf
    python manage.py render_report progress --out beszamolo.pdf          (the current programme)
"""

from pathlib import Path

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from events.models import Programme
from reports import archive
from reports.documents import KINDS

PROGRAMME_KINDS = {"progress", "programme_completion"}


class Command(BaseCommand):
    help = "Render a report (PDF) from the shell; it is archived like one made in the browser."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(KINDS))
        target = parser.add_mutually_exclusive_group()
        target.add_argument("--event", type=int, help="info day id")
        target.add_argument("--session", type=int, help="training session id")
        target.add_argument("--course", type=int, help="course id")
        target.add_argument("--programme", type=int, help="programme id (default: the current one)")
        target.add_argument("--registration", type=int, help="course registration id (one certificate)")
        parser.add_argument("--out", required=True, help="the PDF file to write")

    def handle(self, *args, kind, event, session, course, programme, registration, out, **options):
        parameters = {"info_day": event, "session": session, "course": course, "programme": programme,
                      "registration": registration}
        parameters = {k: v for k, v in parameters.items() if v is not None}
        if not parameters and kind in PROGRAMME_KINDS:
            current = Programme.objects.order_by("-start_date").first()
            if current is None:
                raise CommandError(_("Még nincs program: futtassa előbb a seed_programme parancsot."))
            parameters = {"programme": current.pk}
        try:
            report = archive.request_report(kind=kind, parameters=parameters, user=None, run_now=True)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        except ObjectDoesNotExist as exc:
            raise CommandError(_("Nincs ilyen: %(parameters)s") % {"parameters": parameters}) from exc
        path = Path(out)
        path.write_bytes(archive.read_verified(report))
        self.stdout.write(self.style.SUCCESS(
            f"{path} – {report.page_count} page(s), {report.size} bytes, sha256 {report.sha256} (archive #{report.pk})"
        ))
