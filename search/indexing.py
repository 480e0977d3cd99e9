"""What the search index holds for an article, and keeping it fresh.

ArticlePage indexes two extra fields built here (`search_title_terms`, boosted, and
`search_text_terms`; the page asks for them through the hooks in `search.wagtail_hooks`):
French terms from `search.analysis`, already stemmed and without accents, so every Wagtail
backend matches "Biélorussie" with "biélorusse". The text terms include the names and
aliases of the entities editors accepted on the article, so a query for "Putin" finds an
article tagged "Vladimir Poutine" that never writes "Putin".
"""

from __future__ import annotations

import logging

from wagtail.search import index

from enrichment.merges import kept_ids, kept_record, member_ids
from enrichment.models import ArticleEntity, Entity, EntityAlias, Status
from newsroom.models import ArticlePage
from search.analysis import index_terms

logger = logging.getLogger(__name__)


def article_search_title(page: ArticlePage) -> str:
    """The headline's terms, space-separated."""
    return " ".join(index_terms(page.title or ""))


def article_search_text(page: ArticlePage) -> str:
    """Terms of the kicker, standfirst, body and the accepted entities' names and aliases."""
    parts = [page.kicker or "", page.standfirst or "", *page.body_paragraphs()]
    parts.extend(accepted_entity_names(page))
    return " ".join(index_terms("\n".join(parts)))


def accepted_entity_names(page: ArticlePage) -> list[str]:
    """Names and aliases of the entities accepted on `page`, merged records' kept ones too."""
    if page.pk is None:  # a preview of an unsaved page has no decisions yet
        return []
    accepted = ArticleEntity.objects.filter(article_id=page.pk, status=Status.ACCEPTED)
    linked = kept_ids(accepted.values_list("entity_id", flat=True))
    ids = set(linked) | set(linked.values())
    if not ids:
        return []
    names = list(Entity.objects.filter(pk__in=ids).values_list("name", flat=True))
    names += EntityAlias.objects.filter(entity_id__in=ids).values_list("name", flat=True)
    return list(dict.fromkeys(names))


def reindex_article(page_id: int) -> None:
    """Index the article again (its accepted entities changed); quiet if it is gone."""
    page = ArticlePage.objects.filter(pk=page_id).first()
    if page is None:
        return
    index.insert_or_update_object(page)
    logger.debug("Article %s re-indexed", page_id)


def reindex_entity_articles(entity_id: int) -> int:
    """Index again every article tagged (accepted) with the entity or a record merged into it
    or that it was merged into: their indexed names and aliases changed."""
    entity = Entity.objects.filter(pk=entity_id).first()
    if entity is None:
        return 0
    related_ids = set(member_ids([kept_record(entity).pk]))
    articles = ArticlePage.objects.filter(
        pk__in=ArticleEntity.objects.filter(
            entity_id__in=related_ids, status=Status.ACCEPTED
        ).values("article_id")
    )
    count = 0
    for page in articles.iterator():
        index.insert_or_update_object(page)
        count += 1
    return count
