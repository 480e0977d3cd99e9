"""Admin menus for the newsroom's snippets, grouped under “Rédaction”, and the families
each reader page is cached under (`newsroom.reader_cache`)."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.models import Page
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from newsroom import task_queue_admin  # noqa: F401 - its hooks: the task queue in the admin
from newsroom.models import ArticlePage, Author, HomePage, SectionPage, Source, Topic
from newsroom.reader_cache import depends_on


class AuthorViewSet(SnippetViewSet):
    model = Author
    icon = "user"
    list_display = ["name", "role"]
    search_fields = ["name"]


class SourceViewSet(SnippetViewSet):
    model = Source
    icon = "globe"
    list_display = ["name", "licence", "licence_terms"]
    list_filter = ["licence", "language"]
    search_fields = ["name"]


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    list_display = ["name", "iptc_qcode"]
    search_fields = ["name"]


class NewsroomViewSetGroup(SnippetViewSetGroup):
    items = (AuthorViewSet, SourceViewSet, TopicViewSet)
    menu_icon = "doc-full"
    menu_label = _("Newsroom")
    menu_name = "newsroom"


register_snippet(NewsroomViewSetGroup)


@hooks.register("before_serve_page")
def name_page_families(page: Page, request: HttpRequest, args: Any, kwargs: Any) -> None:
    """An article is ``article:<id>``, a section ``section:<id>``, la une ``home`` and a topic
    page (la une's route ``sujets/<slug>/``: args are view, args, kwargs) ``topic:<slug>``."""
    if isinstance(page, ArticlePage):
        depends_on(request, f"article:{page.pk}")
    elif isinstance(page, SectionPage):
        depends_on(request, f"section:{page.pk}")
    elif isinstance(page, HomePage):
        route_kwargs = args[2] if len(args) > 2 and isinstance(args[2], dict) else {}
        slug = route_kwargs.get("slug")
        depends_on(request, f"topic:{slug}" if slug else "home")
    else:
        depends_on(request, f"page:{page.pk}")
