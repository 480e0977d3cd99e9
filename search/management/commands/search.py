"""`manage.py search "QUERY"`: what the readers' search page would show, as text or JSON."""

import html
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.paginator import Page, Paginator
from django.utils import timezone
from django.utils.safestring import SafeString

from search.exceptions import SearchError
from search.forms import SearchForm
from search.results import SearchHit, SearchResults
from search.services import RESULTS_PER_PAGE, load_hits, search_articles


class Command(BaseCommand):
    help = "Search the published articles as a reader would (/recherche/)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("query", help="the words a reader types (may be empty with a filter)")
        parser.add_argument("--section", help="section slug, e.g. maghreb")
        parser.add_argument("--country", help="ISO 3166 code, e.g. EG")
        parser.add_argument("--topic", help="topic slug")
        parser.add_argument("--entity", help="entity slug, e.g. vladimir-poutine")
        parser.add_argument("--from", dest="date_from", help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", help="last day, YYYY-MM-DD")
        parser.add_argument("--sort", default="relevance", help="relevance (default) or date")
        parser.add_argument("--page", type=int, default=1, help="page of 20 results")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        parameters = {
            "q": options["query"],
            "section": options["section"],
            "country": options["country"],
            "topic": options["topic"],
            "entity": options["entity"],
            "from": options["date_from"],
            "to": options["date_to"],
            "sort": options["sort"],
        }
        form = SearchForm({key: value for key, value in parameters.items() if value})
        if not form.is_valid():
            raise CommandError(" ".join(_messages(form)))
        if not form.cleaned_data["q"] and not form.has_filters():
            raise CommandError("Give words to search for, or a filter.")
        try:
            results = search_articles(**form.search_arguments())
        except SearchError as error:
            raise CommandError(error.message) from error
        page = Paginator(results.ranked, RESULTS_PER_PAGE).get_page(options["page"])
        hits = load_hits(results, page.object_list)
        if options["json"]:
            self.stdout.write(json.dumps(_as_json(results, page, hits), ensure_ascii=False))
            return
        self._write_text(results, page, hits)

    def _write_text(self, results: SearchResults, page: Page, hits: list[SearchHit]) -> None:
        match = results.entity_match
        more = "more than " if results.capped else ""
        noun = "result" if results.total == 1 else "results"
        summary = f"{more}{results.total} {noun} for {results.query!r}"
        if match is not None:
            summary += f" (entity: {match.entity.name}, from {match.words!r})"
        self.stdout.write(f"{summary}; page {page.number} of {page.paginator.num_pages}")
        for number, hit in enumerate(hits, start=page.start_index()):
            article = hit.article
            published = timezone.localtime(article.first_published_at).strftime("%Y-%m-%d")
            section = hit.section.title if hit.section else ""
            tagged = " [tagged]" if hit.tagged else ""
            self.stdout.write(f"\n{number}. {article.title}{tagged}")
            self.stdout.write(f"   {published} · {section} · {article.get_full_url()}")
            self.stdout.write(f"   {_plain(hit.snippet)}")


def _messages(form: SearchForm) -> list[str]:
    return [str(message) for errors in form.errors.values() for message in errors]


def _plain(snippet: SafeString | str) -> str:
    """The snippet for a terminal: <mark>word</mark> as [word], entities unescaped."""
    return html.unescape(str(snippet).replace("<mark>", "[").replace("</mark>", "]"))


def _as_json(results: SearchResults, page: Page, hits: list[SearchHit]) -> dict[str, Any]:
    match = results.entity_match
    return {
        "query": results.query,
        "terms": list(results.terms),
        "sort": results.sort,
        "total": results.total,
        "capped": results.capped,
        "entity": (
            {
                "name": match.entity.name,
                "slug": match.entity.slug,
                "url": match.entity.get_absolute_url(),
                "matched_words": match.words,
            }
            if match
            else None
        ),
        "page": page.number,
        "pages": page.paginator.num_pages,
        "results": [
            {
                "id": hit.article.pk,
                "title": hit.article.title,
                "date": hit.article.first_published_at.isoformat(),
                "section": hit.section.title if hit.section else None,
                "url": hit.article.get_full_url(),
                "snippet": str(hit.snippet),
                "score": hit.score,
                "tagged": hit.tagged,
            }
            for hit in hits
        ],
    }
