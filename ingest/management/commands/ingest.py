"""`manage.py ingest SOURCE…`: save each source's articles as drafts (or published)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ingest.exceptions import IngestError
from ingest.formats import ADAPTERS_BY_NAME
from ingest.services import extract_location, ingest_article
from newsroom.models import SectionPage


class Command(BaseCommand):
    help = "Ingest files, URLs or - (stdin) as articles; the same item twice updates it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("sources", nargs="+", metavar="SOURCE")
        parser.add_argument("--publish", action="store_true", help="Publish instead of draft.")
        parser.add_argument("--section", default="international", help="Target section slug.")
        parser.add_argument("--input-format", choices=sorted(ADAPTERS_BY_NAME), default="")
        parser.add_argument("--fetch-full-pages", action="store_true")
        parser.add_argument(
            "--dry-run", action="store_true", help="Extract and report, save nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        section = SectionPage.objects.filter(slug=options["section"]).first()
        if section is None:
            slugs = ", ".join(SectionPage.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"No section '{options['section']}'. Sections: {slugs}.")
        failures = 0
        for location in options["sources"]:
            try:
                items = extract_location(
                    location,
                    format_name=options["input_format"],
                    fetch_full_pages=options["fetch_full_pages"],
                )
            except IngestError as error:
                failures += 1
                self.stderr.write(f"{location}: [{error.code}] {error.message}")
                continue
            for item in items:
                if options["dry_run"]:
                    self.stdout.write(f"would ingest: {item.title}")
                    continue
                try:
                    outcome = ingest_article(item, section=section, publish=options["publish"])
                except IngestError as error:
                    failures += 1
                    self.stderr.write(
                        f"{location}: {item.title[:60]}: [{error.code}] {error.message}"
                    )
                    continue
                self.stdout.write(
                    f"{outcome.action}: {outcome.article.title} (id {outcome.article.pk})"
                )
                for warning in outcome.warnings:
                    self.stdout.write(f"  warning: {warning}")
        if failures:
            raise CommandError(f"{failures} source(s) or item(s) failed; see above.")
