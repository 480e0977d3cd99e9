"""What ingest remembers: where copy comes from, what it made of each item, what failed."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel


class SourceFeed(models.Model):
    """One way a partner's copy reaches us: a feed, a page, or NewsML files, polled on a
    schedule and turned into articles of one section."""

    class Format(models.TextChoices):
        AUTO = "", _("Detect automatically")
        FEED = "feed", _("RSS, Atom or JSON Feed")
        HTML = "html", _("Web page")
        NEWSML = "newsml", _("NewsML-G2")
        NITF = "nitf", _("NITF (a bare agency story)")
        PLAINTEXT = "plaintext", _("Plain text")

    source = models.ForeignKey(
        "newsroom.Source",
        verbose_name=_("source"),
        on_delete=models.CASCADE,
        related_name="feeds",
    )
    url = models.URLField(_("feed or page URL"), max_length=500)
    format = models.CharField(_("format"), max_length=20, choices=Format.choices, blank=True)
    section = models.ForeignKey(
        "newsroom.SectionPage",
        verbose_name=_("target section"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    publish = models.BooleanField(
        _("publish directly"),
        default=False,
        help_text=_("Otherwise items arrive as drafts for an editor to review."),
    )
    fetch_full_page = models.BooleanField(
        _("fetch the full page"),
        default=True,
        help_text=_("When a feed entry holds only a summary, fetch the article page."),
    )
    attribution = models.CharField(
        _("attribution line"),
        max_length=300,
        blank=True,
        help_text=_("Printed with the credit, e.g. “Avec l’aimable autorisation de…”."),
    )
    poll_interval = models.DurationField(_("poll interval"), default=timedelta(minutes=30))
    is_active = models.BooleanField(_("active"), default=True)

    last_polled_at = models.DateTimeField(_("last polled"), null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True, editable=False)
    last_error_at = models.DateTimeField(_("last error"), null=True, blank=True, editable=False)
    last_error = models.TextField(_("last error message"), blank=True, editable=False)
    items_ingested = models.PositiveIntegerField(_("items ingested"), default=0, editable=False)
    created_at = models.DateTimeField(_("added"), default=timezone.now, editable=False)

    panels = [
        FieldPanel("source"),
        FieldRowPanel([FieldPanel("url"), FieldPanel("format")]),
        FieldRowPanel([FieldPanel("section"), FieldPanel("publish")]),
        FieldPanel("fetch_full_page"),
        FieldPanel("attribution"),
        MultiFieldPanel([FieldPanel("poll_interval"), FieldPanel("is_active")], _("Schedule")),
    ]

    class Meta:
        verbose_name = _("source feed")
        verbose_name_plural = _("source feeds")
        constraints = [
            models.UniqueConstraint(fields=["source", "url"], name="ingest_unique_feed_url")
        ]

    def __str__(self) -> str:
        return f"{self.source} — {self.url}"

    def is_due(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.is_active and (
            self.last_polled_at is None or self.last_polled_at + self.poll_interval <= now
        )

    def is_idle(self, now: datetime | None = None) -> bool:
        """No success for three poll intervals: the partner or our fetcher needs a look."""
        now = now or timezone.now()
        # A feed that never succeeded counts from the day it was added, not from its last
        # (failed) poll: otherwise a feed failing every poll would never be flagged.
        since = self.last_success_at or self.created_at
        return self.is_active and since is not None and since + 3 * self.poll_interval < now


class IngestedItem(models.Model):
    """Provenance: one item from one source, and the article it became.

    Two partners' copies of the same dispatch are two rows pointing at one article.
    """

    source = models.ForeignKey(
        "newsroom.Source", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    feed = models.ForeignKey(
        SourceFeed, on_delete=models.SET_NULL, null=True, blank=True, related_name="items"
    )
    article = models.ForeignKey(
        "newsroom.ArticlePage",
        on_delete=models.CASCADE,
        related_name="ingested_items",
    )
    guid = models.CharField(max_length=500, blank=True, db_index=True)
    url = models.URLField(max_length=1000, blank=True, db_index=True)
    version = models.PositiveIntegerField(null=True, blank=True)
    format = models.CharField(max_length=20)
    content_hash = models.CharField(max_length=64, db_index=True)
    # MinHash signature of the text's shingles, for near-duplicate detection.
    minhash = models.JSONField(default=list)
    is_near_duplicate = models.BooleanField(default=False)
    first_ingested_at = models.DateTimeField(auto_now_add=True)
    last_ingested_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ingested item")
        verbose_name_plural = _("ingested items")
        indexes = [models.Index(fields=["-first_ingested_at"], name="ingest_item_recent")]

    def __str__(self) -> str:
        return self.guid or self.url or f"item {self.pk}"


class NearDuplicateBand(models.Model):
    """One band of an item's MinHash signature, for finding its near duplicates by index.

    Only items that can be merged into (not near duplicates themselves) have bands. The
    7-day window is the item's `first_ingested_at`, read through the join (`ingest.dedup`
    says why the bands are stored, issue #15).
    """

    item = models.ForeignKey(IngestedItem, on_delete=models.CASCADE, related_name="bands")
    band = models.PositiveSmallIntegerField()
    key = models.BigIntegerField()

    class Meta:
        verbose_name = _("near-duplicate band")
        verbose_name_plural = _("near-duplicate bands")
        indexes = [models.Index(fields=["band", "key"], name="ingest_band_key")]
        constraints = [
            models.UniqueConstraint(fields=["item", "band"], name="ingest_one_key_per_band")
        ]

    def __str__(self) -> str:
        return f"{self.item_id} band {self.band}"


class IngestFailure(models.Model):
    """An item (or a whole poll) that could not be ingested, kept for the editors to see."""

    feed = models.ForeignKey(
        SourceFeed, on_delete=models.CASCADE, null=True, blank=True, related_name="failures"
    )
    location = models.CharField(max_length=1000, blank=True)
    item = models.CharField(max_length=500, blank=True, help_text=_("GUID or title"))
    code = models.CharField(max_length=50)
    message = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("ingest failure")
        verbose_name_plural = _("ingest failures")

    def __str__(self) -> str:
        return f"{self.code}: {self.message[:80]}"


class PendingPartnerUpdate(models.Model):
    """A partner's newer version of an article an editor has touched, waiting for them.

    Ingest never publishes over an editor's work nor replaces their draft (issue #12): the
    partner's text waits here until an editor compares it and applies or dismisses it. One
    pending update per article; a newer partner version replaces the one still waiting.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("waiting")
        APPLIED = "applied", _("applied")
        DISMISSED = "dismissed", _("dismissed")

    article = models.ForeignKey(
        "newsroom.ArticlePage", on_delete=models.CASCADE, related_name="partner_updates"
    )
    item = models.ForeignKey(
        IngestedItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source = models.ForeignKey(
        "newsroom.Source", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(null=True, blank=True)
    # The partner's text as ingest would write it (see ingest.updates.partner_fields).
    content = models.JSONField()
    reason = models.CharField(max_length=30)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    received_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("partner update")
        verbose_name_plural = _("partner updates")
        constraints = [
            models.UniqueConstraint(
                fields=["article"],
                condition=models.Q(state="pending"),
                name="ingest_one_pending_update_per_article",
            )
        ]

    def __str__(self) -> str:
        return self.content.get("title", "") or f"update {self.pk}"
