"""“À lire sur le même thème”: what was computed, what editors chose, and the text profiles.

The ranked list is computed in the background (`related.tasks`) and stored, so an article
page reads it in one query instead of ranking on every request. Editors' pins and
exclusions are part of the page (ParentalKey): they go through drafts and revisions like
every other edit, and take effect when the article is published.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel
from wagtail.models import Orderable


class RelatedArticle(models.Model):
    """One stored entry of an article's ranked list, with why it was chosen."""

    article = models.ForeignKey(
        "newsroom.ArticlePage", on_delete=models.CASCADE, related_name="related_entries"
    )
    candidate = models.ForeignKey(
        "newsroom.ArticlePage", on_delete=models.CASCADE, related_name="listed_in"
    )
    rank = models.PositiveSmallIntegerField()
    score = models.FloatField()
    reasons = models.JSONField(default=dict)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["article", "rank"]
        verbose_name = _("related article")
        verbose_name_plural = _("related articles")
        constraints = [
            models.UniqueConstraint(fields=["article", "candidate"], name="related_unique_pair")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} → {self.candidate_id} ({self.score:.3f})"


class _EditorChoice(Orderable):
    article = models.ForeignKey(
        "newsroom.ArticlePage",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [FieldPanel("article")]

    class Meta(Orderable.Meta):
        abstract = True


class RelatedPin(_EditorChoice):
    """An article the editor wants listed first, in this order, whatever the ranking says."""

    page = ParentalKey(
        "newsroom.ArticlePage", on_delete=models.CASCADE, related_name="related_pins"
    )

    class Meta(_EditorChoice.Meta):
        verbose_name = _("pinned related article")
        verbose_name_plural = _("pinned related articles")


class RelatedExclusion(_EditorChoice):
    """An article the editor never wants listed here (off-topic, legal, superseded…)."""

    page = ParentalKey(
        "newsroom.ArticlePage", on_delete=models.CASCADE, related_name="related_exclusions"
    )

    class Meta(_EditorChoice.Meta):
        verbose_name = _("excluded related article")
        verbose_name_plural = _("excluded related articles")


class TextProfile(models.Model):
    """How long an article is in content words; its counts are the `TermCount` rows."""

    article = models.OneToOneField(
        "newsroom.ArticlePage",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="text_profile",
    )
    words = models.PositiveIntegerField()
    built_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.article_id}: {self.words} words"


class TermCount(models.Model):
    """How often one lemma occurs in one article: the inverted index behind text similarity."""

    article = models.ForeignKey("newsroom.ArticlePage", on_delete=models.CASCADE, related_name="+")
    term = models.CharField(max_length=80)
    count = models.PositiveIntegerField()

    class Meta:
        # Covering: the postings of a term are read from the index alone.
        indexes = [models.Index(fields=["term", "article", "count"], name="related_term_postings")]
        constraints = [
            models.UniqueConstraint(fields=["article", "term"], name="related_unique_term")
        ]

    def __str__(self) -> str:
        return f"{self.article_id}: {self.term} ×{self.count}"
