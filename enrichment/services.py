"""Enrichment of stored articles: suggestions written, editors' decisions applied.

`enrich_article_page` reads a page, runs the pipeline and stores what it found as
suggestions. Rules that keep editors in charge:
  - a suggestion an editor accepted or rejected keeps its status forever; re-running only
    refreshes the score of decided rows and replaces rows still `suggested`;
  - topics and countries the editor set on the page count as accepted;
  - accepting a topic or country writes it to the page through a new revision (published
    when the page was live with nothing pending), so Wagtail's history shows who did it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from wagtail.models import ReferenceIndex
from wagtail.search.backends import get_search_backends_with_name

from enrichment.gazetteer import unique_slug
from enrichment.known_names import KnownNames, entity_for
from enrichment.models import (
    ArticleCountry,
    ArticleEntity,
    ArticleTopic,
    Decision,
    EnrichmentRun,
    Entity,
    Quote,
    Status,
)
from enrichment.results import EnrichedArticle
from newsroom.article import ExtractedArticle
from newsroom.events import article_enriched
from newsroom.models import ArticlePage, Topic

if TYPE_CHECKING:
    # spaCy and its model stay out of web processes: the entity chips of a reader page read
    # `accepted_entities` from here (issue #15). Only enriching imports the pipeline.
    from enrichment.pipeline import Enricher

__all__ = ["entity_for"]  # re-exported: where callers and tests have always found it

LINKED_KINDS = {"PER", "ORG", "LOC"}

# A model of suggestions editors decide on the page (abstract Decision has no manager).
SuggestionModel = type[ArticleEntity] | type[ArticleTopic] | type[ArticleCountry]


@dataclass
class EnrichmentSummary:
    entities: int = 0
    topics: int = 0
    countries: int = 0
    quotes: int = 0

    def __str__(self) -> str:
        return (
            f"{self.entities} entities, {self.topics} topics, {self.countries} countries, "
            f"{self.quotes} quotes"
        )


def enrich_article_page(
    page: ArticlePage,
    enricher: Enricher | None = None,
    *,
    article: ExtractedArticle | None = None,
) -> EnrichmentSummary:
    """Suggestions for `page`, read from `article` when ingest handed over what it extracted,
    else from the article the page itself gives (`ArticlePage.as_article`)."""
    from enrichment.pipeline import shared_enricher  # spaCy: workers only (issue #15)

    enricher = enricher or shared_enricher()
    return store_suggestions(page, enricher.enrich(article or page.as_article()))


def read_together(
    articles: list[ExtractedArticle], enricher: Enricher | None = None
) -> list[EnrichedArticle]:
    """What enrichment finds in several articles, read through the model in one batch;
    nothing stored (`store_suggestions` does, article by article)."""
    from enrichment.pipeline import shared_enricher  # spaCy: workers only (issue #15)

    return (enricher or shared_enricher()).enrich_many(articles)


def enrich_pages(
    pages: Iterable[ArticlePage],
    enricher: Enricher | None = None,
    batch_size: int = 16,
    progress: Callable[[int], object] | None = None,
) -> int:
    """Many pages, fed to the model in batches; `progress(done)` after each batch."""
    from enrichment.pipeline import shared_enricher  # spaCy: workers only (issue #15)

    enricher = enricher or shared_enricher()
    pages = list(pages)
    done = 0
    for start in range(0, len(pages), batch_size):
        batch = pages[start : start + batch_size]
        results = enricher.enrich_many([page.as_article() for page in batch])
        created: list[int] = []
        for page, article in zip(batch, results, strict=True):
            store_suggestions(page, article, new_entities=created)
        index_new_entities(created)
        done += len(batch)
        if progress:
            progress(done)
    return done


@transaction.atomic
def store_suggestions(
    page: ArticlePage, article: EnrichedArticle, *, new_entities: list[int] | None = None
) -> EnrichmentSummary:
    """Store what enrichment found in `article` as `page`'s suggestions.

    The records it creates are indexed after commit (`index_new_entities`), or, given
    `new_entities`, added to it for the caller to index once for a whole batch (issue #15:
    one search write and title-norm refresh an article was a tenth of storing it)."""
    summary = EnrichmentSummary()
    entity_by_name = {}
    created: list[int] = []
    found_entities: dict[Any, dict[str, Any]] = {}
    linked = [found for found in article.entities if found.kind in LINKED_KINDS]
    known = KnownNames(linked)
    for found in linked:
        entity = known.entity_for(found, new=created)
        entity_by_name[found.name] = entity
        if entity.pk in found_entities:
            continue
        found_entities[entity.pk] = {
            "score": found.salience,
            "mentions": len(found.mentions),
            "surface": found.mentions[0].text[:200] if found.mentions else found.name[:200],
        }
        summary.entities += 1
    known.save_aliases()
    _suggest_all(ArticleEntity, page, "entity_id", found_entities)
    if new_entities is not None:
        new_entities.extend(created)
    elif created:
        transaction.on_commit(partial(index_new_entities, created))

    page_topics = set(page.topics.values_list("pk", flat=True))
    found_topics: dict[Any, dict[str, Any]] = {}
    known_topics = _topics_by_qcode(found.qcode for found in article.topics)
    for found_topic in article.topics:
        topic = known_topics.get(found_topic.qcode) or topic_for(
            found_topic.qcode, found_topic.label
        )
        known_topics[found_topic.qcode] = topic
        found_topics[topic.pk] = {"score": found_topic.score}
        summary.topics += 1
    _suggest_all(ArticleTopic, page, "topic_id", found_topics, keep=page_topics)
    for topic_pk in page_topics:
        _mark_editor_choice(ArticleTopic, page, {"topic_id": topic_pk})

    page_countries = {str(code) for code in page.countries}
    found_countries: dict[Any, dict[str, Any]] = {}
    for found_country in article.countries:
        found_countries[found_country.code] = {
            "score": found_country.score,
            "about": found_country.about,
        }
        summary.countries += 1
    _suggest_all(ArticleCountry, page, "country", found_countries, keep=page_countries)
    for code in page_countries:
        _mark_editor_choice(ArticleCountry, page, {"country": code})

    decided_quotes = set(
        Quote.objects.filter(article=page)
        .exclude(status=Status.SUGGESTED)
        .values_list("text", flat=True)
    )
    Quote.objects.filter(article=page, status=Status.SUGGESTED).delete()
    quotes = [
        Quote(
            article=page,
            text=found_quote.text,
            speaker_name=found_quote.speaker[:200],
            speaker=entity_by_name.get(found_quote.speaker),
            position=position,
            score=1.0 if found_quote.speaker else 0.5,
        )
        for position, found_quote in enumerate(article.quotes)
        if found_quote.text not in decided_quotes
    ]
    Quote.objects.bulk_create(quotes)
    summary.quotes += len(quotes)
    EnrichmentRun.objects.update_or_create(
        article=page,
        defaults={
            "language": article.language,
            "warnings": list(article.warnings),
            "lemmas": article.lemmas.to_json() if article.lemmas is not None else {},
        },
    )
    article_enriched.send(sender=ArticlePage, instance=page, by_editor=False)
    return summary


def _suggest_all(
    model: SuggestionModel,
    page: ArticlePage,
    field: str,
    found: dict[Any, dict[str, Any]],
    *,
    keep: Iterable[Any] = (),
) -> None:
    """Create or refresh the suggestions `found` (the value of `field` → the row's values),
    a decided one only getting its new score, and drop those still only suggested that
    are no longer found, but for the values in `keep` (the editor's choices on the page).

    One query reads the article's rows, one writes the new ones and one drops the stale
    ones, when there are (issue #15: a row at a time was two queries a suggestion, and the
    stale ones a query of their own, for nothing on a new article); these models have no
    save or delete signals to skip.
    """
    rows = list(model.objects.filter(article=page))
    wanted = {str(value) for value in found}
    still = wanted | {str(value) for value in keep}
    stale = [
        row.pk
        for row in rows
        if row.status == Status.SUGGESTED and str(getattr(row, field)) not in still
    ]
    if stale:
        model.objects.filter(pk__in=stale).delete()
    existing = {str(getattr(row, field)): row for row in rows if str(getattr(row, field)) in wanted}
    new = []
    for value, values in found.items():
        row = existing.get(str(value))
        if row is None:
            new.append(model(article=page, **{field: value}, **values))
            continue
        fields = ["score"] if row.status != Status.SUGGESTED else list(values)
        for name in fields:
            setattr(row, name, values[name])
        row.save(update_fields=fields)
    model.objects.bulk_create(new)  # type: ignore[arg-type]  # rows of `model` only


def _mark_editor_choice(
    model: SuggestionModel, page: ArticlePage, identity: dict[str, Any]
) -> None:
    row, _ = model.objects.get_or_create(
        article=page, **identity, defaults={"status": Status.ACCEPTED, "by_editor": True}
    )
    if row.status == Status.SUGGESTED:
        row.status = Status.ACCEPTED
        row.save(update_fields=["status"])


def index_new_entities(entity_ids: list[int]) -> None:
    """What Wagtail's save signals would have queued for each new record, done here at
    once: its search entry (name and alias) and its reference index rows.

    Issue #15: an import's enrichments create about five new records an article, and each
    cost two more tasks in the queue (a third of all the tasks an import left).
    """
    if not entity_ids:
        return
    entities = list(Entity.get_indexed_objects().filter(pk__in=entity_ids))
    # One write transaction: on SQLite, each statement committed alone would take the
    # database's write lock again, against the other workers.
    with transaction.atomic():
        for _name, backend in get_search_backends_with_name(with_auto_update=True):
            backend.add_bulk(Entity, entities)
        for entity in entities:
            ReferenceIndex.create_or_update_for_object(entity)


def _topics_by_qcode(qcodes: Iterable[str]) -> dict[str, Topic]:
    """The topic `topic_for` finds for each IPTC code we have, in one query (issue #15)."""
    found: dict[str, Topic] = {}
    for topic in Topic.objects.filter(iptc_qcode__in=set(qcodes)).order_by("name", "pk"):
        found.setdefault(topic.iptc_qcode, topic)
    return found


def topic_for(qcode: str, label: str) -> Topic:
    topic = Topic.objects.filter(iptc_qcode=qcode).first()
    if topic is not None:
        return topic
    taken = set(Topic.objects.values_list("slug", flat=True))
    name = label[:1].upper() + label[1:]
    return Topic.objects.create(name=name, slug=unique_slug(label, taken), iptc_qcode=qcode)


# Decisions ----------------------------------------------------------------------------------
@transaction.atomic
def decide(row: Decision, status: str, user: User | None = None) -> None:
    """Accept or reject one suggestion; topics and countries follow onto the page."""
    row.status = status
    row.decided_by = user
    row.decided_at = timezone.now()
    row.save(update_fields=["status", "decided_by", "decided_at"])
    if isinstance(row, ArticleTopic):
        _set_on_page(row.article, user, topic=(row.topic, status == Status.ACCEPTED))
    elif isinstance(row, ArticleCountry):
        _set_on_page(row.article, user, country=(str(row.country), status == Status.ACCEPTED))
    is_entity = isinstance(row, ArticleEntity)
    article_enriched.send(
        sender=ArticlePage,
        instance=row.article,
        by_editor=True,
        entities_changed=is_entity,
        entity_accepted=is_entity and status == Status.ACCEPTED,
    )


def add_entity_by_hand(
    page: ArticlePage, entity: Entity, user: User | None = None
) -> ArticleEntity:
    row, _ = ArticleEntity.objects.update_or_create(
        article=page,
        entity=entity,
        defaults={
            "status": Status.ACCEPTED,
            "by_editor": True,
            "decided_by": user,
            "decided_at": timezone.now(),
        },
    )
    article_enriched.send(
        sender=ArticlePage,
        instance=page,
        by_editor=True,
        entities_changed=True,
        entity_accepted=True,
    )
    return row


def _set_on_page(
    page: ArticlePage,
    user: User | None,
    *,
    topic: tuple[Topic, bool] | None = None,
    country: tuple[str, bool] | None = None,
) -> None:
    """Write the change into a new revision; publish it if the page had nothing pending."""
    page = ArticlePage.objects.get(pk=page.pk)
    publish = page.live and not page.has_unpublished_changes
    draft = page.get_latest_revision_as_object()
    if topic is not None:
        chosen, keep = topic
        topics = [item for item in draft.topics.all() if item.pk != chosen.pk]
        draft.topics = [*topics, chosen] if keep else topics
    if country is not None:
        code, keep = country
        codes = [str(item) for item in draft.countries if str(item) != code]
        draft.countries = [*codes, code] if keep else codes
    revision = draft.save_revision(user=user, log_action=True)
    if publish:
        revision.publish(user=user, skip_permission_checks=user is None)


def accepted_entities(page: ArticlePage) -> QuerySet[Entity]:
    return (
        Entity.objects.filter(article_links__article=page, article_links__status=Status.ACCEPTED)
        .order_by("-article_links__score")
        .distinct()
    )
