from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MenetPortalConfig(AppConfig):
    name = "menet_portal"
    verbose_name = _("Portál és felhasználók")
