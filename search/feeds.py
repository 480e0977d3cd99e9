"""RSS feeds a reader follows: a search (/recherche/rss/?q=…) and an entity (/entites/<slug>/rss/).

Both are the site's article feed (newsroom.feeds.LatestArticlesFeed) with other items and
titles; items are newest first.
"""

from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from enrichment.merges import kept_record
from enrichment.models import Entity
from newsroom.feeds import FEED_SIZE, LatestArticlesFeed
from newsroom.models import ArticlePage
from search.forms import SearchForm
from search.services import search_articles


def _articles(results):
    """The articles of `results`, in their order."""
    ids = [item.article_id for item in results.ranked]
    pages = ArticlePage.objects.filter(pk__in=ids).select_related("source", "lead_image")
    pages = pages.prefetch_related("authors", "topics", "lead_image__renditions")
    by_id = {page.pk: page for page in pages}
    return [by_id[pk] for pk in ids if pk in by_id]


class SearchFeed(LatestArticlesFeed):
    """The newest articles matching a search, with the search page's filters."""

    def __call__(self, request, *args, **kwargs):
        form = SearchForm(request.GET)
        if not form.is_valid():
            messages = [message for errors in form.errors.values() for message in errors]
            return _bad_request(" ".join(messages))
        if not form.cleaned_data["q"] and not form.has_filters():
            return _bad_request(_("Give words to search for, or a filter."))
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request):
        super().get_object(request)
        form = SearchForm(request.GET)
        form.is_valid()  # checked in __call__
        return form

    def title(self, form):
        query = form.cleaned_data["q"]
        name = self.site.site_name if self.site else ""
        if not query:
            return _("%(site)s — search") % {"site": name}
        return _("%(site)s — search: %(query)s") % {"site": name, "query": query}

    def link(self, form):
        parameters = self.request.GET.copy()
        parameters.pop("page", None)
        return f"{reverse('search')}?{parameters.urlencode()}"

    def description(self, form):
        return _("The newest articles matching this search.")

    def items(self, form):
        arguments = {**form.search_arguments(), "sort": "date", "limit": FEED_SIZE}
        return _articles(search_articles(**arguments))


class EntityFeed(LatestArticlesFeed):
    """The newest articles tagged with one person, organisation or place."""

    def get_object(self, request, slug):
        super().get_object(request)
        entity = get_object_or_404(Entity.objects.select_related("merged_into"), slug=slug)
        return kept_record(entity)

    def title(self, entity):
        name = self.site.site_name if self.site else ""
        return _("%(site)s — %(name)s") % {"site": name, "name": entity.name}

    def link(self, entity):
        return entity.get_absolute_url()

    def description(self, entity):
        return _("The newest articles about %(name)s.") % {"name": entity.name}

    def items(self, entity):
        return _articles(search_articles("", entity=entity, sort="date", limit=FEED_SIZE))


def _bad_request(message):
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
