"""Demo content for a fresh install: la une, its rubriques and a few fictional articles.

`load_demo_content()` runs on every `make run` (through `setup_newsroom`). It creates only what
is missing and never changes an existing page, snippet or site: as soon as one article exists,
whoever wrote it, no demo article is added.
"""

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from wagtail.models import Page, Site
from wagtail.rich_text import RichText

from newsroom.models import (
    ArticleDatelinePlace,
    ArticlePage,
    Author,
    HomePage,
    SectionPage,
    Source,
    Topic,
)

from .articles import (
    AUTHORS,
    DEMO_ARTICLES,
    SECTIONS,
    SEED_LIKE_ARTICLE_SLUG,
    SOURCES,
    TOPICS,
    DemoArticle,
    Heading,
    Paragraph,
    Quote,
    ReadAlso,
)

__all__ = [
    "SECTIONS",
    "SEED_LIKE_ARTICLE_SLUG",
    "DemoReport",
    "SiteTree",
    "ensure_site_tree",
    "load_demo_content",
]

SITE_NAME = "Mena News"
HOME_SLUG = "une"
WAGTAIL_WELCOME_TITLE = "Welcome to your new Wagtail site!"


@dataclass(frozen=True)
class SiteTree:
    home: HomePage
    sections: dict[str, SectionPage]
    """Section pages by slug."""
    home_created: bool
    sections_created: int


@dataclass(frozen=True)
class DemoReport:
    home_created: bool = False
    sections_created: int = 0
    articles_created: int = 0

    def __str__(self):
        if not (self.home_created or self.sections_created or self.articles_created):
            return "Demo content already present: nothing changed"
        home = "home page, " if self.home_created else ""
        return (
            f"Demo content: {home}{self.sections_created} sections, "
            f"{self.articles_created} articles created"
        )


@transaction.atomic
def ensure_site_tree() -> SiteTree:
    """La une under the Wagtail root, served by the default site, with the five rubriques."""
    home = HomePage.objects.first()
    home_created = home is None
    if home_created:
        home = Page.get_first_root_node().add_child(
            instance=HomePage(title=SITE_NAME, slug=HOME_SLUG)
        )
        home.save_revision().publish()
    _serve_from_default_site(home)
    _delete_wagtail_welcome_page()

    existing = {section.slug: section for section in SectionPage.objects.child_of(home)}
    sections = {}
    for spec in SECTIONS:
        section = existing.get(spec.slug)
        if section is None:
            section = home.add_child(
                instance=SectionPage(
                    title=spec.title,
                    slug=spec.slug,
                    intro=f"<p>{escape(spec.intro)}</p>",
                    show_in_menus=True,
                )
            )
            section.save_revision().publish()
        sections[spec.slug] = section
    return SiteTree(
        home=home,
        sections=sections,
        home_created=home_created,
        sections_created=sum(1 for slug in sections if slug not in existing),
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


def _serve_from_default_site(home):
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        if not Site.objects.exists():
            Site.objects.create(
                hostname="localhost",
                port=80,
                site_name=SITE_NAME,
                root_page=home,
                is_default_site=True,
            )
        return
    # Only Wagtail's placeholder is replaced: a site an editor configured stays as it is.
    if site.root_page_id != home.pk and _is_wagtail_welcome_page(site.root_page):
        site.root_page = home
        site.site_name = site.site_name or SITE_NAME
        site.save()


def _delete_wagtail_welcome_page():
    for page in Page.objects.filter(depth=2, title=WAGTAIL_WELCOME_TITLE):
        if _is_wagtail_welcome_page(page) and not Site.objects.filter(root_page=page).exists():
            page.delete()


def _is_wagtail_welcome_page(page):
    return (
        page.depth == 2
        and page.title == WAGTAIL_WELCOME_TITLE
        and page.numchild == 0
        and page.content_type_id == ContentType.objects.get_for_model(Page).pk
    )


def _create_demo_articles(sections, *, now):
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
    published = {}
    for spec in DEMO_ARTICLES:
        page = _article_page(spec, published, now=now, source=sources.get(spec.source))
        page.authors = [authors[slug] for slug in spec.authors]
        page.topics = [topics[slug] for slug in spec.topics]
        sections[spec.section].add_child(instance=page)
        page.save_revision().publish()
        published[spec.slug] = page
    return len(published)


def _article_page(spec: DemoArticle, published, *, now, source):
    published_at = now - datetime.timedelta(hours=spec.hours_ago)
    dateline_date = spec.dateline_date
    if dateline_date is None and spec.places:
        dateline_date = timezone.localdate(published_at)
    return ArticlePage(
        title=spec.title,
        slug=spec.slug,
        kicker=spec.kicker,
        standfirst=spec.standfirst,
        dateline_date=dateline_date,
        dateline_places=[ArticleDatelinePlace(name=place) for place in spec.places],
        body=[_body_block(block, published) for block in spec.body],
        source=source,
        source_author=spec.source_author,
        source_url=spec.source_url,
        countries=list(spec.countries),
        is_demo_content=True,
        first_published_at=published_at,
    )


def _body_block(block, published):
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
