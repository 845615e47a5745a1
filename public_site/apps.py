from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    # The package is public_site (a top-level "public" would shadow atpublic, which aiosmtpd imports);
    # the app label stays "public" (tables, migrations, URL namespace).
    name = "public_site"
    label = "public"
    verbose_name = _("Nyilvános oldalak")
