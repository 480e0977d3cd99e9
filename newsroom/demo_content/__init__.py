"""The site tree of a fresh install (la une and its rubriques) and the demo articles' text.

`ensure_site_tree()` creates only what is missing. The demo articles themselves are written
by ingest's one writer (`ingest.demo.load_demo_content`, issue #13): this package only holds
their text (`articles.py`), so the content model stays at the bottom layer.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.html import escape
from wagtail.models import Page, Site

from newsroom.models import HomePage, SectionPage
from newsroom.site_address import site_address

from .articles import AUTHORS, DEMO_ARTICLES, SECTIONS, SEED_LIKE_ARTICLE_SLUG, SOURCES, TOPICS

__all__ = [
    "AUTHORS",
    "DEMO_ARTICLES",
    "SECTIONS",
    "SEED_LIKE_ARTICLE_SLUG",
    "SOURCES",
    "TOPICS",
    "SiteTree",
    "ensure_site_tree",
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


def _serve_from_default_site(home: HomePage) -> None:
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        if not Site.objects.exists():
            # At the site's public address, as set-up gives it to an existing Site (issue #14).
            hostname, port = site_address(settings.ROTATIVE_BASE_URL)
            Site.objects.create(
                hostname=hostname,
                port=port,
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


def _delete_wagtail_welcome_page() -> None:
    for page in Page.objects.filter(depth=2, title=WAGTAIL_WELCOME_TITLE):
        if _is_wagtail_welcome_page(page) and not Site.objects.filter(root_page=page).exists():
            page.delete()


def _is_wagtail_welcome_page(page: Page) -> bool:
    return (
        page.depth == 2
        and page.title == WAGTAIL_WELCOME_TITLE
        and page.numchild == 0
        and page.content_type_id == ContentType.objects.get_for_model(Page).pk
    )
