"""The related block reads the four articles it shows, not the eight stored (issue #15).

Profiled, the block was 28 % of an uncached article render: it loaded every stored
candidate with their topics, places and sources to show four cards. Now one query reads the
four a reader can open, with their lead images, and one more their renditions.
"""

import io

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from PIL import Image as PILImage

from newsroom.models import NewsImage
from newsroom.tests.factories import ArticlePageFactory
from related.models import RelatedArticle, RelatedExclusion, RelatedPin
from related.reading import articles_to_read

pytestmark = pytest.mark.django_db

# Pins, exclusions, Wagtail's view restrictions, the articles, their renditions.
BLOCK_QUERIES = 5


def picture(colour):
    buffer = io.BytesIO()
    PILImage.new("RGB", (240, 160), colour).save(buffer, "JPEG")
    image = NewsImage(title="Barrage", caption="Le barrage.", credit="AFP")
    image.file.save("barrage.jpg", ContentFile(buffer.getvalue()), save=False)
    image.width, image.height = 240, 160
    image.save()
    return image


@pytest.fixture
def candidates(site_tree):
    images = [picture((30, 80, 140)), picture((140, 80, 30))]
    return [
        ArticlePageFactory(
            parent=site_tree.golfe, title=f"Candidat {rank}", lead_image=images[rank % 2]
        )
        for rank in range(1, 9)
    ]


def store(article, candidates):
    RelatedArticle.objects.filter(article=article).delete()
    RelatedArticle.objects.bulk_create(
        RelatedArticle(article=article, candidate=page, rank=rank, score=1.0 / rank)
        for rank, page in enumerate(candidates, start=1)
    )


def related_block(page, request):
    """What the article page spends on the block: its articles, then their cards. The
    request's Site is found once per page, for the whole of it, not by the block."""
    return [
        render_to_string("components/article_card.html", {"article": article}, request=request)
        for article in articles_to_read(page)
    ]


def block_queries(page, request):
    related_block(page, request)  # renditions made, site roots cached: what readers find
    with CaptureQueriesContext(connection) as queries:
        cards = related_block(page, request)
    return len(queries), cards


def test_the_block_reads_the_same_few_queries_with_four_or_eight_stored(
    site_tree, candidates, rf, django_assert_max_num_queries
):
    article = ArticlePageFactory(parent=site_tree.maghreb, title="Le barrage")
    request = rf.get(article.url)
    store(article, candidates[:4])
    four, cards = block_queries(article, request)
    assert len(cards) == 4
    assert all("<picture" in card for card in cards)

    store(article, candidates)
    eight, cards = block_queries(article, request)
    assert [card.count("Candidat") for card in cards] == [1, 1, 1, 1]
    assert "Candidat 1<" in cards[0] and "Candidat 4<" in cards[3]
    assert eight == four
    with django_assert_max_num_queries(BLOCK_QUERIES):
        related_block(article, request)


def test_unpublished_and_excluded_candidates_are_skipped_in_the_query(site_tree, candidates):
    article = ArticlePageFactory(parent=site_tree.maghreb, title="Le barrage")
    store(article, candidates)
    candidates[0].unpublish()
    article.related_exclusions = [RelatedExclusion(article=candidates[1])]
    article.related_pins = [RelatedPin(article=candidates[7])]
    article.save()

    shown = articles_to_read(article)

    # The pin first, then the ranking from its third entry: four shown of eight stored.
    assert [page.title for page in shown] == [
        "Candidat 8",
        "Candidat 3",
        "Candidat 4",
        "Candidat 5",
    ]


def test_a_pin_that_is_also_ranked_is_shown_once_at_its_pin(site_tree, candidates):
    article = ArticlePageFactory(parent=site_tree.maghreb, title="Le barrage")
    store(article, candidates)
    article.related_pins = [RelatedPin(article=candidates[2])]
    article.save()

    shown = [page.title for page in articles_to_read(article, limit=8)]

    assert shown[0] == "Candidat 3"
    assert shown.count("Candidat 3") == 1
    assert len(shown) == 8
