"""Computing, storing and reading each article's “À lire sur le même thème”.

`rank_article` gathers the signals of an article and of its candidates in a fixed number of
queries and hands them to `related.ranking`. Candidates are the published articles that
share one of its main entities or topics, or its distinctive lemmas (BM25 over `TermCount`).

`refresh_after_change` is what the background task runs when an article is published,
changed, enriched or unpublished: the article's text profile and list, then the lists of the
articles that list it or should now list it.

`articles_to_read` is what the page shows: the editor's pins, then the stored ranking, never
an excluded article, never one a reader cannot open.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Avg, Case, Count, F, FloatField, Q, Sum, Value, When

from enrichment.merges import kept_ids, member_ids
from enrichment.models import ArticleCountry, ArticleEntity, ArticleTopic, Entity, Status
from newsroom.models import ArticlePage, Topic
from related import ranking
from related.exceptions import ArticleNotFound
from related.models import RelatedArticle, TermCount, TextProfile
from related.terms import article_terms, fold, many_article_terms

KEPT = 8  # stored per article; the page shows DISPLAYED of them
DISPLAYED = 4
NEIGHBOURS = 20  # articles whose list is refreshed after this one changes
# Candidates: the articles sharing most of the article's main entities (weighted in SQL),
# the latest ones on its main topics, and the best by text. Scoring every article gives the
# same top five in the bench (bench/related.py) at a fraction of the cost.
MAIN_ENTITIES = 10
ENTITY_CANDIDATES = 200
MAIN_TOPICS = 2
TOPIC_CANDIDATES = 100
TEXT_CANDIDATES = 150
DISTINCTIVE_TERMS = 30
# A suggestion nobody has reviewed yet counts, but less than an editor's decision.
STATUS_WEIGHT = {Status.ACCEPTED: 1.0, Status.SUGGESTED: 0.6}
MIN_LINK_WEIGHT = 0.1
_NOT_A_WORD = re.compile(r"\W+")


@dataclass(frozen=True)
class RankedArticle:
    """One ranked candidate with its page and the names behind its reasons."""

    article: ArticlePage
    score: float
    reasons: ranking.Reasons
    entity_names: tuple[str, ...]
    topic_names: tuple[str, ...]

    def as_json(self) -> dict:
        reasons = self.reasons
        return {
            "id": self.article.pk,
            "title": self.article.title,
            "url": self.article.url,
            "score": self.score,
            "reasons": {
                "entities": list(self.entity_names),
                "topics": list(self.topic_names),
                "countries": list(reasons.countries),
                "terms": list(reasons.terms),
                "entity_similarity": reasons.entity_similarity,
                "topic_similarity": reasons.topic_similarity,
                "country_similarity": reasons.country_similarity,
                "text_similarity": reasons.text_similarity,
                "recency": reasons.recency,
            },
        }


# --- Text profiles --------------------------------------------------------------------------


def article_text(page: ArticlePage) -> tuple[str, str]:
    """(headline, the rest) as the text similarity reads them."""
    return page.title, "\n\n".join([page.kicker, page.standfirst, *page.body_paragraphs()])


@transaction.atomic
def store_text_profile(page: ArticlePage, counts: Counter | None = None) -> TextProfile:
    """Replace the article's lemma counts (computed here unless given)."""
    if counts is None:
        counts = article_terms(*article_text(page))
    TermCount.objects.filter(article=page).delete()
    TermCount.objects.bulk_create(
        [TermCount(article=page, term=term, count=count) for term, count in counts.items()],
        batch_size=500,
    )
    profile, _ = TextProfile.objects.update_or_create(
        article=page, defaults={"words": sum(counts.values())}
    )
    return profile


def store_text_profiles(pages, *, batch_size: int = 32, progress=None) -> int:
    """Profiles for many articles, read through spaCy in batches (commands, the bench)."""
    pages = list(pages)
    counted = many_article_terms((article_text(page) for page in pages), batch_size=batch_size)
    for page, counts in zip(pages, counted, strict=True):
        store_text_profile(page, counts)
        if progress:
            progress(page)
    return len(pages)


def drop_text_profile(page: ArticlePage) -> None:
    TermCount.objects.filter(article=page).delete()
    TextProfile.objects.filter(article=page).delete()


# --- Signals --------------------------------------------------------------------------------


