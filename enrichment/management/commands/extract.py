"""`manage.py extract SOURCE…`: print what ingest and enrichment make of each source, saving
nothing. The model loads once for all the sources.

It lives in enrichment, the layer above ingest, because it runs both (issue #13: ingest
imports nothing of enrichment)."""

import json
from collections.abc import Sequence
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from enrichment.pipeline import Enricher
from enrichment.results import EnrichedArticle
from ingest.exceptions import IngestError
from ingest.formats import ADAPTERS_BY_NAME
from ingest.services import extract_location
from newsroom.article import ExtractedArticle


class Command(BaseCommand):
    help = "Extract articles from files, URLs or - (stdin) and print them as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("sources", nargs="+", metavar="SOURCE")
        parser.add_argument("--format", choices=["json"], default="json", help="Output format.")
        parser.add_argument(
            "--input-format",
            choices=sorted(ADAPTERS_BY_NAME),
            default="",
            help="Skip detection and read every source in this format.",
        )
        parser.add_argument(
            "--no-enrich",
            action="store_true",
            help="Print what ingest read, without entities, quotes, topics and countries.",
        )
        parser.add_argument(
            "--fetch-full-pages",
            action="store_true",
            help="Fetch the article page of feed entries that hold only a summary.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        articles: list[ExtractedArticle] = []
        errors: list[str] = []
        for location in options["sources"]:
            try:
                articles.extend(
                    extract_location(
                        location,
                        format_name=options["input_format"],
                        fetch_full_pages=options["fetch_full_pages"],
                    )
                )
            except IngestError as error:
                errors.append(f"{location}: {error.message}")
                self.stderr.write(f"{location}: [{error.code}] {error.message}")
        if not articles and errors:
            raise CommandError("Nothing extracted. " + " ".join(errors))
        results: Sequence[EnrichedArticle]
        if options["no_enrich"]:
            # The same JSON shape either way: empty findings rather than missing keys.
            results = [EnrichedArticle.of(article) for article in articles]
        else:
            results = Enricher().enrich_many(articles)
        single = len(options["sources"]) == 1 and len(results) == 1
        payload = results[0].to_json() if single else [item.to_json() for item in results]
        self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
