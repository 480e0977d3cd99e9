import json

from django import template
from django.template import Context
from django.utils.html import format_html
from django.utils.safestring import SafeString
from wagtail.images.models import Picture
from wagtail.images.shortcuts import get_renditions_or_not_found
from wagtail.models import Page, Site

from newsroom import structured_data
from newsroom.models import ArticlePage, NewsImage, Topic
from newsroom.pictures import READER_PICTURES, SharedPicture, picture_specs, shared_picture

register = template.Library()

# The characters that could close the <script> element or open a comment inside it.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def article_json_ld(context: Context, article: ArticlePage) -> SafeString:
    """A <script type="application/ld+json"> holding the article's NewsArticle data."""
    data = structured_data.news_article(article, context["request"])
    payload = json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', SafeString(payload))


@register.simple_tag
def responsive_picture(image: NewsImage | None, place: str, **attributes: str) -> SafeString:
    """Wagtail's `<picture>` of `image` (AVIF, WebP, JPEG) for one of `READER_PICTURES`.

    The attributes (sizes, loading, fetchpriority, class) go on the `<img>`, beside the
    width, height and alt Wagtail sets.
    """
    if not image:  # no lead image (None), or a card given something that has none ("")
        return SafeString("")
    specs = picture_specs(image, READER_PICTURES[place])
    renditions = get_renditions_or_not_found(image, specs)
    return SafeString(Picture(renditions, attributes).__html__())


@register.simple_tag(takes_context=True)
def share_picture(context: Context, image: NewsImage | None) -> SharedPicture | None:
    """`image` as social networks fetch it (`og:image`): absolute, on the site's root."""
    if image is None:
        return None
    site = Site.find_for_request(context["request"])
    return shared_picture(image, site.root_url if site else "")


@register.simple_tag(takes_context=True)
def full_url(context: Context, page: Page) -> str:
    return page.get_full_url(request=context["request"])


@register.simple_tag(takes_context=True)
def topic_url(context: Context, topic: Topic) -> str:
    """The reader URL of a topic page, served by the site's home page."""
    home = Site.find_for_request(context["request"]).root_page.specific
    return home.url + home.reverse_subpage("topic", args=[topic.slug])
