from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeSetupConfig(AppConfig):
    """MKE staff's set-up screens: info days, training sites, courses and sessions, assignments.

    Only forms, views and templates live here; every write calls a service of the app that owns
    the rule (``events.services``, ``trainings.services``, ``menet_portal.services``).
    """

    name = "programme_setup"
    verbose_name = _("Program beállítása")
