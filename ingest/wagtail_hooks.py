"""Admin for ingest: the feeds with their health, and the failures editors should see."""

from django.http import HttpRequest
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.models import Page
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from ingest import admin_views, updates
from ingest.models import IngestFailure, SourceFeed


def feed_health(feed: SourceFeed) -> str:
    """In words, not a bare True/False: what the list says to an editor and a screen reader."""
    if not feed.is_active:
        return gettext("Inactive")
    if feed.is_idle():
        return gettext("Idle: no success for three intervals")
    if feed.last_success_at is None:
        return gettext("Not yet succeeded")
    return gettext("Healthy")


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
        Column("health", label=_("Health"), accessor=feed_health),
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
    # Partner updates join the same menu (see partner_updates_menu_item below).
    submenu_hook = "register_ingest_menu_item"


register_snippet(IngestViewSetGroup)


@hooks.register("register_admin_urls")
def partner_update_urls() -> list[URLPattern]:
    return [
        path("ingest/partner-updates/", admin_views.index, name="ingest_partner_updates"),
        path(
            "ingest/partner-updates/<int:pending_id>/",
            admin_views.compare,
            name="ingest_partner_update",
        ),
        path(
            "ingest/partner-updates/<int:pending_id>/apply/",
            admin_views.apply,
            name="ingest_apply_partner_update",
        ),
        path(
            "ingest/partner-updates/<int:pending_id>/dismiss/",
            admin_views.dismiss,
            name="ingest_dismiss_partner_update",
        ),
    ]


@hooks.register("register_ingest_menu_item")
def partner_updates_menu_item() -> MenuItem:
    """Under Ingest, for every admin user: the list shows only the articles they may edit."""
    return MenuItem(
        _("Partner updates"), reverse("ingest_partner_updates"), icon_name="doc-full", order=3
    )


@hooks.register("before_edit_page")
def say_a_partner_update_waits(request: HttpRequest, page: Page) -> None:
    """The editor opening an article learns that a newer partner version waits for them."""
    if request.method != "GET":
        return
    pending = updates.pending_update_of(page)
    if pending is None:
        return
    messages.warning(
        request,
        gettext("A newer version from the partner is waiting: compare it and apply it or not."),
        buttons=[
            messages.button(reverse("ingest_partner_update", args=[pending.pk]), gettext("Compare"))
        ],
    )
