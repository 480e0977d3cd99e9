"""A web process of its own, for the test and the bench that check it never loads spaCy.

    python related/tests/web_process.py build DB [ARTICLES]   # migrate, write a small site
    python related/tests/web_process.py serve DB              # a fresh worker reads its pages

Two interpreters on purpose: building the site (migrations, factories) may import anything;
the one that serves imports only what a gunicorn worker does (`rotative.wsgi`), then asks
for la une, a section, an article whose related list is stored, the search page and an
entity page through Django's test client, and prints as JSON what it imported, how long
each page took, the garbage collections run meanwhile and its peak memory. `serve` imports
nothing of this repository but `rotative.wsgi`, so the bench can point PYTHONPATH at an
older checkout and compare.
"""

from __future__ import annotations

import gc
import json
import os
import resource
import sys
import time

NLP_MODULES = ("spacy", "thinc", "enrichment.nlp", "related.terms")
STORED = 8  # related entries stored for the article the worker reads (the page shows 4)


def _setup(database: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rotative.settings.test")


def build(database: str, articles: int = 12) -> dict:
    """A site tree, `articles` published articles, one entity; article 1 lists 8 others."""
    _setup(database)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from wagtail.models import Locale, Page, Site

    from enrichment.models import ArticleEntity, Entity, Status
    from newsroom.tests.factories import (
        STANDARD_BODY,
        ArticlePageFactory,
        HomePageFactory,
        SectionPageFactory,
        TopicFactory,
    )
    from related.models import RelatedArticle

    Locale.objects.get_or_create(language_code="fr")
    root = Page.get_first_root_node()
    home = HomePageFactory(parent=root)
    Site.objects.filter(is_default_site=True).update(
        hostname="testserver", port=80, site_name="Mena News", root_page=home
    )
    for page in root.get_children().exclude(pk=home.pk):
        page.delete()
    sections = [
        SectionPageFactory(parent=home, title="Maghreb", slug="maghreb"),
        SectionPageFactory(parent=home, title="Golfe", slug="golfe"),
    ]
    water = TopicFactory(name="Eau", slug="eau")
    pages = [
        ArticlePageFactory(
            parent=sections[number % 2],
            title=f"Barrage sur le Nil, épisode {number}",
            topics=[water],
            **STANDARD_BODY,
        )
        for number in range(articles)
    ]
    article, others = pages[0], pages[1 : STORED + 1]
    RelatedArticle.objects.bulk_create(
        RelatedArticle(article=article, candidate=other, rank=rank, score=1.0 / rank)
        for rank, other in enumerate(others, start=1)
    )
    entity = Entity.objects.create(name="Nil", slug="nil", kind="LOC")
    ArticleEntity.objects.bulk_create(
        ArticleEntity(article=page, entity=entity, score=0.9, status=Status.ACCEPTED)
        for page in pages
    )
    return {
        "article": article.url,
        "related_titles": [other.title for other in others[:4]],
        "articles": len(pages),
    }


def serve(database: str, article_url: str) -> dict:
    """What a fresh worker imports and spends to serve each reader page once."""
    started = time.perf_counter()
    _setup(database)
    before = set(sys.modules)
    import rotative.wsgi  # noqa: F401 - what gunicorn imports

    after_wsgi = set(sys.modules)
    report: dict = {
        "wsgi_ms": round((time.perf_counter() - started) * 1000, 1),
        "wsgi_modules": len(after_wsgi - before),
        "nlp_after_wsgi": {name: name in sys.modules for name in NLP_MODULES},
        "frozen_objects": gc.get_freeze_count(),
        "pages": {},
    }
    from django.test import Client

    pauses: list[float] = []
    began: list[float] = []

    def timed_collection(phase: str, info: dict) -> None:
        if phase == "start":
            began[:] = [time.perf_counter()]
        elif began:
            pauses.append((time.perf_counter() - began[0]) * 1000)

    gc.callbacks.append(timed_collection)
    client = Client()
    urls = {
        "article": article_url,
        "home": "/",
        "section": "/maghreb/",
        "search": "/recherche/?q=barrage",
        "entity": "/entites/nil/",
    }
    for name, url in urls.items():
        loaded = set(sys.modules)
        start = time.perf_counter()
        response = client.get(url)
        report["pages"][name] = {
            "url": url,
            "status": response.status_code,
            "ms": round((time.perf_counter() - start) * 1000, 1),
            "new_modules": len(set(sys.modules) - loaded),
            "html": response.content.decode() if name == "article" else "",
        }
    gc.callbacks.remove(timed_collection)
    report["gc_ms"] = {"count": len(pauses), "max": round(max(pauses, default=0.0), 1)}
    report["modules"] = len(set(sys.modules) - before)
    report["nlp_after_pages"] = {name: name in sys.modules for name in NLP_MODULES}
    report["max_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    if os.environ.get("WEB_PROCESS_TIME_BLOCK"):
        report["block"] = _time_block(client, article_url)
    return report


def _time_block(client: object, article_url: str, renders: int = 50) -> dict:
    """The related block beside the whole uncached article, warm (the bench only)."""
    from django.core.cache import cache
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    try:
        from related.reading import articles_to_read
    except ImportError:  # before issue #15
        from related.services import articles_to_read
    from newsroom.models import ArticlePage

    slug = article_url.strip("/").rsplit("/", 1)[-1]
    request = RequestFactory().get(article_url)

    def block() -> None:
        page = ArticlePage.objects.get(slug=slug)  # pins and exclusions read again
        for article in articles_to_read(page):
            render_to_string("components/article_card.html", {"article": article}, request)

    def article() -> None:
        cache.clear()
        client.get(article_url)  # type: ignore[attr-defined]

    timings = {}
    for name, step in (("block", block), ("article", article)):
        step()
        start = time.perf_counter()
        for _ in range(renders):
            step()
        timings[f"{name}_ms"] = round((time.perf_counter() - start) * 1000 / renders, 2)
    return timings


if __name__ == "__main__":
    command, database, *rest = sys.argv[1:]
    if command == "build":
        result = build(database, *(int(value) for value in rest))
    else:
        result = serve(database, rest[0])
    print(json.dumps(result))  # noqa: T201 - read by the parent process
