"""The demo articles' pictures (issue #14): drawn at load time, one per article, credited."""

import io

import pytest
from PIL import Image as PILImage

from ingest.demo import load_demo_content
from newsroom.demo_content.articles import DEMO_ARTICLES
from newsroom.demo_content.pictures import CREDIT, demo_picture
from newsroom.models import ArticlePage, NewsImage

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return load_demo_content()


def test_every_demo_article_leads_with_its_own_credited_illustration(demo):
    articles = ArticlePage.objects.select_related("lead_image")

    assert articles.count() == len(DEMO_ARTICLES)
    assert NewsImage.objects.count() == len(DEMO_ARTICLES)
    for article in articles:
        image = article.lead_image
        assert image.credit == CREDIT == "Illustration Rotative"
        assert image.caption.startswith("Illustration abstraite : ")
        assert (image.width, image.height) == (1600, 1200)
        assert image.source_url == ""  # drawn here, downloaded from nowhere
        assert image.file.read() == demo_picture(article.slug).content


def test_the_same_slug_always_draws_the_same_picture_and_others_differ():
    first, again = demo_picture(DEMO_ARTICLES[0].slug), demo_picture(DEMO_ARTICLES[0].slug)
    others = {demo_picture(spec.slug).content for spec in DEMO_ARTICLES}

    assert first == again
    assert len(others) == len(DEMO_ARTICLES)
    with PILImage.open(io.BytesIO(first.content)) as drawn:
        assert (drawn.format, drawn.size) == ("JPEG", (1600, 1200))


def test_loading_the_demo_again_adds_no_picture(demo):
    load_demo_content()

    assert NewsImage.objects.count() == len(DEMO_ARTICLES)


def test_la_une_shows_the_demo_pictures(demo, client):
    html = client.get("/").content.decode()

    assert html.count("<picture>") >= 5
    assert "Illustration abstraite" in html
