from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from events.models import Programme
from events.programme_seed import PROGRAMME
from participants.models import RegistrationStatus
from trainings.material_seed import seed_learning_material
from trainings.models import Course, MaterialLink
from trainings.services import issue_material_links_for_course


class Command(BaseCommand):
    help = "Seed the Hungarian demo learning material (idempotent); optionally issue trainees' personal links."

    def add_arguments(self, parser):
        parser.add_argument("--programme", default=PROGRAMME["slug"], help="programme slug (default: the demo programme)")
        parser.add_argument("--issue-links", action="store_true", help="issue a personal link to every confirmed trainee")

    def handle(self, *args, programme, issue_links, **options):
        try:
            programme = Programme.objects.get(slug=programme)
        except Programme.DoesNotExist:
            raise CommandError(f"No programme {programme!r}: run seed_programme first.") from None
        created = seed_learning_material(programme)
        self.stdout.write(self.style.SUCCESS(
            "Learning material: " + ", ".join(f"{k}: {v} new" for k, v in created.items())
        ))
        if issue_links:
            issued = sum(
                issue_material_links_for_course(course=course)
                for course in Course.objects.filter(site__programme=programme).select_related("site__programme")
            )
            self.stdout.write(f"Personal material links issued: {issued}")
            link = (
                MaterialLink.objects.filter(revoked_at__isnull=True, registration__status=RegistrationStatus.CONFIRMED,
                                            registration__course__site__programme=programme)
                .order_by("id").first()
            )
            if link:
                base = settings.PORTAL_BASE_URL.rstrip("/")
                self.stdout.write(f"  e.g. {base}/kepzesek/tananyag/{link.token}/")
