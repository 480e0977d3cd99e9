"""The reader's filters: section, dates, country, topic, and the entity an article is tagged
with (the records merged into it count as it)."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from wagtail.query import PageQuerySet

from enrichment.merges import kept_record, member_ids
from enrichment.models import ArticleCountry, ArticleEntity, Entity, Status
from newsroom.models import ArticlePage, SectionPage, Topic


def published_articles(
    *,
    section: SectionPage | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> PageQuerySet:
    """Published articles, narrowed by what every backend filters on (tree path, date)."""
    articles = ArticlePage.objects.published()
    if section is not None:
        articles = articles.descendant_of(section)
    if date_from is not None:
        articles = articles.filter(first_published_at__gte=start_of_day(date_from))
    if date_to is not None:
        next_day = date_to + datetime.timedelta(days=1)
        articles = articles.filter(first_published_at__lt=start_of_day(next_day))
    return articles


def narrow(
    articles: PageQuerySet,
    *,
    country: str | None = None,
    topic: Topic | None = None,
    entity: Entity | None = None,
) -> PageQuerySet:
    """`articles` about `country`, on `topic`, tagged with `entity` (each when given)."""
    if country:
        accepted = ArticleCountry.objects.filter(country=country, status=Status.ACCEPTED)
        about = ArticlePage.objects.filter(
            Q(countries__contains=country) | Q(pk__in=accepted.values("article_id"))
        )
        articles = articles.filter(pk__in=about.values("pk"))
    if topic is not None:
        on_topic = ArticlePage.topics.through.objects.filter(topic=topic)
        articles = articles.filter(pk__in=on_topic.values("articlepage_id"))
    if entity is not None:
        articles = articles.filter(pk__in=accepted_links(entity).values("article_id"))
    return articles


def accepted_links(entity: Entity) -> QuerySet[ArticleEntity]:
    """Accepted article links of `entity` and of the records merged into it."""
    members = member_ids([kept_record(entity).pk])
    return ArticleEntity.objects.filter(entity_id__in=list(members), status=Status.ACCEPTED)


def start_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
