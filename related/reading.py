"""What the article page shows under “À lire sur le même thème”: stored data only.

The lists are ranked in the background (`related.tasks`, which imports the ranking and
spaCy when it runs) and stored as `RelatedArticle` rows. A web process reads them here and
never imports the NLP stack: loading spaCy cost a worker's first article 695 ms and
~190 MB, and its garbage collections 126–153 ms in the request path (issue #15).

The block reads the articles it shows and no more: the editor's pins, then the stored
ranking, never an excluded article, never one a reader cannot open, in one query with what
a card needs (its lead image, its renditions).
"""

from __future__ import annotations

from django.db.models import Case, F, IntegerField, OuterRef, Q, Subquery, Value, When

from newsroom.models import ArticlePage
from related.models import RelatedArticle

DISPLAYED = 4


def articles_to_read(page: ArticlePage, limit: int = DISPLAYED) -> list[ArticlePage]:
    """The pins first, in their order, then the stored ranking; at most `limit`.

    Works on previews too: pins and exclusions are read from the page object (in memory for
    an unsaved draft), never from the database alone.
    """
    if limit < 1:
        return []
    pinned = [pin.article_id for pin in page.related_pins.all() if pin.article_id]
    excluded = {choice.article_id for choice in page.related_exclusions.all()}
    if page.pk:
        excluded.add(page.pk)
    pinned = [pk for pk in dict.fromkeys(pinned) if pk not in excluded]
    stored = RelatedArticle.objects.filter(article_id=page.pk or 0)
    # Two uncorrelated IN lists, each read through an index: no scan of the articles.
    wanted = Q(pk__in=pinned) | Q(pk__in=stored.values("candidate_id"))
    rank = stored.filter(candidate_id=OuterRef("pk")).values("rank")[:1]
    pin_order = Case(
        *[When(pk=pk, then=Value(position)) for position, pk in enumerate(pinned)],
        default=Value(len(pinned)),
        output_field=IntegerField(),
    )
    chosen = list(
        ArticlePage.objects.published()
        .filter(wanted)
        .exclude(pk__in=excluded)
        .annotate(pin_order=pin_order, stored_rank=Subquery(rank))
        .order_by("pin_order", F("stored_rank").asc(nulls_last=True), "-pk")
        .select_related("lead_image")
        .prefetch_related("lead_image__renditions")[:limit]
    )
    if len(chosen) >= limit or (page.pk and stored.exists()):
        return chosen
    # Never ranked yet (the task has not run): latest articles sharing a topic or the section.
    shown = excluded | {article.pk for article in chosen}
    return chosen + _fallback(page, shown, limit - len(chosen))


def _fallback(page: ArticlePage, excluded: set[int], limit: int) -> list[ArticlePage]:
    topic_ids = [topic.pk for topic in page.topics.all()]
    same_theme = Q(topics__in=topic_ids)
    if page.path:
        same_theme |= Q(path__startswith=page.path[: -page.steplen])
    articles = (
        ArticlePage.objects.published()
        .exclude(pk__in=excluded)
        .filter(same_theme)
        .distinct()
        .select_related("lead_image")
        .prefetch_related("lead_image__renditions")
    )
    return list(articles[:limit])
