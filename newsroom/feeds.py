"""RSS 2.0 and Atom feeds for the whole site and for each section.

Every string a feed serves goes through `clean_text` on its way into the XML, whatever the
database holds: Django's XML writer refuses control characters with an exception, so one
article stored with a stray control character used to take the whole feed down (500) for
every reader (issue #12, item 2). The search and entity feeds (search/feeds.py) inherit it.

An article with a lead image carries it twice (issue #14): as the RSS `<enclosure>` (Atom
`rel="enclosure"` link) with its byte length and type, which every reader knows, and as a
Media RSS `<media:content>` with its width, height, caption and credit, which aggregators
such as Google News and Feedly read.
"""

from datetime import datetime
from typing import Any
from xml.sax.xmlreader import AttributesImpl

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed, SyndicationFeed
from django.utils.translation import gettext as _
from django.utils.xmlutils import SimplerXMLGenerator
from wagtail.models import Site

from newsroom.models import ArticlePage, NewsroomSettings, SectionPage
from newsroom.pictures import FEED_FILTER, SharedPicture, shared_picture
from newsroom.text import clean_text

FEED_SIZE = 30
MEDIA_RSS = "http://search.yahoo.com/mrss/"


def _cleaned(value: Any) -> Any:
    """A feed value with its text cleaned: strings and lists of strings (categories)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list | tuple):
        return [clean_text(item) if isinstance(item, str) else item for item in value]
    return value


class CleanTextFeedMixin(SyndicationFeed):
    """A feed generator that cleans the text of the feed and of every item it is given."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.feed = {name: _cleaned(value) for name, value in self.feed.items()}

    def add_item(self, *args: Any, **kwargs: Any) -> None:
        super().add_item(*args, **kwargs)
        self.items[-1] = {name: _cleaned(value) for name, value in self.items[-1].items()}


class MediaRSSMixin(SyndicationFeed):
    """Each item's picture as Media RSS, from the `picture` an item is given."""

    def root_attributes(self) -> dict[str, str]:
        return {**super().root_attributes(), "xmlns:media": MEDIA_RSS}

    def add_item_elements(self, handler: SimplerXMLGenerator, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, item)
        picture: SharedPicture | None = item.get("picture")
        if picture is None:
            return
        attributes = {
            "url": picture.url,
            "type": picture.mime_type,
            "medium": "image",
            "width": str(picture.width),
            "height": str(picture.height),
        }
        if picture.length is not None:
            attributes["fileSize"] = str(picture.length)
        handler.startElement("media:content", AttributesImpl(attributes))
        if picture.alt:
            handler.addQuickElement("media:description", clean_text(picture.alt))
        if picture.credit:
            handler.addQuickElement("media:credit", clean_text(picture.credit))
        handler.endElement("media:content")


class CleanRssFeed(CleanTextFeedMixin, MediaRSSMixin, Rss201rev2Feed):
    pass


class CleanAtomFeed(CleanTextFeedMixin, MediaRSSMixin, Atom1Feed):
    pass


class LatestArticlesFeed(Feed[ArticlePage, SectionPage]):
    feed_type: type[SyndicationFeed] = CleanRssFeed
    language = "fr"

    def get_object(
        self, request: HttpRequest, section_slug: str | None = None, *args: Any, **kwargs: Any
    ) -> SectionPage | None:
        self.request = request
        self.site = Site.find_for_request(request)
        self.pictures: dict[int, SharedPicture] = {}  # this request's, by article
        if section_slug is None:
            return None
        return get_object_or_404(SectionPage.objects.live().public(), slug=section_slug)

    def title(self, section: SectionPage | None) -> str:
        name = self.site.site_name if self.site else ""
        return f"{name} — {section.title}" if section else name

    def link(self, section: SectionPage | None) -> str:
        return section.url if section else "/"

    def description(self, section: SectionPage | None) -> str:
        return NewsroomSettings.for_site(self.site).tagline if self.site else ""

    def items(self, section: SectionPage | None) -> Any:
        articles = ArticlePage.objects.published().select_related("source", "lead_image")
        articles = articles.prefetch_related("lead_image__renditions")
        if section is not None:
            articles = articles.child_of(section)
        return articles[:FEED_SIZE]

    def item_title(self, article: ArticlePage) -> str:
        return article.title

    def item_description(self, article: ArticlePage) -> str:
        return article.standfirst

    def item_link(self, article: ArticlePage) -> str:
        return article.get_url(request=self.request)

    def item_guid(self, article: ArticlePage) -> str:
        return article.get_full_url(request=self.request)

    item_guid_is_permalink = True

    def item_pubdate(self, article: ArticlePage) -> datetime | None:
        return article.first_published_at

    def item_updateddate(self, article: ArticlePage) -> datetime | None:
        return article.updated_at or article.last_published_at

    def item_author_name(self, article: ArticlePage) -> str | None:
        names = [author.name for author in article.authors.all()]
        return ", ".join(names) or (article.source.name if article.source else None)

    def item_categories(self, article: ArticlePage) -> list[str]:
        return [topic.name for topic in article.topics.all()]

    def item_picture(self, article: ArticlePage) -> SharedPicture | None:
        """The lead image as feeds carry it; asked twice per item (enclosure, Media RSS)."""
        if article.lead_image is None:
            return None
        if article.pk not in self.pictures:
            root_url = self.site.root_url if self.site else ""
            self.pictures[article.pk] = shared_picture(
                article.lead_image, root_url, filter_spec=FEED_FILTER, with_length=True
            )
        return self.pictures[article.pk]

    def item_enclosures(self, article: ArticlePage) -> list[Enclosure]:
        picture = self.item_picture(article)
        if picture is None:
            return []
        return [Enclosure(picture.url, str(picture.length), picture.mime_type)]

    def item_extra_kwargs(self, article: ArticlePage) -> dict[str, Any]:
        return {"picture": self.item_picture(article)}

    def item_copyright(self, article: ArticlePage) -> str | None:
        if article.source and article.source.licence_terms:
            return _("%(source)s, %(terms)s") % {
                "source": article.source.name,
                "terms": article.source.licence_terms,
            }
        return None


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = CleanAtomFeed
    subtitle = LatestArticlesFeed.description
