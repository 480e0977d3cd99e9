from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RelatedConfig(AppConfig):
    """“À lire sur le même thème”: ranked, stored and refreshed related articles."""

    name = "related"
    verbose_name = _("Related articles")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals

        signals.connect()
