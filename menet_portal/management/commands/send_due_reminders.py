"""One dispatcher pass, for cron: the same work Celery beat does every few minutes."""

from django.core.management.base import BaseCommand

from menet_portal.notifications import outbox


class Command(BaseCommand):
    help = "Írja ki az esedékes emlékeztetőket és értesítéseket, és állítsa sorba a küldésüket."

    def add_arguments(self, parser):
        parser.add_argument(
            "--inline", action="store_true",
            help="A sorba állított üzeneteket ez a folyamat küldi el (Celery worker nélküli üzemhez).",
        )

    def handle(self, *args, inline=False, **options):
        from menet_portal.celery import app

        if inline:
            app.conf.task_always_eager = True
        counts = outbox.dispatch_due()
        self.stdout.write(" ".join(f"{key}={value}" for key, value in counts.items()))
