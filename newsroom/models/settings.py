"""Site-wide texts editors change without a deploy: tagline and the sign-up invitation."""

from typing import Any

from django.core.cache import cache
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


@register_setting(icon="site")
class NewsroomSettings(BaseSiteSetting):
    tagline = models.CharField(
        _("tagline"),
        max_length=200,
        default="L'actualité du Proche et Moyen-Orient et Afrique du Nord",
    )
    signup_heading = models.CharField(
        _("sign-up heading"),
        max_length=200,
        default="Recevez notre newsletter et les alertes de Mena News",
    )

    class Meta:
        verbose_name = _("newsroom settings")

    @classmethod
    def for_site(cls, site: Any) -> "NewsroomSettings":
        """Read from a long-lived key (issue #15): every reader page shows the tagline, and
        Wagtail reads the row on each request. Saving forgets the key and purges the site's
        pages (``newsroom.signals``)."""
        if site is None:
            return super().for_site(site)
        key = cache_key(site.pk)
        instance = cache.get(key)
        if not isinstance(instance, cls):
            instance = super().for_site(site)
            cache.set(key, instance, SETTINGS_SECONDS)
        return instance


SETTINGS_SECONDS = 24 * 3600


def cache_key(site_id: int) -> str:
    return f"newsroom:settings:{site_id}"


def forget_settings(site_id: int) -> None:
    cache.delete(cache_key(site_id))
