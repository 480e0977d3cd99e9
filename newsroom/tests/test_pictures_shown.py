"""Where a lead image shows (issue #14): pages, social cards, JSON-LD and feeds.

Renditions are made by Wagtail from a real picture in the test storage; every URL another
program fetches is absolute, on the site's root.
"""

import io
import json

import pytest
from bs4 import BeautifulSoup
from defusedxml import ElementTree
from django.core.files.base import ContentFile
from PIL import Image as PILImage
from PIL import ImageDraw

from newsroom.models import NewsImage
from newsroom.pictures import every_spec
from newsroom.tests.factories import ArticlePageFactory, TopicFactory

pytestmark = pytest.mark.django_db

ROOT = "http://testserver"
CAPTION = "Les grues du terminal nord du port de Sfax."
CREDIT = "AFP/J. Doe"
MEDIA = "{http://search.yahoo.com/mrss/}"
ATOM = "{http://www.w3.org/2005/Atom}"


def news_image(size=(2000, 1500), caption=CAPTION, credit=CREDIT):
    canvas = PILImage.new("RGB", size, (30, 80, 140))
    ImageDraw.Draw(canvas).ellipse([100, 100, size[0] // 2, size[1] // 2], fill=(240, 190, 40))
    buffer = io.BytesIO()
    canvas.save(buffer, "JPEG")
    image = NewsImage(title="Port de Sfax", caption=caption, credit=credit)
    image.file.save("port.jpg", ContentFile(buffer.getvalue()), save=False)
    image.width, image.height = size
    image.save()
    return image


@pytest.fixture
def topic():
    return TopicFactory(name="Eau", slug="eau")


@pytest.fixture
def pictured(site_tree, topic):
    return ArticlePageFactory(
        parent=site_tree.maghreb, title="Le port rouvre", lead_image=news_image(), topics=[topic]
    )


def soup_of(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def meta(soup, key):
    found = soup.find("meta", attrs={"property": key}) or soup.find("meta", attrs={"name": key})
    return found["content"] if found else None


# Reader pages ----------------------------------------------------------------------------------
def test_the_article_leads_with_its_picture_in_three_formats_caption_and_credit(pictured, client):
    figure = soup_of(client.get(pictured.url)).select_one("figure.article__image")

    sources = {source["type"]: source for source in figure.select("picture source")}
    assert set(sources) == {"image/avif", "image/webp"}
    assert all(" 480w" in source["srcset"] for source in sources.values())
    img = figure.select_one("picture img")
    assert img["src"].endswith(".jpg") and "1200w" in img["srcset"]
    assert (img["width"], img["height"]) == ("480", "360")  # the fallback's own size
    assert img["loading"] == "eager" and img["fetchpriority"] == "high"
    assert img["alt"] == CAPTION
    assert "42rem" in img["sizes"]
    caption = figure.select_one("figcaption")
    assert caption.get_text(" ", strip=True) == f"{CAPTION} © {CREDIT}"


def test_a_smaller_original_is_offered_at_the_widths_it_has_never_twice_one(site_tree, client):
    article = ArticlePageFactory(parent=site_tree.maghreb, lead_image=news_image(size=(900, 600)))

    figure = soup_of(client.get(article.url)).select_one("figure.article__image")

    for candidates in [source["srcset"] for source in figure.select("source")] + [
        figure.select_one("img")["srcset"]
    ]:
        widths = [candidate.split()[-1] for candidate in candidates.split(", ")]
        assert widths == ["480w", "800w", "900w"]


def test_a_picture_without_caption_is_decorative(site_tree, client):
    article = ArticlePageFactory(parent=site_tree.maghreb, lead_image=news_image(caption=""))

    figure = soup_of(client.get(article.url)).select_one("figure.article__image")

    assert figure.select_one("img")["alt"] == ""
    assert figure.select_one("figcaption").get_text(strip=True) == f"© {CREDIT}"


@pytest.mark.parametrize("path", ["/", "/maghreb/", "/sujets/eau/"])
def test_lists_show_the_picture_lazily_with_its_size(pictured, site_tree, topic, client, path):
    # A second article, so the home page has a card beside its lead story.
    ArticlePageFactory(parent=site_tree.maghreb, lead_image=news_image(), topics=[topic])

    soup = soup_of(client.get(path))

    images = soup.select(".card picture img")
    assert len(images) == 2
    for img in images:
        assert img["width"] and img["height"] and img["alt"] == CAPTION
        assert {source["type"] for source in img.find_parent("picture").select("source")} == {
            "image/avif",
            "image/webp",
        }
    lazy = [img["loading"] for img in images]
    # La une's lead story is above the fold: fetched at once; every other card lazily.
    assert lazy == (["eager", "lazy"] if path == "/" else ["lazy", "lazy"])


def test_an_article_without_picture_shows_none_and_a_small_card(site_tree, client):
    article = ArticlePageFactory(parent=site_tree.maghreb)

    soup = soup_of(client.get(article.url))

    assert soup.select("picture") == []
    assert meta(soup, "og:image") is None
    assert meta(soup, "twitter:card") == "summary"
    assert "image" not in json.loads(soup.find("script", type="application/ld+json").string)


# Shared and described --------------------------------------------------------------------------
def test_social_networks_get_an_absolute_large_picture(pictured, client):
    soup = soup_of(client.get(pictured.url))

    assert meta(soup, "og:image").startswith(f"{ROOT}/")
    assert meta(soup, "og:image").endswith(".jpg")
    assert (meta(soup, "og:image:width"), meta(soup, "og:image:height")) == ("1200", "630")
    assert meta(soup, "og:image:type") == "image/jpeg"
    assert meta(soup, "og:image:alt") == CAPTION
    assert meta(soup, "twitter:card") == "summary_large_image"
    assert meta(soup, "twitter:image") == meta(soup, "og:image")


def test_json_ld_lists_the_three_crops_google_asks_for(pictured, client):
    soup = soup_of(client.get(pictured.url))
    data = json.loads(soup.find("script", type="application/ld+json").string)

    urls = data["image"]
    assert len(urls) == 3 and all(url.startswith(f"{ROOT}/") for url in urls)
    renditions = pictured.lead_image.renditions.filter(file__in=[u[len(ROOT) + 7 :] for u in urls])
    sizes = sorted((rendition.width, rendition.height) for rendition in renditions)
    assert sizes == [(1200, 675), (1200, 900), (1200, 1200)]


def test_json_ld_keeps_the_crops_a_smaller_original_can_fill(site_tree, client):
    wide = ArticlePageFactory(parent=site_tree.maghreb, lead_image=news_image(size=(1600, 900)))
    small = ArticlePageFactory(parent=site_tree.maghreb, lead_image=news_image(size=(800, 500)))

    for article, count in ((wide, 2), (small, 1)):
        soup = soup_of(client.get(article.url))
        data = json.loads(soup.find("script", type="application/ld+json").string)
        assert len(data["image"]) == count, article.lead_image.width


# Feeds -----------------------------------------------------------------------------------------
def test_rss_items_carry_the_picture_as_enclosure_and_media_content(pictured, client):
    response = client.get("/flux/rss.xml")
    assert b'xmlns:media="http://search.yahoo.com/mrss/"' in response.content
    item = ElementTree.fromstring(response.content).find("channel/item")

    enclosure = item.find("enclosure")
    assert enclosure.get("type") == "image/jpeg"
    assert enclosure.get("url").startswith(f"{ROOT}/") and int(enclosure.get("length")) > 1000
    content = item.find(f"{MEDIA}content")
    assert content.get("url") == enclosure.get("url")
    assert (content.get("width"), content.get("height"), content.get("medium")) == (
        "1200",
        "675",
        "image",
    )
    assert content.get("fileSize") == enclosure.get("length")
    assert content.findtext(f"{MEDIA}description") == CAPTION
    assert content.findtext(f"{MEDIA}credit") == CREDIT


def test_atom_and_section_feeds_carry_it_too(pictured, client):
    atom = ElementTree.fromstring(client.get("/flux/atom.xml").content)
    entry = atom.find(f"{ATOM}entry")
    enclosure = entry.find(f"{ATOM}link[@rel='enclosure']")
    assert enclosure.get("type") == "image/jpeg" and enclosure.get("href").startswith(ROOT)
    assert entry.find(f"{MEDIA}content").get("width") == "1200"

    section = ElementTree.fromstring(client.get("/flux/maghreb/rss.xml").content)
    assert section.find("channel/item/enclosure") is not None


def test_an_item_without_picture_has_no_enclosure(site_tree, client):
    ArticlePageFactory(parent=site_tree.maghreb)

    item = ElementTree.fromstring(client.get("/flux/rss.xml").content).find("channel/item")

    assert item.find("enclosure") is None and item.find(f"{MEDIA}content") is None


# Made before a reader asks -----------------------------------------------------------------
def test_a_new_picture_has_every_rendition_made_in_the_background(
    site_tree, client, settings, django_capture_on_commit_callbacks
):
    settings.NEWSROOM_PREPARE_RENDITIONS = True
    with django_capture_on_commit_callbacks(execute=True):
        image = news_image()
    made = image.renditions.count()
    article = ArticlePageFactory(parent=site_tree.maghreb, lead_image=image)

    for path in (article.url, "/", "/maghreb/", "/flux/rss.xml"):
        assert client.get(path).status_code == 200

    assert made == len(every_spec(image)) > 20
    assert image.renditions.count() == made  # no page had to make one


def test_a_filter_kept_for_the_process_crops_each_picture_on_its_own_focal_point():
    """`reader_filter` keeps one Filter per spec (issue #15): two pictures, the same crop,
    different focal points get different renditions, each cut around its own point."""
    from newsroom.pictures import SHARE_FILTER, reader_filter

    left, right = news_image(), news_image()
    left.focal_point_x, left.focal_point_y, left.focal_point_width = 300, 750, 200
    left.focal_point_height = 200
    right.focal_point_x, right.focal_point_y, right.focal_point_width = 1700, 750, 200
    right.focal_point_height = 200
    left.save()
    right.save()

    kept = reader_filter(SHARE_FILTER)
    assert reader_filter(SHARE_FILTER) is kept
    first = left.get_renditions(kept)[SHARE_FILTER]
    second = right.get_renditions(kept)[SHARE_FILTER]

    assert first.focal_point_key != second.focal_point_key
    assert first.file.name != second.file.name
    for rendition, expected in ((first, left), (second, right)):
        assert rendition.image_id == expected.pk
        assert rendition.focal_point_key == kept.get_cache_key(expected)
