"""The blocks an article body is made of."""

import re
from collections.abc import Iterable, Mapping
from html import unescape
from html.parser import HTMLParser
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

PARAGRAPH_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul"]


class QuoteBlock(blocks.StructBlock):
    """A quotation with the person who said it (« … », a dit X)."""

    text = blocks.TextBlock(label=_("quotation"))
    speaker = blocks.CharBlock(label=_("speaker"), required=False, max_length=200)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "newsroom/blocks/quote.html"


class ReadAlsoBlock(blocks.StructBlock):
    """An inline “À lire :” link, to one of our articles or, failing that, to a URL."""

    article = blocks.PageChooserBlock(
        label=_("article"), page_type="newsroom.ArticlePage", required=False
    )
    title = blocks.CharBlock(
        label=_("title"),
        required=False,
        max_length=300,
        help_text=_("Leave empty to use the article's headline."),
    )
    url = blocks.URLBlock(label=_("external link"), required=False)

    class Meta:
        icon = "link"
        label = _("Read also")
        template = "newsroom/blocks/read_also.html"

    def clean(self, value: blocks.StructValue) -> blocks.StructValue:
        """An article, or a title: with a link it points there; alone it waits (issue #14).

        A title alone is what a partner's "A lire : …" line gives when we have no article of
        that name yet: the editor may save it as it is (readers see nothing of it) and the
        related app links it once an article with that title is published.
        """
        value = super().clean(value)
        if not value.get("article") and not value.get("title"):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "article": ValidationError(
                        _(
                            "Choose an article, or give its title: alone, it is linked "
                            "once an article with that title is published."
                        )
                    )
                }
            )
        return value

    def get_context(
        self, value: blocks.StructValue, parent_context: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        context = super().get_context(value, parent_context=parent_context)
        article = value.get("article")
        # A link to an unpublished article would lead readers to a 404: fall back to the URL.
        if article is not None and article.live:
            context["link_url"] = article.url
            context["link_title"] = value.get("title") or article.title
        elif value.get("url"):
            context["link_url"] = value["url"]
            context["link_title"] = value.get("title")
        return context


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=300)
    credit = blocks.CharBlock(label=_("credit"), required=False, max_length=200)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "newsroom/blocks/image.html"


class ArticleBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        label=_("Paragraph"), features=PARAGRAPH_FEATURES, template="newsroom/blocks/paragraph.html"
    )
    heading = blocks.CharBlock(
        label=_("Heading"), max_length=200, template="newsroom/blocks/heading.html"
    )
    quote = QuoteBlock()
    read_also = ReadAlsoBlock()
    image = ImageBlock()
    embed = EmbedBlock(label=_("Embed"), template="newsroom/blocks/embed.html")


class _ParagraphSplitter(HTMLParser):
    """Plain text of rich-text HTML, one entry per paragraph or line break."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self._current: list[str] = []

    def handle_data(self, data: str) -> None:
        self._current.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.flush()

    def handle_endtag(self, tag: str) -> None:
        if tag == "p":
            self.flush()

    def flush(self) -> None:
        text = "".join(self._current).strip()
        if text:
            self.paragraphs.append(text)
        self._current = []


def plain_paragraphs(body: blocks.StreamValue) -> list[str]:
    """The body's text as plain paragraphs, in reading order: paragraphs, headings, quotes.

    What enrichment, search, related articles and alerts read of an article; the one reading
    of a body (issue #13), parsed from the blocks rather than pattern-matched in HTML.

    It reads the blocks' stored form (`raw_data`: a paragraph's HTML, a heading's text, a
    quote's fields), as a page of search hits reads the bodies' JSON
    (`plain_paragraphs_of_data`): one reading for both.
    """
    return plain_paragraphs_of_data(body.raw_data)


def plain_paragraphs_of_data(body: Iterable[Mapping[str, Any]]) -> list[str]:
    """`plain_paragraphs` of a body as it is stored (the StreamField's JSON, parsed).

    A page of search results reads twenty bodies: building their blocks cost as much as
    reading their text (issue #15). The blocks' stored values are what their bound values
    give: a paragraph's HTML, a heading's text, a quote's fields.
    """
    paragraphs: list[str] = []
    for block in body:
        kind, value = block.get("type"), block.get("value")
        if kind == "paragraph":
            paragraphs.extend(_rich_text_paragraphs(value or ""))
        elif kind == "heading":
            paragraphs.append(str(value))
        elif kind == "quote":
            value = value or {}
            paragraphs.append(_quotation(value.get("text", ""), value.get("speaker")))
    return paragraphs


# Rich text that is only paragraphs of text and character references, "<p>…</p><p>…</p>",
# with white space between them: what most stored bodies hold.
_PLAIN_PARAGRAPHS = re.compile(r"(?:\s*<p>[^<]*</p>)*\s*")
_PARAGRAPH_TEXT = re.compile(r"<p>([^<]*)</p>")


def _rich_text_paragraphs(html: str) -> list[str]:
    """The paragraphs `_ParagraphSplitter` reads in rich-text HTML.

    Paragraphs of text alone are read without the parser, as it reads them (each one's
    text, references resolved, stripped; an empty one left out): the parser's calls, per
    tag and per piece of text, were most of the time a page of twenty search hits took
    to read its bodies (#15).
    """
    if _PLAIN_PARAGRAPHS.fullmatch(html):
        texts = (unescape(text).strip() for text in _PARAGRAPH_TEXT.findall(html))
        return [text for text in texts if text]
    splitter = _ParagraphSplitter()
    splitter.feed(html)
    splitter.close()
    splitter.flush()
    return splitter.paragraphs


def _quotation(text: str, speaker: str | None) -> str:
    return f"« {text} »" + (f", {speaker}" if speaker else "")


def read_also_links(body: blocks.StreamValue) -> list[tuple[int, str, str]]:
    """Each “À lire” block as (paragraphs before it, title, URL), titles as the page shows them."""
    links = []
    position = 0
    for block in body:
        if block.block_type == "paragraph":
            position += 1
        elif block.block_type == "read_also":
            target = block.value.get("article")
            title = block.value.get("title") or (target.title if target else "")
            url = target.url if target is not None else (block.value.get("url") or "")
            links.append((position, title, url or ""))
    return links
