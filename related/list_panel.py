"""The "Related" tab of the article editor: the list as ranked now, with its reasons."""

from typing import Any

from wagtail.admin.panels import Panel

from related.models import RelatedArticle


class RelatedListPanel(Panel):
    """Read-only: what readers see under “À lire sur le même thème”, and why. Editors change
    it with the pins and exclusions below it, which take effect on publication."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "related/admin/related_list_panel.html"

        def get_context_data(self, parent_context: dict[str, Any] | None = None) -> dict[str, Any]:
            context = super().get_context_data(parent_context)
            page = self.instance
            context["entries"] = (
                RelatedArticle.objects.filter(article_id=page.pk)
                .select_related("candidate")
                .order_by("rank")
                if page.pk
                else []
            )
            return context
