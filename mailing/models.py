"""Readers who asked for email, what they asked for, and every email we owe them.

The schema is the contract between the parts of `mailing`:
  - Subscriber and ConsentRecord: who, and the proof of what they agreed to (GDPR art. 7);
  - Subscription and SubscriptionKey: what each reader follows, and the inverted index
    (section | topic | country | entity | keyword term → subscription) that lets one
    article find its readers among a million without a loop over all of them;
  - KeyReaders and KeyChange: the same index packed, a key's readers as one value, and the
    changes to it not folded in yet (written by database triggers);
  - MatchedArticle: when each article was last matched, one row per article;
  - PendingMatch: an article in a subscriber's message: instant alerts' recipients are
    written when the article is matched, a digest's contents when the digest is built;
  - Delivery: the ledger, one row per (subscriber, message key), unique, so a retry or a
    second worker can never send the same message twice;
  - Suppression: addresses we must not write to again (bounces, complaints, unsubscribes).
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Subscriber(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for confirmation")
        ACTIVE = "active", _("active")
        PAUSED = "paused", _("paused")
        UNSUBSCRIBED = "unsubscribed", _("unsubscribed")

    email = models.EmailField(_("email"), max_length=254, unique=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    # Delivery hour for digests, in Europe/Paris (the newsroom's and most readers' zone).
    digest_hour = models.PositiveSmallIntegerField(_("digest hour"), default=7)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    last_daily_digest_at = models.DateTimeField(null=True, blank=True)
    last_weekly_digest_at = models.DateTimeField(null=True, blank=True)
    # Signed into every link we send (mailing.tokens); raising it revokes all earlier links.
    token_version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        indexes = [
            models.Index(fields=["status"], name="mailing_subscriber_status"),
        ]

    def __str__(self):
        return self.email

    @property
    def receives_mail(self):
        return self.status == self.Status.ACTIVE


class ConsentRecord(models.Model):
    """What a reader agreed to (or withdrew), when, from which form and address."""

    class Action(models.TextChoices):
        SUBSCRIBE = "subscribe", _("asked to subscribe")
        CONFIRM = "confirm", _("confirmed")
        CHANGE = "change", _("changed preferences")
        PAUSE = "pause", _("paused")
        RESUME = "resume", _("resumed")
        UNSUBSCRIBE = "unsubscribe", _("unsubscribed")

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="consents")
    action = models.CharField(max_length=20, choices=Action.choices)
    # The subscriptions as the reader saw and accepted them, in words and ids.
    terms = models.JSONField(default=dict)
    form = models.CharField(_("form"), max_length=100, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")

    def __str__(self):
        return f"{self.subscriber} {self.action} {self.created_at:%Y-%m-%d %H:%M}"


class Frequency(models.TextChoices):
    INSTANT = "instant", _("instant alert")
    DAILY = "daily", _("daily digest")
    WEEKLY = "weekly", _("weekly digest")


class Subscription(models.Model):
    """One thing a reader follows, and how often they want to hear about it."""

    class Kind(models.TextChoices):
        NEWSLETTER = "newsletter", _("the newsletter (everything we publish)")
        SECTION = "section", _("section")
        TOPIC = "topic", _("topic")
        COUNTRY = "country", _("country")
        ENTITY = "entity", _("person, organisation or place")
        KEYWORDS = "keywords", _("keywords")

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="subscriptions"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The followed thing: a page id (section), a Topic or Entity id, an ISO code, or a
    # keyword query ('gaz "prix plafond" OR pétrole -football').
    value = models.CharField(max_length=300, blank=True)
    label = models.CharField(max_length=300, blank=True)
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "kind", "value"], name="mailing_unique_subscription"
            )
        ]
        indexes = [
            # Matching reads the query and label of each keyword subscription filed under
            # an article's words, by id: from this index alone, a twentieth of the table,
            # not from the rows of a million subscriptions (#15).
            models.Index(
                fields=["id", "value", "label"],
                condition=models.Q(kind="keywords"),
                name="mailing_keyword_queries",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.label or self.value} ({self.frequency})"


class SubscriptionKey(models.Model):
    """Inverted index: an index key ("topic:12", "term:gaz") → a subscription.

    Active subscribers' subscriptions only; rebuilt for a subscriber whenever their
    subscriptions or status change.
    """

    key = models.CharField(max_length=200)
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="keys")
    # Denormalised so matching filters and groups without joining the subscriber.
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="+")
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    # Since when this reader has been filed under this key, kept across rebuilds while the
    # subscription stays the same: a digest built later takes only the articles matched
    # since then, as matching each article at publication did (#15).
    since = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            # Covers the lookup that decides an article's readers: ids only, no table read.
            models.Index(
                fields=["key", "frequency", "subscriber", "subscription"],
                name="mailing_key_readers",
            ),
        ]

    def __str__(self):
        return f"{self.key} → {self.subscription_id}"


class KeyReaders(models.Model):
    """The index packed (#15): the readers filed under a key at a frequency, as one value.

    `readers` holds their subscriber ids, ascending and each once, as little-endian int64
    (8 bytes an id), so matching reads a key's readers as one row, not a row per reader. A
    keyword subscription's rows (keys "term:<word>") are packed by query and label, which
    decide whether it matches; a fixed key's rows have both empty. Built from the
    SubscriptionKey rows, which stay the truth: each change to them is noted in KeyChange
    by database triggers (migration 0009), read beside these lists until
    `mailing.matching.packed.pack_key_readers` folds it in.
    """

    key = models.CharField(max_length=200)
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    query = models.CharField(max_length=300, blank=True)
    label = models.CharField(max_length=300, blank=True)
    readers = models.BinaryField()

    class Meta:
        indexes = [models.Index(fields=["key", "frequency"], name="mailing_packed_readers")]

    def __str__(self):
        return f"{self.key} ({self.frequency}): {len(self.readers) // 8} readers"


class KeyChange(models.Model):
    """A reader whose place under a packed key (KeyReaders) may have changed: written by
    the database's triggers on SubscriptionKey and Subscription (migration 0009), so no
    write around the services is missed. Matching checks the reader against the
    SubscriptionKey rows until `pack_key_readers` folds the change in and deletes it.
    A TRUNCATE fires no row trigger: after one, `rebuild_key_readers`."""

    key = models.CharField(max_length=200)
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    query = models.CharField(max_length=300, blank=True)
    label = models.CharField(max_length=300, blank=True)
    # Not a foreign key: the note outlives a deleted subscriber, whom matching drops.
    subscriber_id = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["key", "frequency"], name="mailing_key_changes")]

    def __str__(self):
        return f"{self.key} ({self.frequency}): reader {self.subscriber_id}"


class MatchedArticle(models.Model):
    """When an article was last matched (published, or re-matched after an editor's change).

    One row per article, not per reader: a digest, when it is built, takes the articles
    matched since the reader's previous digest and decides then which of them are theirs
    (#15). Instant alerts still get their PendingMatch rows at once.
    """

    article = models.OneToOneField(
        "newsroom.ArticlePage", on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    matched_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self):
        return f"article {self.article_id} matched {self.matched_at:%Y-%m-%d %H:%M}"


class PendingMatch(models.Model):
    """An article in a subscriber's alert or digest: written at once for instant alerts,
    when the digest is built for daily and weekly ones (#15)."""

    # No index of its own: the unique (subscriber, article, frequency) serves lookups by
    # subscriber, and one index fewer to update per row written (#15).
    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    article = models.ForeignKey("newsroom.ArticlePage", on_delete=models.CASCADE, related_name="+")
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    reasons = models.JSONField(default=list)
    matched_at = models.DateTimeField(default=timezone.now)
    delivery = models.ForeignKey(
        "Delivery", null=True, blank=True, on_delete=models.SET_NULL, related_name="matches"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "article", "frequency"], name="mailing_unique_match"
            )
        ]
        indexes = [
            models.Index(fields=["frequency", "delivery", "matched_at"], name="mailing_match_due")
        ]

    def __str__(self):
        return f"article {self.article_id} for {self.subscriber_id} ({self.frequency})"


class Delivery(models.Model):
    """The ledger: one message owed to one subscriber, identified by its message key.

    Message keys say what the message is: "confirm:<subscriber>:<n>", "alert:<subscriber>:
    <first match id>", "daily:<date>", "weekly:<iso week>". The unique constraint makes
    creating a delivery idempotent; sending claims a row before it talks to the server.
    """

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", _("confirmation")
        ALERT = "alert", _("instant alert")
        DAILY = "daily", _("daily digest")
        WEEKLY = "weekly", _("weekly digest")

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        BOUNCED = "bounced", _("bounced")
        SUPPRESSED = "suppressed", _("suppressed")

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    message_key = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The Message-ID we set before sending: a retry after a crash reuses it, so a receiver
    # can recognise the duplicate if the first attempt did reach it.
    message_id = models.CharField(max_length=300, blank=True)
    provider_message_id = models.CharField(max_length=300, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    not_before = models.DateTimeField(default=timezone.now)
    claimed_by = models.CharField(max_length=100, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "message_key"], name="mailing_unique_delivery"
            )
        ]
        indexes = [models.Index(fields=["status", "not_before"], name="mailing_delivery_due")]

    def __str__(self):
        return f"{self.message_key} → {self.subscriber} ({self.status})"


class Suppression(models.Model):
    class Reason(models.TextChoices):
        BOUNCE = "bounce", _("hard bounce")
        COMPLAINT = "complaint", _("complaint")
        UNSUBSCRIBE = "unsubscribe", _("unsubscribed")
        MANUAL = "manual", _("added by hand")

    email = models.EmailField(unique=True)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    detail = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppressed addresses")

    def __str__(self):
        return f"{self.email} ({self.reason})"


class SignupAttempt(models.Model):
    """Sign-up form posts, for rate limits per IP and per address (bombing).

    `pending_request` holds what the form asked (choices, form, page, IP, user agent) until
    the background task applies it (`services.apply_sign_up`), then is cleared: the request
    path does the same work whatever the address, so its timing tells no address apart.
    """

    ip_address = models.GenericIPAddressField(null=True, blank=True)
    email = models.EmailField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    pending_request = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        indexes = [
            models.Index(fields=["ip_address", "created_at"], name="mailing_attempt_ip"),
            models.Index(fields=["email", "created_at"], name="mailing_attempt_email"),
        ]

    def __str__(self):
        return f"{self.email or self.ip_address} at {self.created_at:%Y-%m-%d %H:%M}"
