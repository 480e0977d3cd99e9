"""Site-wide texts editors change without a deploy: tagline and the sign-up invitation."""

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
