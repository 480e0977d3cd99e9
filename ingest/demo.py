"""Demo articles for a fresh install, written by ingest's one writer (issue #13).

`load_demo_content()` runs on every `make run` (through `setup_newsroom`). It creates only what
is missing and never changes an existing page, snippet or site: as soon as one article exists,
whoever wrote it, no demo article is added. The articles' text is in
`newsroom.demo_content.articles`; each becomes an `ExtractedArticle` for `create_article`,
with the headings and quotes an extracted item cannot carry given as blocks, and its picture
drawn from its slug (`newsroom.demo_content.pictures`) and checked as a partner's would be.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from wagtail.rich_text import RichText

from ingest.images import FetchedPicture, PartnerPictures, check_picture
from ingest.writing import create_article
from newsroom.article import Dateline, ExtractedArticle, Image, SourceCredit
from newsroom.demo_content import (
    AUTHORS,
    DEMO_ARTICLES,
    SOURCES,
    TOPICS,
    ensure_site_tree,
)
from newsroom.demo_content.articles import DemoArticle, Heading, Paragraph, Quote, ReadAlso
from newsroom.demo_content.pictures import demo_picture
from newsroom.models import ArticlePage, Author, SectionPage, Source, Topic


@dataclass(frozen=True)
class DemoReport:
    home_created: bool = False
    sections_created: int = 0
    articles_created: int = 0

    def __str__(self) -> str:
        if not (self.home_created or self.sections_created or self.articles_created):
            return "Demo content already present: nothing changed"
        home = "home page, " if self.home_created else ""
        return (
            f"Demo content: {home}{self.sections_created} sections, "
            f"{self.articles_created} articles created"
        )


@transaction.atomic
def load_demo_content() -> DemoReport:
    """The site tree, then the demo articles if the site has no article at all."""
    tree = ensure_site_tree()
    articles_created = 0
    if not ArticlePage.objects.exists():
        now = timezone.now().replace(second=0, microsecond=0)
        articles_created = _create_demo_articles(tree.sections, now=now)
    return DemoReport(
        home_created=tree.home_created,
        sections_created=tree.sections_created,
        articles_created=articles_created,
    )


def _create_demo_articles(sections: dict[str, SectionPage], *, now: datetime.datetime) -> int:
    authors = {
        spec.slug: Author.objects.get_or_create(
            slug=spec.slug, defaults={"name": spec.name, "role": spec.role, "bio": spec.bio}
        )[0]
        for spec in AUTHORS
    }
    sources = {
        spec.name: Source.objects.get_or_create(
            name=spec.name,
            defaults={
                "description": spec.description,
                "url": spec.url,
                "language": spec.language,
                "licence": spec.licence,
                "licence_terms": spec.licence_terms,
            },
        )[0]
        for spec in SOURCES
    }
    topics = {
        spec.slug: Topic.objects.get_or_create(
            slug=spec.slug, defaults={"name": spec.name, "iptc_qcode": spec.iptc_qcode}
        )[0]
        for spec in TOPICS
    }
    published: dict[str, ArticlePage] = {}
    for spec in DEMO_ARTICLES:
        page, _warnings = create_article(
            _demo_article(spec, now=now),
            section=sections[spec.section],
            source=sources.get(spec.source),
            publish=True,
            slug=spec.slug,
            body=[_body_block(block, published) for block in spec.body],
            pictures=_picture(spec.slug),
            authors=[authors[slug] for slug in spec.authors],
            topics=[topics[slug] for slug in spec.topics],
            countries=list(spec.countries),
            is_demo_content=True,
            first_published_at=now - datetime.timedelta(hours=spec.hours_ago),
        )
        published[spec.slug] = page
    return len(published)


def _picture(slug: str) -> PartnerPictures:
    drawn = demo_picture(slug)
    checked = check_picture(drawn.content, declared="image/jpeg", url=slug)
    image = Image(url="", caption=drawn.caption, credit=drawn.credit)
    return PartnerPictures((FetchedPicture(image=image, content=drawn.content, checked=checked),))


def _demo_article(spec: DemoArticle, *, now: datetime.datetime) -> ExtractedArticle:
    published_at = now - datetime.timedelta(hours=spec.hours_ago)
    dateline_date = spec.dateline_date
    if dateline_date is None and spec.places:
        dateline_date = timezone.localdate(published_at)
    return ExtractedArticle(
        title=spec.title,
        kicker=spec.kicker,
        standfirst=spec.standfirst,
        dateline=Dateline(places=tuple(spec.places), date=dateline_date)
        if spec.places or dateline_date
        else None,
        body=tuple(block.text for block in spec.body if isinstance(block, Paragraph)),
        source=SourceCredit(
            outlet=spec.source or "", author=spec.source_author, url=spec.source_url
        ),
        language="fr",
        published=published_at,
        format="demo",
    )


def _body_block(
    block: Paragraph | Heading | Quote | ReadAlso, published: dict[str, ArticlePage]
) -> tuple[str, Any]:
    match block:
        case Paragraph(text=text):
            return ("paragraph", RichText(f"<p>{escape(text)}</p>"))
        case Heading(text=text):
            return ("heading", text)
        case Quote(text=text, speaker=speaker):
            return ("quote", {"text": text, "speaker": speaker})
        case ReadAlso(slug=slug):
            return ("read_also", {"article": published[slug], "title": "", "url": None})
    raise TypeError(block)
