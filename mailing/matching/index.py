"""The inverted index: the keys a subscription is filed under, and the keys an article carries.

A subscription is filed under one key per followed thing ("section:12", "entity:7") or, for
keyword alerts, one "term:<word>" key per word its query needs; an article carries its
section, topics, countries, entities and the words of its text. Only readers who receive
mail are indexed (active, address not suppressed: `receives_mail`), so a pending or paused
reader, or a suppressed address, can never be found: the services rebuild a reader's rows
when their status changes, and a suppression added or lifted rebuilds those of its address
(mailing.signals). Matching trusts the index for who may be found; queueing and sending
check `receives_mail` again, for a status written around the services.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from django_countries import countries

from enrichment.merges import merge_chain
from enrichment.models import ArticleCountry, ArticleEntity, ArticleTopic
from enrichment.models import Status as Decision
from mailing.models import Subscriber, Subscription, SubscriptionKey, Suppression
from mailing.query import Text, parse_query
from newsroom.models import ArticlePage

ALL = "all"
# Each chunk stays under SQLite's 999 parameters, even with two IN lists of one chunk.
CHUNK = 400
WRITE_BATCH = 2000
KEY_LENGTH = SubscriptionKey._meta.get_field("key").max_length


def chunked(items: Iterable, size: int = CHUNK) -> Iterator[list]:
    """The items in lists of `size`: what one `IN (…)` lookup or one batch write takes."""
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def index_key(prefix: str, value: object) -> str:
    return f"{prefix}:{value}"[:KEY_LENGTH]


def term_key(word: str) -> str:
    return index_key("term", word)


# --- Subscriber side ----------------------------------------------------------------------


def receives_mail(prefix: str = "") -> Q:
    """Active and not suppressed; `prefix` reaches the subscriber from another model."""
    suppressed = Suppression.objects.filter(email=OuterRef(f"{prefix}email"))
    return Q(**{f"{prefix}status": Subscriber.Status.ACTIVE}) & ~Q(Exists(suppressed))


def subscription_keys(subscription: Subscription) -> list[str]:
    """The index keys under which an article can match this subscription."""
    kind, value = subscription.kind, subscription.value.strip()
    if kind == Subscription.Kind.NEWSLETTER:
        return [ALL]
    if kind == Subscription.Kind.KEYWORDS:
        return [term_key(word) for word in parse_query(value).index_terms()]
    if not value:
        return []
    if kind == Subscription.Kind.COUNTRY:
        value = value.upper()
    return [index_key(kind, value)]


@transaction.atomic
def index_subscriber(subscriber: Subscriber) -> int:
    """Rebuild a subscriber's index rows: none unless they receive mail (`receives_mail`).
    Returns the row count.

    A row that stays (same subscription, key and frequency) keeps its `since`: a digest
    built later counts the reader as following it from then on, not from this rebuild. A
    pause, an unsubscription or a suppressed address drops every row, so a comeback starts
    afresh.
    """
    existing = SubscriptionKey.objects.filter(subscriber=subscriber)
    since = {
        (subscription_id, key, frequency): moment
        for subscription_id, key, frequency, moment in existing.values_list(
            "subscription_id", "key", "frequency", "since"
        )
    }
    existing.delete()
    if not subscriber.receives_mail or Suppression.objects.filter(email=subscriber.email).exists():
        return 0  # `receives_mail`, with the status as the caller has it
    now = timezone.now()
    rows = [
        SubscriptionKey(
            key=key,
            subscription=subscription,
            subscriber=subscriber,
            frequency=subscription.frequency,
            since=since.get((subscription.pk, key, subscription.frequency), now),
        )
        for subscription in Subscription.objects.filter(subscriber=subscriber)
        for key in dict.fromkeys(subscription_keys(subscription))
    ]
    SubscriptionKey.objects.bulk_create(rows, batch_size=WRITE_BATCH)
    return len(rows)


def index_address(email: str) -> int:
    """Rebuild the rows of the readers at `email` (any case): after a suppression of that
    address is added or lifted. Returns the row count."""
    return sum(
        index_subscriber(subscriber)
        for subscriber in Subscriber.objects.filter(email__iexact=email)
    )


# --- Article side -------------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleProfile:
    """What an article can be matched on: fixed keys with the reason each gives, and text."""

    reasons: dict[str, str] = field(default_factory=dict)  # "topic:12" → "topic:Diplomatie"
    text: Text = field(default_factory=lambda: Text.of(""))

    def keys(self) -> set[str]:
        return set(self.reasons) | {term_key(word) for word in self.text.words}


def article_text(article: ArticlePage) -> Text:
    """Kicker, title, standfirst and body: what keyword queries are checked against."""
    return Text.from_blocks(
        [article.kicker, article.title, article.standfirst, *article.body_paragraphs()]
    )


def article_profile(article: ArticlePage) -> ArticleProfile:
    """The article's tagging as editors decided it: its own fields plus accepted suggestions."""
    reasons = {ALL: "newsletter"}
    section = article.get_parent()
    if section is not None:
        reasons[index_key("section", section.pk)] = f"section:{section.title}"
    accepted = {"article_id": article.pk, "status": Decision.ACCEPTED}
    topics = {topic.pk: topic.name for topic in article.topics.all()}
    for link in ArticleTopic.objects.filter(**accepted).select_related("topic"):
        topics[link.topic_id] = link.topic.name
    for pk, name in sorted(topics.items(), key=lambda item: item[1]):
        reasons[index_key("topic", pk)] = f"topic:{name}"
    codes = [str(country) for country in article.countries]
    codes += [
        str(code)
        for code in ArticleCountry.objects.filter(**accepted).values_list("country", flat=True)
    ]
    with translation.override(settings.LANGUAGE_CODE):
        for code in dict.fromkeys(code.upper() for code in codes if code):
            reasons[index_key("country", code)] = f"country:{countries.name(code) or code}"
    links = ArticleEntity.objects.filter(**accepted).select_related("entity__merged_into")
    for entity_link in links.order_by("-score", "entity__name"):
        entity = entity_link.entity
        reasons[index_key("entity", entity.pk)] = f"entity:{entity.name}"
        # Readers following any record a duplicate was merged into, however long the chain,
        # hear about it too.
        for merged in merge_chain(entity)[1:]:
            reasons.setdefault(index_key("entity", merged.pk), f"entity:{merged.name}")
    return ArticleProfile(reasons=reasons, text=article_text(article))


def article_keys(article: ArticlePage) -> set[str]:
    """Every index key the article carries: "all", its section, topics, countries,
    entities, and "term:<word>" for each word of its text."""
    return article_profile(article).keys()
