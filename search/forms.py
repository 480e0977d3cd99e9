"""The search form: what a reader may ask, checked before anything is searched.

The page, its RSS feed and `manage.py search` all read their parameters through this form,
so a bad section or date gets the same message everywhere. Every parameter is cleaned first
(`clean_text`): a control character in `?q=` used to reach the feed's title and answer 500
(issue #12, item 2).
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from enrichment.models import Entity
from newsroom.models import SectionPage, Topic
from newsroom.text import clean_text
from search.services import MAX_QUERY_LENGTH, SORTS

# The date fields are "from" and "to" in the URL (`?from=2024-01-01`), words Python reserves.
PARAMETER_NAMES = {"date_from": "from", "date_to": "to"}
FILTERS = ("section", "country", "topic", "entity", "date_from", "date_to")


class SlugChoiceField(forms.ModelChoiceField):
    """A record chosen by its slug; an unknown slug is named in the error."""

    def __init__(self, queryset, *, unknown, **kwargs):
        super().__init__(queryset, to_field_name="slug", required=False, **kwargs)
        self.error_messages["invalid_choice"] = unknown


class CountryCodeField(forms.CharField):
    """An ISO 3166 code, any case: "eg" → "EG"."""

    def clean(self, value):
        value = super().clean(value).strip().upper()
        if value and value not in countries:
            raise forms.ValidationError(
                _("Unknown country: %(value)s."), code="invalid_choice", params={"value": value}
            )
        return value or None


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Words to search for"),
        required=False,
        strip=True,
        max_length=MAX_QUERY_LENGTH,
        error_messages={
            "max_length": _("Your search is too long: at most %(limit_value)d characters.")
        },
    )
    section = SlugChoiceField(
        SectionPage.objects.none(),  # set per form: public() reads the restrictions
        label=_("Section"),
        unknown=_("Unknown section: %(value)s."),
    )
    country = CountryCodeField(label=_("Country"), required=False, max_length=2)
    topic = SlugChoiceField(
        Topic.objects.order_by("name"), label=_("Topic"), unknown=_("Unknown topic: %(value)s.")
    )
    entity = SlugChoiceField(
        Entity.objects.select_related("merged_into"),
        label=_("Person, organisation or place"),
        unknown=_("Unknown person, organisation or place: %(value)s."),
    )
    date_from = forms.DateField(
        label=_("Published since"),
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": _("Enter a date as YYYY-MM-DD, e.g. 2024-05-10.")},
    )
    date_to = forms.DateField(
        label=_("Published until"),
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": _("Enter a date as YYYY-MM-DD, e.g. 2024-05-10.")},
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[("relevance", _("relevance")), ("date", _("date"))],
        error_messages={"invalid_choice": _("Unknown order: choose relevance or date.")},
    )

    def __init__(self, data=None, *args, **kwargs):
        if data is not None:
            data = _cleaned_parameters(data)
        super().__init__(data, *args, **kwargs)
        self.fields["section"].queryset = SectionPage.objects.live().public().order_by("path")

    def add_prefix(self, field_name):
        return super().add_prefix(PARAMETER_NAMES.get(field_name, field_name))

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            raise forms.ValidationError(
                _("The start date comes after the end date."), code="dates_reversed"
            )
        return cleaned

    def has_filters(self) -> bool:
        return any(self.cleaned_data.get(name) for name in FILTERS)

    def search_arguments(self) -> dict:
        """The keyword arguments of `search_articles`, from a valid form."""
        data = self.cleaned_data
        arguments = {name: data.get(name) or None for name in FILTERS}
        arguments["query"] = data.get("q", "")
        arguments["sort"] = data.get("sort") or SORTS[0]
        return arguments


def _cleaned_parameters(data):
    """A copy of the query string (a QueryDict or a dict) with every value cleaned."""
    if hasattr(data, "lists"):
        cleaned = data.copy()
        for name, values in data.lists():
            cleaned.setlist(name, [clean_text(value) for value in values])
        return cleaned
    return {
        name: clean_text(value) if isinstance(value, str) else value for name, value in data.items()
    }
