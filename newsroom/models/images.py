"""The newsroom's pictures: Wagtail images that know their caption, credit and origin.

A custom image model (`WAGTAILIMAGES_IMAGE_MODEL = "newsroom.NewsImage"`, issue #14) rather
than Wagtail's own, because a press picture is never shown without its caption and credit,
and ingest must recognise a partner's picture it already holds (`source_url`) so that the
same article ingested again downloads nothing. Permissions stay Wagtail's
(`wagtailimages.Image`'s), as for every custom image model.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.images.models import AbstractImage, AbstractRendition, Image

CAPTION_MAX_CHARS = 500
CREDIT_MAX_CHARS = 200
SOURCE_URL_MAX_CHARS = 1000


class NewsImage(AbstractImage):
    """A picture of the image library, with what the reader sees beside it."""

    caption = models.CharField(
        _("caption"),
        max_length=CAPTION_MAX_CHARS,
        blank=True,
        help_text=_("Shown under the picture, and read aloud to blind readers (alt text)."),
    )
    credit = models.CharField(
        _("credit"),
        max_length=CREDIT_MAX_CHARS,
        blank=True,
        help_text=_("Photographer or agency, e.g. “AFP/J. Doe”."),
    )
    source_url = models.URLField(
        _("source URL"),
        max_length=SOURCE_URL_MAX_CHARS,
        blank=True,
        editable=False,
        help_text=_("Where ingest downloaded the picture from; empty for an upload."),
    )

    admin_form_fields = (*Image.admin_form_fields, "caption", "credit")

    class Meta(AbstractImage.Meta):
        verbose_name = _("picture")
        verbose_name_plural = _("pictures")
        constraints = [
            # One stored picture per partner URL: a re-ingested article reuses it.
            models.UniqueConstraint(
                fields=["source_url"],
                condition=~models.Q(source_url=""),
                name="newsroom_one_picture_per_source_url",
            )
        ]

    @property
    def default_alt_text(self) -> str:
        """The caption describes the picture; without one the picture counts as decorative
        (empty alt), since its title is only a file name to a listener."""
        return self.caption or self.description


class NewsImageRendition(AbstractRendition):
    image = models.ForeignKey(NewsImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)
