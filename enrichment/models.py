"""What enrichment knows and suggests: canonical entities, and per-article suggestions.

Entities are the newsroom's canonical records ("Vladimir Poutine", with "Putin" and "بوتين"
as aliases). Enrichment writes *suggestions* with a score; an editor accepts or rejects each
one. A decision is never undone by running enrichment again: only rows still `suggested`
are refreshed.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.models import Orderable
from wagtail.search import index

from newsroom.text import normalise_name


class Kind(models.TextChoices):
    PERSON = "PER", _("person")
    ORGANISATION = "ORG", _("organisation")
    PLACE = "LOC", _("place")
    OTHER = "MISC", _("other")


class Status(models.TextChoices):
    SUGGESTED = "suggested", _("suggested")
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected")


class Entity(index.Indexed, ClusterableModel):
    """A person, organisation or place the newsroom writes about, under one French name."""

    kind = models.CharField(_("kind"), max_length=4, choices=Kind.choices)
    name = models.CharField(_("canonical name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    key = models.CharField(
        _("gazetteer key"),
        max_length=200,
        blank=True,
        help_text=_("Set for entries of the curated gazetteer; empty for names found in copy."),
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    country = CountryField(_("country"), blank=True)
    wikidata_id = models.CharField(_("Wikidata id"), max_length=20, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged",
        help_text=_("A duplicate record points at the one that stays."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("kind")]),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("country"), FieldPanel("wikidata_id")]),
        InlinePanel("aliases", label=_("alias")),
        FieldPanel("merged_into"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.RelatedFields("aliases", [index.SearchField("name")]),
        index.FilterField("kind"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("entity")
        verbose_name_plural = _("entities")
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=~models.Q(key=""), name="enrichment_unique_entity_key"
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("entity_page", args=[self.slug])


class EntityAlias(Orderable):
    """Another way copy names the entity: a surname, an English or Arabic spelling."""

    entity = ParentalKey(Entity, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("alias"), max_length=200)
    normalised = models.CharField(max_length=200, db_index=True, editable=False)

    panels = [FieldPanel("name")]

    class Meta(Orderable.Meta):
        verbose_name = _("alias")
        verbose_name_plural = _("aliases")

    def save(self, *args, **kwargs):
        self.normalised = normalise_name(self.name)
        super().save(*args, **kwargs)

    def __str__(self):
        return self.name


class Decision(models.Model):
    """Common to every suggestion: its score, the editor's decision, who and when."""

    article = models.ForeignKey("newsroom.ArticlePage", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("score"), default=0.0)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUGGESTED
    )
    by_editor = models.BooleanField(_("added by an editor"), default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class ArticleEntity(Decision):
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="article_links")
    mentions = models.PositiveIntegerField(default=0)
    surface = models.CharField(_("as written"), max_length=200, blank=True)

    class Meta:
        ordering = ["-score"]
        verbose_name = _("article entity")
        constraints = [
            models.UniqueConstraint(fields=["article", "entity"], name="enrichment_article_entity")
        ]

    def __str__(self):
        return f"{self.entity} ({self.status})"


class ArticleTopic(Decision):
    topic = models.ForeignKey("newsroom.Topic", on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["-score"]
        constraints = [
            models.UniqueConstraint(fields=["article", "topic"], name="enrichment_article_topic")
        ]

    def __str__(self):
        return f"{self.topic} ({self.status})"


class ArticleCountry(Decision):
    country = CountryField()
    about = models.BooleanField(default=True)

    class Meta:
        ordering = ["-score"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "country"], name="enrichment_article_country"
            )
        ]

    def __str__(self):
        return f"{self.country} ({self.status})"


class Quote(Decision):
    """A quoted passage and who said it; accepted quotes show on the speaker's page."""

    speaker = models.ForeignKey(
        Entity, null=True, blank=True, on_delete=models.SET_NULL, related_name="quotes"
    )
    speaker_name = models.CharField(_("speaker"), max_length=200, blank=True)
    text = models.TextField(_("quote"))
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["article", "position"]

    def __str__(self):
        return f"{self.speaker_name or '?'}: {self.text[:60]}"


class EnrichmentRun(models.Model):
    """When an article was last enriched, so `enrich --since` and the admin can tell."""

    article = models.OneToOneField(
        "newsroom.ArticlePage", on_delete=models.CASCADE, related_name="enrichment_run"
    )
    language = models.CharField(max_length=10, blank=True)
    enriched_at = models.DateTimeField(auto_now=True)
    warnings = models.JSONField(default=list)
    # The content lemmas counted from the run's parse, with the digest of the text read
    # (`enrichment.lemmas.ArticleLemmas`): related articles read them instead of parsing
    # the article again (issue #15). Empty for a language the French model did not read.
    lemmas = models.JSONField(default=dict, blank=True)

    def __str__(self):
        return f"{self.article_id} enriched at {self.enriched_at:%Y-%m-%d %H:%M}"
