"""Snippets the editors keep once and attach to many articles: authors, partner outlets, topics."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index

from newsroom.forms import CleanTextSnippetForm


class Author(index.Indexed, models.Model):
    """A journalist of ours who signs articles."""

    base_form_class = CleanTextSnippetForm  # control characters dropped, NFC

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    role = models.CharField(_("role"), max_length=200, blank=True)
    bio = models.TextField(_("biography"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("role"), FieldPanel("bio")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")

    def __str__(self) -> str:
        return self.name


# ArticlePage.source's reverse manager (`articles`): django-stubs cannot type it, ArticlePage
# having an untyped base (wagtail's Page), so it reports it missing.
class Source(index.Indexed, models.Model):  # type: ignore[django-manager-missing]
    """A partner outlet or agency whose copy we publish, with the terms we publish it under."""

    base_form_class = CleanTextSnippetForm  # control characters dropped, NFC

    class Licence(models.TextChoices):
        FULL = "full", _("Republish in full")
        EXCERPT = "excerpt", _("Excerpt and link only")

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.CharField(
        _("description"),
        max_length=200,
        blank=True,
        help_text=_("How the credit introduces the outlet, e.g. “quotidien italien”."),
    )
    url = models.URLField(_("website"), blank=True)
    language = models.CharField(_("language"), max_length=10, default="fr")
    licence = models.CharField(
        _("licence"), max_length=20, choices=Licence.choices, default=Licence.FULL
    )
    licence_terms = models.CharField(
        _("licence terms"),
        max_length=300,
        blank=True,
        help_text=_("Shown with the credit on every article, e.g. “CC BY 2.5”."),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("description"),
        FieldPanel("url"),
        FieldPanel("language"),
        FieldPanel("licence"),
        FieldPanel("licence_terms"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.name


class Topic(index.Indexed, models.Model):
    """A subject readers follow and browse (thème); may carry an IPTC Media Topic code."""

    base_form_class = CleanTextSnippetForm  # control characters dropped, NFC

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    iptc_qcode = models.CharField(
        _("IPTC Media Topic"), max_length=40, blank=True, help_text=_("e.g. medtop:11000000")
    )
    description = models.TextField(_("description"), blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("iptc_qcode"),
        FieldPanel("description"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name
