"""The page tree: la une (home), rubriques (sections) and articles."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db import models
from django.db.models import F, Q, Window, prefetch_related_objects
from django.db.models.functions import RowNumber, Substr
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import date as format_date
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail import hooks
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
    TitleFieldPanel,
)
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index
from wagtail.utils.decorators import cached_classmethod

from newsroom import kept_tree, restrictions
from newsroom.article import Dateline, ExtractedArticle, ReadAlso, SourceCredit
from newsroom.blocks import ArticleBodyBlock, plain_paragraphs, read_also_links
from newsroom.forms import CleanTextPageForm
from newsroom.restrictions import ViewRestrictionsReadOnce

from .routing import OneTypeOfChild
from .snippets import Topic

ARTICLES_PER_PAGE = 20


class ArticlePageQuerySet(PageQuerySet):
    """Read rules for articles, shared by pages, feeds, sitemaps and (later) digests."""

    def private_q(self) -> Q:
        """Wagtail's rule, with the restricted paths read once (`newsroom.restrictions`)."""
        return restrictions.private_q()

    def published(self) -> ArticlePageQuerySet:
        """Articles a reader may see, newest first."""
        return self.live().public().order_by("-first_published_at", "-pk")

    def for_listing(self) -> ArticlePageQuerySet:
        """What an article card needs, fetched in a fixed number of queries."""
        return self.select_related("lead_image", "source").prefetch_related(
            "dateline_places", "topics", "lead_image__renditions"
        )


ArticlePageManager = PageManager.from_queryset(ArticlePageQuerySet)


def paginate(
    request: HttpRequest, queryset: Any, per_page: int = ARTICLES_PER_PAGE
) -> PaginatorPage:
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


