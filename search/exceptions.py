"""What can go wrong with a reader's search: a stable code and a message the reader can act on."""

from django.utils.translation import gettext_lazy as _

from newsroom.exceptions import DomainError


class SearchError(DomainError):
    """A search the service refuses; the search form checks the same rules first."""

    code = "search_error"


class QueryTooLong(SearchError):
    code = "query_too_long"
    default_message = _("Your search is too long: at most %(limit)d characters.")


class DatesReversed(SearchError):
    code = "dates_reversed"
    default_message = _("The start date comes after the end date.")


class UnknownSort(SearchError):
    code = "unknown_sort"
    default_message = _("Unknown order “%(sort)s”: choose relevance or date.")


def query_too_long(limit: int) -> SearchError:
    return QueryTooLong(limit=limit)


def dates_reversed() -> SearchError:
    return DatesReversed()


def unknown_sort(sort: str) -> SearchError:
    return UnknownSort(sort=sort)
