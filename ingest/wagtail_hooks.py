"""Admin for ingest: the feeds with their health, and the failures editors should see."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from ingest.models import IngestFailure, SourceFeed


class IdleColumn(BooleanColumn):
    def get_value(self, instance):
        return instance.is_idle()


class SourceFeedViewSet(SnippetViewSet):
    model = SourceFeed
    icon = "download"
    menu_label = _("Source feeds")
    list_display = [
        "source",
        Column("url", label=_("URL")),
        "section",
        DateColumn("last_success_at", label=_("Last success")),
        DateColumn("last_error_at", label=_("Last error")),
        Column("items_ingested", label=_("Items")),
        IdleColumn("is_idle", label=_("Idle")),
    ]
    list_filter = ["is_active", "source"]


class IngestFailureViewSet(SnippetViewSet):
    model = IngestFailure
    icon = "warning"
    menu_label = _("Ingest failures")
    list_display = ["code", "item", "message", DateColumn("created_at", label=_("When"))]
    list_filter = ["code", "feed"]
    inspect_view_enabled = True


class IngestViewSetGroup(SnippetViewSetGroup):
    items = (SourceFeedViewSet, IngestFailureViewSet)
    menu_icon = "download"
    menu_label = _("Ingest")
    menu_name = "ingest"


register_snippet(IngestViewSetGroup)
