"""The suggestions tab of the article editor: what enrichment found, and its status."""

from typing import Any

from django.urls import reverse
from wagtail.admin.panels import Panel

from enrichment.models import ArticleCountry, ArticleEntity, ArticleTopic, Quote


class SuggestionsPanel(Panel):
    """Read-only summary in the edit view; decisions are made on the review page it links to
    (forms cannot nest inside the page editor's own form)."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "enrichment/admin/suggestions_panel.html"

        def get_context_data(self, parent_context: dict[str, Any] | None = None) -> dict[str, Any]:
            context = super().get_context_data(parent_context)
            page = self.instance
            if not page.pk:
                context["unsaved"] = True
                return context
            context.update(
                entities=ArticleEntity.objects.filter(article=page).select_related("entity"),
                topics=ArticleTopic.objects.filter(article=page).select_related("topic"),
                countries=ArticleCountry.objects.filter(article=page),
                quotes=Quote.objects.filter(article=page),
                review_url=reverse("enrichment_review", args=[page.pk]),
            )
            return context
