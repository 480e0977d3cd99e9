"""Publish the French Wikinews articles of the WiNER-fr corpus, credited CC BY 2.5."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ingest.wikinews import WikinewsImportError, import_wikinews

DEFAULT_PATH = Path(settings.BASE_DIR).parent / "shared/data/ner/winer_fr_2016_2017.jsonl"


class Command(BaseCommand):
    help = (
        "Import Wikinews articles from a WiNER-fr JSONL file as published articles. "
        "Articles already imported (same original URL) are skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--path", type=Path, default=DEFAULT_PATH, help="JSONL file (default: %(default)s)."
        )
        parser.add_argument("--limit", type=int, help="Read only the first N lines.")
        parser.add_argument(
            "--section",
            action="append",
            dest="sections",
            metavar="SLUG",
            help="Import only articles classified into this section (repeatable).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = import_wikinews(
                options["path"], limit=options["limit"], section_slugs=options["sections"]
            )
        except WikinewsImportError as error:
            raise CommandError(error.message) from error
        self.stdout.write(str(report))
