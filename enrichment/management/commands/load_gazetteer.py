"""`manage.py load_gazetteer`: create or refresh the curated entities (run by setup)."""

from typing import Any

from django.core.management.base import BaseCommand

from enrichment.gazetteer import load_gazetteer


class Command(BaseCommand):
    help = "Load the curated gazetteer (countries, capitals, leaders, organisations)."

    def handle(self, *args: Any, **options: Any) -> None:
        created, updated = load_gazetteer()
        self.stdout.write(f"gazetteer: {created} created, {updated} already present")
