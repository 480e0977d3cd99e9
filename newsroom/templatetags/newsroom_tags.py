import json

from django import template
from django.template import Context
from django.template.base import FilterExpression
from django.utils.html import format_html
from django.utils.safestring import SafeString
from wagtail.images.models import Picture
from wagtail.images.shortcuts import get_renditions_or_not_found
from wagtail.models import Page, Site

from newsroom import structured_data
from newsroom.models import ArticlePage, NewsImage, Topic
from newsroom.pictures import (
    READER_PICTURES,
    SharedPicture,
    picture_specs,
    reader_filters,
    shared_picture,
)
from newsroom.reader_cache import kept_fragment

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
    renditions = get_renditions_or_not_found(image, reader_filters(specs))
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


class KeptFragmentNode(template.Node):
    def __init__(
        self,
        nodelist: template.NodeList,
        name: FilterExpression,
        family: FilterExpression,
        object_id: FilterExpression,
        prepare: FilterExpression | None,
    ) -> None:
        self.nodelist, self.name, self.family = nodelist, name, family
        self.object_id, self.prepare = object_id, prepare

    def render(self, context: Context) -> str:
        name, family = self.name.resolve(context), self.family.resolve(context)
        object_id = self.object_id.resolve(context)
        prepare = self.prepare.resolve(context) if self.prepare is not None else None

        def render() -> str:
            if prepare is not None:
                prepare.prepare_for_reading()
            return self.nodelist.render(context)

        families = [f"{part}:{object_id}" for part in family.split()]
        html = kept_fragment(context["request"], f"{name}:{object_id}", families, render)
        return SafeString(html)


@register.tag("kept_fragment")
def do_kept_fragment(parser: template.base.Parser, token: template.base.Token) -> KeptFragmentNode:
    """``{% kept_fragment "article-body" "article related" page.pk prepare=page %}…
    {% endkept_fragment %}``: the enclosed HTML kept while the families ``article:<pk>`` and
    ``related:<pk>`` hold (`newsroom.reader_cache.kept_fragment`). ``prepare`` names an
    object whose ``prepare_for_reading()`` is called before the enclosed part is rendered,
    and only then: the reads it needs are not made when the part is kept."""
    bits = token.split_contents()
    prepare = None
    if bits[-1].startswith("prepare="):
        prepare = parser.compile_filter(bits.pop().removeprefix("prepare="))
    if len(bits) != 4:
        raise template.TemplateSyntaxError(
            f"{bits[0]} takes a name, families and an id, e.g. "
            '{% kept_fragment "article-body" "article" page.pk %}'
        )
    nodelist = parser.parse(("endkept_fragment",))
    parser.delete_first_token()
    name, family, object_id = (parser.compile_filter(bit) for bit in bits[1:])
    return KeptFragmentNode(nodelist, name, family, object_id, prepare)
