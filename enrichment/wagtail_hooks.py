"""Admin: the entities (curated gazetteer and names found in copy) and the review pages."""

from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from enrichment import admin_views
from enrichment.models import Entity
from enrichment.panels import SuggestionsPanel


class EntityViewSet(SnippetViewSet):
    model = Entity
    icon = "user"
    menu_label = _("Entities")
    add_to_admin_menu = True
    menu_order = 210
    list_display = ["name", "kind", "country", "key"]
    list_filter = ["kind"]
    search_fields = ["name"]


register_snippet(EntityViewSet)


@hooks.register("register_admin_urls")
def enrichment_admin_urls() -> list[URLPattern]:
    return [
        path("enrichment/articles/<int:page_id>/", admin_views.review, name="enrichment_review"),
        path(
            "enrichment/articles/<int:page_id>/decide/",
            admin_views.decide,
            name="enrichment_decide",
        ),
        path(
            "enrichment/articles/<int:page_id>/add-entity/",
            admin_views.add_entity,
            name="enrichment_add_entity",
        ),
        path(
            "enrichment/articles/<int:page_id>/rerun/", admin_views.rerun, name="enrichment_rerun"
        ),
    ]


@hooks.register("article_editor_tabs")
def suggestions_tab() -> list[ObjectList]:
    """The article editor's fourth tab: what enrichment suggests (entities, topics, countries,
    quotes)."""
    return [ObjectList([SuggestionsPanel()], heading=_("Suggestions"))]
