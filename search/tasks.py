"""Background re-indexing through the Django tasks API: never in a request."""

from django_tasks import task

from search.indexing import reindex_entity_articles


@task()
def reindex_articles_of_entity(entity_id: int) -> int:
    return reindex_entity_articles(entity_id)