class HomePage(ViewRestrictionsReadOnce, RoutablePageMixin, OneTypeOfChild, Page):
    """La une: the lead story, then the latest articles of each section."""

    lead_article = models.ForeignKey(
        "newsroom.ArticlePage",
        verbose_name=_("lead story"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Leave empty to lead with the latest article."),
    )

    base_form_class = CleanTextPageForm
    content_panels = Page.content_panels + [FieldPanel("lead_article")]
    subpage_types = ["newsroom.SectionPage"]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def front_page_context(self, request: HttpRequest) -> dict[str, Any]:
        """The lead story and each section's latest four: la une's own page only (the topic
        pages routed here have no use for them). The sections come from the kept top of the
        tree (`newsroom.kept_tree`)."""
        articles = ArticlePage.objects.published().descendant_of(self).for_listing()
        lead = self.lead_article if self.lead_article and self.lead_article.live else None
        lead = lead or articles.first()
        sections = kept_tree.listed_sections(request, self)
        if sections is None:
            sections = list(SectionPage.objects.child_of(self).live().public())
        # Every section's latest four in one query (numbered within their section), not one
        # query and its prefetches per section: la une costs the same with 3 sections or 9.
        section_path = Substr("path", 1, (self.depth + 1) * self.steplen)
        latest = (
            articles.filter(depth=self.depth + 2)
            .exclude(pk=lead.pk if lead else None)
            .annotate(
                section_path=section_path,
                place=Window(
                    RowNumber(),
                    partition_by=section_path,
                    order_by=[F("first_published_at").desc(), F("pk").desc()],
                ),
            )
            .filter(place__lte=4)
        )
        by_section: dict[str, list[ArticlePage]] = {section.path: [] for section in sections}
        for article in latest:
            by_section.get(article.section_path, []).append(article)
        blocks = [(section, by_section[section.path]) for section in sections]
        return {"lead_article": lead, "section_blocks": blocks}

    @path("")
    def front_page(self, request: HttpRequest) -> HttpResponse:
        return self.render(request, context_overrides=self.front_page_context(request))

    @path("sujets/<slug:slug>/", name="topic")
    def topic_page(self, request: HttpRequest, slug: str) -> HttpResponse:
        """Every published article on one topic, newest first."""
        topic = get_object_or_404(Topic, slug=slug)
        articles = (
            ArticlePage.objects.published().descendant_of(self).filter(topics=topic).for_listing()
        )
        return self.render(
            request,
            template="newsroom/topic_page.html",
            context_overrides={"topic": topic, "articles": paginate(request, articles)},
        )


class SectionPage(ViewRestrictionsReadOnce, OneTypeOfChild, Page):
    """A rubrique (Maghreb, Golfe…): its articles, newest first, paginated."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    base_form_class = CleanTextPageForm
    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["newsroom.HomePage"]
    subpage_types = ["newsroom.ArticlePage"]

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        articles = ArticlePage.objects.published().child_of(self).for_listing()
        context["articles"] = paginate(request, articles)
        return context


class ArticlePage(ViewRestrictionsReadOnce, Page):
    """One article as the reader sees it, from kicker to the partner credit."""

    kicker = models.CharField(
        _("kicker"), max_length=200, blank=True, help_text=_("Surtitre shown above the headline.")
    )
    standfirst = models.TextField(
        _("standfirst"), help_text=_("Chapô: the opening summary, after the dateline.")
    )
    dateline_date = models.DateField(_("dateline date"), null=True, blank=True)
    updated_at = models.DateTimeField(
        _("updated at"),
        null=True,
        blank=True,
        help_text=_("Set when the article is substantially updated after publication."),
    )
    lead_image = models.ForeignKey(
        "newsroom.NewsImage",
        verbose_name=_("lead image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown above the body, in lists and when the article is shared."),
    )
    body = StreamField(ArticleBodyBlock(), verbose_name=_("body"), blank=True)
    authors = ParentalManyToManyField("newsroom.Author", verbose_name=_("authors"), blank=True)
    source = models.ForeignKey(
        "newsroom.Source",
        verbose_name=_("source outlet"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles",
    )
    source_author = models.CharField(
        _("original author"), max_length=200, blank=True, help_text=_("Who wrote the original.")
    )
    source_url = models.URLField(_("original URL"), max_length=500, blank=True)
    topics = ParentalManyToManyField("newsroom.Topic", verbose_name=_("topics"), blank=True)
    countries = CountryField(_("countries"), multiple=True, blank=True)
    is_demo_content = models.BooleanField(
        _("demo content"),
        default=False,
        help_text=_("Written to show the platform; not journalism. Shown as [Démo] in the admin."),
    )

    objects = ArticlePageManager()
    # Read with the article when a reader's request is routed to it (`OneTypeOfChild`): the
    # lead picture and the partner credit are on every article page.
    routed_with = ("lead_image", "source")

    base_form_class = CleanTextPageForm
    content_panels = [
        FieldPanel("kicker"),
        TitleFieldPanel("title"),
        MultiFieldPanel(
            [InlinePanel("dateline_places", label=_("place")), FieldPanel("dateline_date")],
            heading=_("Dateline"),
        ),
        FieldPanel("standfirst"),
        FieldPanel("lead_image"),
        FieldPanel("body"),
        FieldPanel("authors"),
        MultiFieldPanel(
            [
                FieldPanel("source"),
                FieldRowPanel([FieldPanel("source_author"), FieldPanel("source_url")]),
            ],
            heading=_("Partner credit"),
        ),
        MultiFieldPanel([FieldPanel("topics"), FieldPanel("countries")], heading=_("Tagging")),
    ]
    settings_panels = Page.settings_panels + [
        FieldPanel("first_published_at"),
        FieldPanel("updated_at"),
        FieldPanel("is_demo_content"),
    ]

    @cached_classmethod
    def get_edit_handler(cls) -> Any:
        """The editor's tabs, with what the apps above add to them.

        The newsroom knows nothing of the apps built on it (issue #13), so the panels of
        enrichment ("Suggestions" tab) and related articles ("Related" tab, the “À lire”
        box under the body) come through two Wagtail hooks: ``article_editor_body_panels``
        (panels shown right after the body) and ``article_editor_tabs`` (tabs after
        Settings); each returns a list.
        """
        content = []
        for panel in cls.content_panels:
            content.append(panel)
            if getattr(panel, "field_name", None) == "body":
                content.extend(_hooked("article_editor_body_panels"))
        tabs = [
            ObjectList(content, heading=_("Content")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(cls.settings_panels, heading=_("Settings")),
            *_hooked("article_editor_tabs"),
        ]
        return TabbedInterface(tabs, base_form_class=cls.base_form_class).bind_to_model(cls)

    search_fields = Page.search_fields + [
        index.SearchField("kicker"),
        index.SearchField("standfirst"),
        index.SearchField("body"),
        index.AutocompleteField("standfirst"),
        index.FilterField("first_published_at"),
        index.RelatedFields("topics", [index.SearchField("name")]),
        # The readers' search (search/): French stems without accents, entities' aliases.
        index.SearchField("search_title_terms", boost=3),
        index.SearchField("search_text_terms"),
    ]
    parent_page_types = ["newsroom.SectionPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def get_admin_display_title(self) -> str:
        title = super().get_admin_display_title()
        return f"[Démo] {title}" if self.is_demo_content else title

    @property
    def section(self) -> SectionPage | None:
        parent = self.get_parent()
        return parent.specific if parent else None

    @property
    def published_at(self) -> datetime | None:
        return self.first_published_at or self.last_published_at

    def dateline_text(self) -> str:
        """“Rome, Paris, 19 décembre 2022”: the places, then the date in French press style."""
        parts = [place.name for place in self.dateline_places.all()]
        if self.dateline_date:
            day = "1er" if self.dateline_date.day == 1 else str(self.dateline_date.day)
            parts.append(f"{day} {format_date(self.dateline_date, 'F Y')}")
        return ", ".join(parts)

    def body_paragraphs(self) -> list[str]:
        """The body as plain paragraphs, in reading order (see `plain_paragraphs`)."""
        return plain_paragraphs(self.body)

    def as_article(self) -> ExtractedArticle:
        """The article as the pipeline's one object, read from the page's own fields.

        Enrichment reads an article written in the admin through this; what the page does not
        record (the partner's declared language, its guid) ingest hands over beside it.
        The language stays empty for detection: the site's locale says nothing of the text,
        and a partner's `Source.language` is the original's, not necessarily ours.
        """
        places = tuple(place.name for place in self.dateline_places.all())
        return ExtractedArticle(
            title=self.title,
            kicker=self.kicker,
            standfirst=self.standfirst,
            dateline=Dateline(places=places, date=self.dateline_date) if places else None,
            body=tuple(self.body_paragraphs()),
            read_also=tuple(
                ReadAlso(title=title, url=url, position=position)
                for position, title, url in read_also_links(self.body)
            ),
            source=SourceCredit(
                outlet=self.source.name if self.source_id else "",
                author=self.source_author,
                url=self.source_url,
            ),
            published=self.published_at,
            byline=", ".join(author.name for author in self.authors.all()) if self.pk else "",
            format="page",
        )

    def search_title_terms(self) -> str:
        """The headline as the readers' search indexes it (hook ``article_search_title``)."""
        return " ".join(hook(self) for hook in hooks.get_hooks("article_search_title"))

    def search_text_terms(self) -> str:
        """The rest of the article as the readers' search indexes it (``article_search_text``)."""
        return " ".join(hook(self) for hook in hooks.get_hooks("article_search_text"))

    def prepare_for_reading(self) -> None:
        """Read at once, and once, the lists shown several times (meta tags, JSON-LD, the
        page), when a part of the page that shows them is rendered (``{% kept_fragment …
        prepare=page %}``). The lead picture's renditions too: found any other way, Wagtail
        writes each back to the cache on every render (13 file writes per article page)."""
        if not self.pk or getattr(self, "_prepared_for_reading", False):
            return
        prefetch_related_objects(
            [self], "topics", "authors", "dateline_places", "lead_image__renditions"
        )
        self._prepared_for_reading = True

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Reader-page context, with what the apps above add (hook ``article_page_context``,
        e.g. “À lire sur le même thème” from related articles)."""
        context = super().get_context(request, *args, **kwargs)
        for hook in hooks.get_hooks("article_page_context"):
            context.update(hook(self, request))
        return context


def _hooked(name: str) -> list[Any]:
    return [item for hook in hooks.get_hooks(name) for item in hook()]


class ArticleDatelinePlace(Orderable):
    """One place of an article's dateline, in the order it is printed."""

    page = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="dateline_places")
    name = models.CharField(_("place"), max_length=100)

    panels = [FieldPanel("name")]

    class Meta(Orderable.Meta):
        # Places written by code (ingest, imports, factories) have no sort_order; without a
        # tie-breaker PostgreSQL returned "Paris, Rome" for "(Rome, Paris, …)" at random.
        ordering = ["sort_order", "pk"]
        verbose_name = _("dateline place")
        verbose_name_plural = _("dateline places")

    def __str__(self) -> str:
        return self.name
