import json

from django import template
from django.template import Context
from django.utils.html import format_html
from django.utils.safestring import SafeString
from wagtail.models import Page, Site

from newsroom import structured_data
from newsroom.models import ArticlePage, Topic

register = template.Library()

# The characters that could close the <script> element or open a comment inside it.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def article_json_ld(context: Context, article: ArticlePage) -> SafeString:
    """A <script type="application/ld+json"> holding the article's NewsArticle data."""
    data = structured_data.news_article(article, context["request"])
    payload = json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', SafeString(payload))


@register.simple_tag(takes_context=True)
def full_url(context: Context, page: Page) -> str:
    return page.get_full_url(request=context["request"])


@register.simple_tag(takes_context=True)
def topic_url(context: Context, topic: Topic) -> str:
    """The reader URL of a topic page, served by the site's home page."""
    home = Site.find_for_request(context["request"]).root_page.specific
    return home.url + home.reverse_subpage("topic", args=[topic.slug])