def _title_key(title: str) -> str:
    return _NOT_A_WORD.sub(" ", fold(title)).strip()


def _codes(value) -> set[str]:
    if not value:
        return set()
    if isinstance(value, str):
        return {code for code in value.split(",") if code}
    return {str(code) for code in value}


def load_signals(article_ids) -> dict[int, ranking.ArticleSignals]:
    """Signals of many articles in five queries (pages, entities, topics ×2, countries),
    plus one per step of the longest chain of merges among their entities."""
    article_ids = list(article_ids)
    rows = ArticlePage.objects.filter(pk__in=article_ids).values_list(
        "pk", "path", "depth", "first_published_at", "last_published_at", "title", "countries"
    )
    pages = {row[0]: row for row in rows}
    entities = defaultdict(dict)
    links = list(
        ArticleEntity.objects.filter(article_id__in=pages)
        .exclude(status=Status.REJECTED)
        .values_list("article_id", "entity_id", "score", "status")
    )
    # A record merged into another, in one step or several, counts as the one that stays.
    kept = kept_ids({entity_id for _, entity_id, _, _ in links})
    for article_id, entity_id, score, status in links:
        key = kept.get(entity_id, entity_id)
        weight = max(score, MIN_LINK_WEIGHT) * STATUS_WEIGHT[status]
        entities[article_id][key] = max(entities[article_id].get(key, 0.0), weight)
    topics = defaultdict(dict)
    suggested_topics = (
        ArticleTopic.objects.filter(article_id__in=pages)
        .exclude(status=Status.REJECTED)
        .values_list("article_id", "topic_id", "score", "status")
    )
    for article_id, topic_id, score, status in suggested_topics:
        topics[article_id][topic_id] = max(score, MIN_LINK_WEIGHT) * STATUS_WEIGHT[status]
    on_page = ArticlePage.topics.through.objects.filter(articlepage_id__in=pages).values_list(
        "articlepage_id", "topic_id"
    )
    for article_id, topic_id in on_page:
        topics[article_id][topic_id] = 1.0  # set on the page: the editor's choice
    countries = defaultdict(set)
    about = (
        ArticleCountry.objects.filter(article_id__in=pages, about=True)
        .exclude(status=Status.REJECTED)
        .values_list("article_id", "country")
    )
    for article_id, code in about:
        countries[article_id].add(str(code))
    signals = {}
    for pk, path, depth, first, last, title, page_countries in pages.values():
        signals[pk] = ranking.ArticleSignals(
            article_id=pk,
            section=path[: -ArticlePage.steplen] if depth > 1 else "",
            published_at=first or last,
            title_key=_title_key(title),
            entities=entities[pk],
            topics=topics[pk],
            countries=frozenset(countries[pk] | _codes(page_countries)),
        )
    return signals


def _entity_candidates(signals: ranking.ArticleSignals, rarity: dict[int, float]) -> list[int]:
    """The articles sharing the most of the main entities, each weighted by its salience
    here and its rarity, summed in the database."""

    def weight(entity_id):
        return signals.entities[entity_id] * rarity.get(entity_id, 1.0)

    main = sorted(signals.entities, key=lambda entity_id: -weight(entity_id))[:MAIN_ENTITIES]
    if not main:
        return []
    members = member_ids(main)
    weighted = Case(
        *[
            When(
                entity_id__in=[pk for pk, kept in members.items() if kept == entity_id],
                then=Value(weight(entity_id)),
            )
            for entity_id in main
        ],
        default=Value(0.0),
        output_field=FloatField(),
    )
    return list(
        ArticleEntity.objects.filter(entity_id__in=list(members))
        .exclude(status=Status.REJECTED)
        .values("article_id")
        .annotate(overlap=Sum(F("score") * weighted))
        .order_by("-overlap", "-article_id")
        .values_list("article_id", flat=True)[:ENTITY_CANDIDATES]
    )


def _topic_candidates(signals: ranking.ArticleSignals) -> set[int]:
    main = sorted(signals.topics, key=lambda key: -signals.topics[key])[:MAIN_TOPICS]
    found = set()
    for topic_id in main:
        found.update(
            ArticlePage.objects.filter(
                Q(topics=topic_id)
                | Q(pk__in=ArticleTopic.objects.filter(topic_id=topic_id).values("article_id"))
            )
            .order_by("-first_published_at")
            .values_list("pk", flat=True)[:TOPIC_CANDIDATES]
        )
    return found


