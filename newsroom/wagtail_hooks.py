"""Admin menus for the newsroom's snippets, grouped under “Rédaction”."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from newsroom.models import Author, Source, Topic


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
