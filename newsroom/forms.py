"""Admin forms that clean what an editor submits before it is saved.

Text pasted from a wire, a PDF or a terminal carries control characters and decomposed
accents. Ingest cleans partner copy at its boundary (`newsroom.article`); the admin is the
other door into the database, so every text an editor submits goes through the same `clean_text`
(issue #12, item 2): plain fields, rich text, every block of a StreamField and the rows of
inline panels (dateline places).
"""

from typing import Any

from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm
from wagtail.admin.forms.models import WagtailAdminModelFormMetaclass
from wagtail.blocks import StreamValue, StructValue
from wagtail.blocks.list_block import ListValue
from wagtail.rich_text import RichText

from newsroom.text import clean_text


def cleaned_block_value(value: Any) -> Any:
    """A StreamField (or block) value with the text of every block in it cleaned.

    Streams, lists and structs are cleaned in place, child by child; chosen pages, images
    and other records are left as they are.
    """
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, RichText):
        return RichText(clean_text(value.source))
    if isinstance(value, StreamValue | ListValue):
        children = value if isinstance(value, StreamValue) else value.bound_blocks
        for child in children:
            child.value = cleaned_block_value(child.value)
    elif isinstance(value, StructValue):
        for name, item in value.items():
            value[name] = cleaned_block_value(item)
    return value


class TextCleaningMixin:
    """Cleans every value an editor submits before the fields validate it."""

    def _widget_data_value(self, widget: Any, html_name: str) -> Any:
        # The one place where submitted data becomes a field's value. Cleaning here, before
        # validation, drops an invisible NUL pasted into a title instead of refusing it with
        # an error whose cause the editor cannot see.
        # Django's private BaseForm._widget_data_value, which django-stubs does not declare.
        value = super()._widget_data_value(widget, html_name)  # type: ignore[misc]
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return [clean_text(item) for item in value]
        return cleaned_block_value(value)


class CleanTextFormMetaclass(WagtailAdminModelFormMetaclass):
    """Gives the rows of every inline panel the same cleaning as the form that holds them.

    modelcluster builds each inline formset's form from its own base (Wagtail's model form,
    or one `get_form_for_model` makes for deferred validation), so the mixin is added to
    whichever form each formset ended up with.
    """

    def __new__(
        cls, name: str, bases: tuple[type, ...], attrs: dict[str, Any]
    ) -> "CleanTextFormMetaclass":
        new_class = super().__new__(cls, name, bases, attrs)
        for formset_name, formset in getattr(new_class, "formsets", {}).items():
            if not issubclass(formset.form, TextCleaningMixin):
                row_form = type(formset.form)(
                    formset.form.__name__, (TextCleaningMixin, formset.form), {}
                )
                new_class.formsets[formset_name] = type(
                    formset.__name__, (formset,), {"form": row_form}
                )
        return new_class


class CleanTextPageForm(TextCleaningMixin, WagtailAdminPageForm, metaclass=CleanTextFormMetaclass):
    """The base form of every page type (`base_form_class`)."""


class CleanTextSnippetForm(
    TextCleaningMixin, WagtailAdminModelForm, metaclass=CleanTextFormMetaclass
):
    """The base form for snippets (authors, sources, topics), as their `base_form_class`."""