def text_matches(page: ArticlePage) -> dict[int, ranking.TextMatch]:
    """BM25 of the article's distinctive lemmas against every profiled article."""
    counts = dict(
        TermCount.objects.filter(article=page).values_list("term", "count")
    ) or article_terms(*article_text(page))
    if not counts:
        return {}
    stats = TextProfile.objects.aggregate(documents=Count("pk"), average=Avg("words"))
    documents = max(stats["documents"] or 0, 1)
    frequency = dict(
        TermCount.objects.filter(term__in=list(counts))
        .values("term")
        .annotate(n=Count("pk"))
        .values_list("term", "n")
    )
    distinctive = ranking.distinctive_terms(counts, frequency, documents, DISTINCTIVE_TERMS)
    postings = defaultdict(dict)
    rows = TermCount.objects.filter(term__in=list(distinctive)).values_list(
        "term", "article_id", "count"
    )
    for term, article_id, count in rows:
        postings[term][article_id] = count
    # Every length in one read (4 ms at 10,000 articles), cheaper than joining each posting.
    lengths = dict(TextProfile.objects.values_list("article_id", "words"))
    return ranking.bm25_similarities(
        {term: counts[term] for term in distinctive},
        sum(counts.values()),
        postings,
        lengths,
        stats["average"] or 1.0,
        frequency,
        documents,
    )


def _rarity(entity_ids, documents: int) -> dict[int, float]:
    members = member_ids(entity_ids)
    frequency = Counter()
    rows = (
        ArticleEntity.objects.filter(entity_id__in=list(members))
        .exclude(status=Status.REJECTED)
        .values("entity_id")
        .annotate(n=Count("pk"))
        .values_list("entity_id", "n")
    )
    for entity_id, count in rows:
        frequency[members[entity_id]] += count
    return ranking.entity_rarity(
        {entity_id: frequency.get(entity_id, 1) for entity_id in entity_ids}, documents
    )


# --- Ranking --------------------------------------------------------------------------------


def rank_article(
    page: ArticlePage,
    *,
    limit: int = KEPT,
    weights: ranking.Weights = ranking.DEFAULT_WEIGHTS,
) -> list[ranking.RankedCandidate]:
    """The article's best published candidates, scored, with their reasons."""
    signals = load_signals([page.pk]).get(page.pk) or ranking.ArticleSignals(article_id=page.pk)
    matches = text_matches(page) if weights.text else {}
    best_text = sorted(matches, key=lambda pk: -matches[pk].similarity)[:TEXT_CANDIDATES]
    documents = ArticlePage.objects.published().count()
    rarity = _rarity(list(signals.entities), documents) if weights.entities else {}
    pool = set(best_text)
    if weights.entities:
        pool.update(_entity_candidates(signals, rarity))
    if weights.topics:
        pool |= _topic_candidates(signals)
    pool.discard(page.pk)
    published = ArticlePage.objects.published().filter(pk__in=pool)
    candidates = load_signals(published.values_list("pk", flat=True)).values()
    return ranking.rank(signals, candidates, matches, rarity, weights=weights, limit=limit)


def explain(page: ArticlePage, ranked: list[ranking.RankedCandidate]) -> list[RankedArticle]:
    """Attach pages and entity/topic names to ranked candidates (for the command, the admin)."""
    pages = ArticlePage.objects.in_bulk([candidate.article_id for candidate in ranked])
    entity_ids = {pk for candidate in ranked for pk in candidate.reasons.entities}
    topic_ids = {pk for candidate in ranked for pk in candidate.reasons.topics}
    entity_names = dict(Entity.objects.filter(pk__in=entity_ids).values_list("pk", "name"))
    topic_names = dict(Topic.objects.filter(pk__in=topic_ids).values_list("pk", "name"))
    return [
        RankedArticle(
            article=pages[candidate.article_id],
            score=candidate.score,
            reasons=candidate.reasons,
            entity_names=tuple(entity_names.get(pk, "?") for pk in candidate.reasons.entities),
            topic_names=tuple(topic_names.get(pk, "?") for pk in candidate.reasons.topics),
        )
        for candidate in ranked
        if candidate.article_id in pages
    ]


