from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailingConfig(AppConfig):
    name = "mailing"
    verbose_name = _("Newsletters and alerts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Each connect() passes a dispatch_uid: calling ready() twice connects nothing twice.
        from . import signals, webhooks

        signals.connect()  # published articles → matching
        webhooks.connect()  # provider bounces, complaints, unsubscribes → suppressions
