"""The “À lire :” box of the article editor: earlier articles about the paragraph being written."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import Panel


class ReadAlsoSuggestionsPanel(Panel):
    """Suggestions for the paragraph of `field_name` (a StreamField) that has the cursor.

    The script sends the paragraph to the `related_read_also` endpoint and offers to insert a
    "Read also" block choosing the article right after that paragraph.
    """

    def __init__(self, field_name: str = "body", **kwargs: Any) -> None:
        kwargs.setdefault("heading", _("Read also: suggestions"))
        super().__init__(**kwargs)
        self.field_name = field_name

    def clone_kwargs(self) -> dict[str, Any]:
        kwargs = super().clone_kwargs()
        kwargs["field_name"] = self.field_name
        return kwargs

    class BoundPanel(Panel.BoundPanel):
        template_name = "related/admin/read_also_panel.html"

        class Media:
            js = ["related/read_also.js"]
            css = {"all": ["related/read_also.css"]}

        def get_context_data(self, parent_context: dict[str, Any] | None = None) -> dict[str, Any]:
            context = super().get_context_data(parent_context)
            # Wagtail's StreamField widget takes the field's name (not auto_id) as its id.
            field = self.form[self.panel.field_name] if self.form is not None else None
            context.update(
                endpoint=reverse("related_read_also"),
                page_id=self.instance.pk or "",
                field_id=field.html_name if field is not None else self.panel.field_name,
            )
            return context