@transaction.atomic
def store_related(page: ArticlePage, ranked: list[ranking.RankedCandidate]) -> None:
    """Replace the article's stored list with the first `KEPT` of `ranked`, with the names
    behind its reasons (the editor's Related tab shows them)."""
    RelatedArticle.objects.filter(article=page).delete()
    RelatedArticle.objects.bulk_create(
        [
            RelatedArticle(
                article=page,
                candidate=entry.article,
                rank=position,
                score=entry.score,
                reasons=entry.as_json()["reasons"],
            )
            for position, entry in enumerate(explain(page, ranked[:KEPT]), start=1)
        ]
    )


def refresh_related(page: ArticlePage, *, limit: int = KEPT) -> list[ranking.RankedCandidate]:
    """Rank the article again and store its list; returns the first `limit` candidates."""
    ranked = rank_article(page, limit=max(limit, KEPT))
    store_related(page, ranked)
    return ranked[:limit]


def refresh_after_change(page: ArticlePage) -> int:
    """After a publication, change, enrichment or unpublication: this article's profile and
    list, then the lists that name it and those of its nearest articles, which may now want
    to list it. Returns how many lists were refreshed."""
    listers = set(
        RelatedArticle.objects.filter(candidate=page).values_list("article_id", flat=True)
    )
    if page.live:
        store_text_profile(page)
        ranked = refresh_related(page, limit=NEIGHBOURS)
        neighbours = listers | {candidate.article_id for candidate in ranked}
        refreshed = 1
    else:
        drop_text_profile(page)
        RelatedArticle.objects.filter(article=page).delete()
        RelatedArticle.objects.filter(candidate=page).delete()
        neighbours, refreshed = listers, 0
    for neighbour in ArticlePage.objects.published().filter(pk__in=neighbours - {page.pk}):
        refresh_related(neighbour)
        refreshed += 1
    return refreshed


# --- Reading --------------------------------------------------------------------------------


def articles_to_read(page: ArticlePage, limit: int = DISPLAYED) -> list[ArticlePage]:
    """What the page lists under “À lire sur le même thème”: pins first, then the ranking.

    Works on previews too: pins and exclusions are read from the page object (in memory for
    an unsaved draft), never from the database alone.
    """
    pinned = [pin.article_id for pin in page.related_pins.all() if pin.article_id]
    excluded = {choice.article_id for choice in page.related_exclusions.all()}
    excluded.add(page.pk)
    stored = []
    if page.pk:
        stored = list(
            RelatedArticle.objects.filter(article_id=page.pk)
            .order_by("rank")
            .values_list("candidate_id", flat=True)
        )
    wanted = [pk for pk in dict.fromkeys(pinned + stored) if pk not in excluded]
    found = ArticlePage.objects.published().filter(pk__in=wanted).for_listing().in_bulk()
    chosen = [found[pk] for pk in wanted if pk in found][:limit]
    if stored or len(chosen) >= limit:
        return chosen
    # Never ranked yet (the task has not run): latest articles sharing a topic or the section.
    return chosen + _fallback(page, excluded | set(found), limit - len(chosen))


def _fallback(page: ArticlePage, excluded: set[int], limit: int) -> list[ArticlePage]:
    topic_ids = [topic.pk for topic in page.topics.all()]
    same_theme = Q(topics__in=topic_ids)
    if page.path:
        same_theme |= Q(path__startswith=page.path[: -page.steplen])
    articles = ArticlePage.objects.published().exclude(pk__in=excluded).for_listing()
    return list(articles.filter(same_theme).distinct()[:limit])


def find_article(reference: str) -> ArticlePage:
    """An article by id, slug or URL path ("/maghreb/mon-article/")."""
    reference = reference.strip()
    articles = ArticlePage.objects.all()
    found = None
    if reference.isdigit():
        found = articles.filter(pk=int(reference)).first()
    elif "/" in reference:
        # A full URL or a path: Wagtail's url_path starts with the site root's own slug.
        path = "/" + reference.split("://", 1)[-1].split("/", 1)[-1].strip("/") + "/"
        found = articles.filter(url_path__endswith=path).order_by("depth").first()
    else:
        found = articles.filter(slug=reference).first()
    if found is None:
        raise ArticleNotFound(reference)
    return found
