"""schema.org NewsArticle for an article page, as search engines read it (JSON-LD)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from wagtail.models import Site

from newsroom.pictures import structured_data_urls

if TYPE_CHECKING:
    from newsroom.models import ArticlePage


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _is_empty(value: object) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _without_empty(value: Any) -> Any:
    """`value` with None, "", [] and {} dropped at every depth: readers expect absent, not null."""
    if isinstance(value, dict):
        cleaned = {key: _without_empty(item) for key, item in value.items()}
        return {key: item for key, item in cleaned.items() if not _is_empty(item)}
    if isinstance(value, list):
        cleaned_items = [_without_empty(item) for item in value]
        return [item for item in cleaned_items if not _is_empty(item)]
    return value


def news_article(article: ArticlePage, request: HttpRequest) -> dict[str, Any]:
    """The NewsArticle description of `article`, as a plain dict ready for JSON."""
    site = Site.find_for_request(request)
    url = article.get_full_url(request=request)
    root_url = site.root_url if site else ""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.title[:110],
        "description": article.standfirst,
        "inLanguage": "fr",
        "datePublished": _iso(article.first_published_at),
        "dateModified": _iso(article.updated_at or article.last_published_at),
        "articleSection": article.section.title if article.section else None,
        "keywords": [topic.name for topic in article.topics.all()],
        "author": [{"@type": "Person", "name": author.name} for author in article.authors.all()],
        "publisher": {
            "@type": "NewsMediaOrganization",
            "name": site.site_name if site else "",
            "url": root_url,
        },
    }
    if article.dateline_places.exists():
        data["locationCreated"] = [
            {"@type": "Place", "name": place.name} for place in article.dateline_places.all()
        ]
    if article.source:
        data["isBasedOn"] = {
            "@type": "CreativeWork",
            "publisher": {"@type": "Organization", "name": article.source.name},
            "author": article.source_author or None,
            "url": article.source_url or None,
            "license": article.source.licence_terms or None,
        }
        if not data["author"] and article.source_author:
            data["author"] = [{"@type": "Person", "name": article.source_author}]
    if article.lead_image:
        data["image"] = structured_data_urls(article.lead_image, root_url)
    return _without_empty(data)
