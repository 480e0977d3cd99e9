from typing import Any

from django import template

from enrichment.services import accepted_entities
from newsroom.models import ArticlePage

register = template.Library()


@register.inclusion_tag("enrichment/article_entities.html")
def article_entities(page: ArticlePage) -> dict[str, Any]:
    """The accepted people, organisations and places of an article, as links.

    A preview of an article not saved yet has none.
    """
    if not page.pk:
        return {"entities": []}
    return {"entities": list(accepted_entities(page)[:12])}
