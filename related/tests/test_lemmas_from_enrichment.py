"""Related articles read the lemmas enrichment counted from its own parse (issue #15): an
enriched article is not read through spaCy a second time, and ranks as when related read it.

Before, every refresh of an article's profile ran the French model's tagger over a text
enrichment had just parsed in full.
"""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings

from enrichment import nlp as enrichment_nlp
from enrichment.lemmas import read_lemmas
from enrichment.models import EnrichmentRun
from enrichment.services import enrich_article_page
from newsroom.tests.factories import ArticlePageFactory
from related import services
from related.models import TermCount
from related.profiles import store_text_profile
from related.terms import article_read, page_terms, weighted

pytestmark = pytest.mark.django_db

WIKINEWS = Path(settings.BASE_DIR).parent / "shared/data/ner/winer_fr_2016_2017.jsonl"
START = datetime(2017, 1, 2, 10, tzinfo=UTC)


def wikinews(count):
    """The first `count` French Wikinews texts: (headline, paragraphs)."""
    found = []
    with WIKINEWS.open(encoding="utf-8") as lines:
        for line in lines:
            title, _, text = json.loads(line)["text"].partition("\n")
            paragraphs = [part.strip() for part in text.split("\n") if part.strip()][:4]
            if len(paragraphs) > 1:
                found.append((title.strip(), paragraphs))
            if len(found) == count:
                return found
    return found


def publish(parent, title, paragraphs, *, days=0, kicker=""):
    standfirst, *rest = paragraphs
    body = {f"body__{i}__paragraph__value": f"<p>{text}</p>" for i, text in enumerate(rest)}
    return ArticlePageFactory(
        parent=parent,
        title=title,
        kicker=kicker,
        standfirst=standfirst[:300],
        first_published_at=START + timedelta(hours=days),
        **body,
    )


def test_an_enriched_article_s_profile_is_built_without_loading_the_french_model(
    site_tree, model_loads
):
    title, paragraphs = wikinews(1)[0]
    page = publish(site_tree.maghreb, title, paragraphs, kicker="Diplomatie")
    enrich_article_page(page)
    assert EnrichmentRun.objects.get(article=page).lemmas["text"]
    model_loads.clear()
    enrichment_nlp._models.clear()

    store_text_profile(page)

    assert model_loads == []
    assert enrichment_nlp._models == {}
    counts = dict(TermCount.objects.filter(article=page).values_list("term", "count"))
    assert counts["diplomatie"] >= 1  # the kicker, which enrichment itself does not analyse
    assert counts == weighted(next(read_lemmas([article_read(page)])))


def test_enrichment_s_lemmas_are_what_related_reads_itself(site_tree):
    pages = [publish(site_tree.maghreb, *text) for text in wikinews(5)]
    read_by_related = [page_terms(page) for page in pages]

    for page in pages:
        enrich_article_page(page)

    assert [page_terms(page) for page in pages] == read_by_related


def test_an_article_changed_since_its_enrichment_is_read_again(site_tree):
    title, paragraphs = wikinews(1)[0]
    page = publish(site_tree.maghreb, title, paragraphs)
    enrich_article_page(page)
    page.title = "Sécheresse historique dans le Sahel"
    page.save()

    terms = page_terms(page)

    assert terms["secheresse"] == 2  # the headline counts twice
    assert terms == weighted(next(read_lemmas([article_read(page)])))


def test_the_ranking_is_the_same_from_enrichment_s_lemmas_as_from_related_s_own_reading(
    site_tree,
):
    texts = wikinews(14)
    pages = [
        publish(site_tree.maghreb if i % 2 else site_tree.golfe, *text, days=i)
        for i, text in enumerate(texts)
    ]

    def rankings():
        for page in pages:
            store_text_profile(page)
        return [
            [(entry.article_id, round(entry.score, 6)) for entry in services.rank_article(page)]
            for page in pages
        ]

    read_by_related = rankings()
    for page in pages:
        enrich_article_page(page)
    EnrichmentRun.objects.update(lemmas={})
    # The same enrichment signals (entities, topics, countries) on both sides: only where
    # the lemmas come from differs.
    read_by_related_enriched = rankings()
    for page in pages:
        enrich_article_page(page)

    assert any(read_by_related)  # the corpus is related at all
    assert rankings() == read_by_related_enriched
    assert read_by_related_enriched != read_by_related  # enrichment's signals did count
