"""What can go wrong with a reader's search: a stable code and a message the reader can act on."""

from django.utils.translation import gettext_lazy as _


class SearchError(Exception):
    def __init__(self, message, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def query_too_long(limit: int) -> SearchError:
    return SearchError(
        _("Your search is too long: at most %(limit)d characters.") % {"limit": limit},
        code="query_too_long",
    )


def dates_reversed() -> SearchError:
    return SearchError(
        _("The start date comes after the end date."),
        code="dates_reversed",
    )


def unknown_sort(sort: str) -> SearchError:
    return SearchError(
        _("Unknown order “%(sort)s”: choose relevance or date.") % {"sort": sort},
        code="unknown_sort",
    )
