"""The readers' search page: /recherche/?q=…&section=…&country=…&topic=…&entity=…&from=…&to=…"""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_countries import countries

from search.exceptions import SearchError
from search.forms import SearchForm
from search.services import RESULTS_PER_PAGE, load_hits, search_articles

TEMPLATE = "search/search_page.html"


def search_page(request: HttpRequest) -> HttpResponse:
    """The form, then one page of results; a bad parameter is explained, with status 400."""
    form = SearchForm(request.GET)
    valid = form.is_valid()
    context = {
        "form": form,
        "results": None,
        "countries": list(countries),
        "selected_country": (form.data.get("country") or "").strip().upper(),
        "chosen_entity": form.cleaned_data.get("entity") if valid else None,
    }
    if not valid:
        return render(request, TEMPLATE, context, status=400)
    if not form.cleaned_data["q"] and not form.has_filters():
        return render(request, TEMPLATE, context)  # the form and its hint
    try:
        results = search_articles(**form.search_arguments())
    except SearchError as error:  # the form checks the same rules; kept for safety
        form.add_error(None, error.message)
        return render(request, TEMPLATE, context, status=400)
    page_obj = Paginator(results.ranked, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    context.update(
        results=results,
        page_obj=page_obj,
        hits=load_hits(results, page_obj.object_list),
        feed_query=_feed_query(request),
    )
    return render(request, TEMPLATE, context)


def _feed_query(request: HttpRequest) -> str:
    """The query string of this search without its page and order, for the RSS link."""
    parameters = request.GET.copy()
    parameters.pop("page", None)
    parameters.pop("sort", None)  # a feed is always newest first
    return parameters.urlencode()
