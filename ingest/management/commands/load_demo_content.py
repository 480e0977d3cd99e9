"""Load the fictional demo articles and the site tree they need, if they are missing."""

from typing import Any

from django.core.management.base import BaseCommand

from ingest.demo import load_demo_content


class Command(BaseCommand):
    help = (
        "Create la une, the five sections and the demo articles if missing. "
        "Existing pages are never changed; no article is added once the site has one."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = load_demo_content()
        self.stdout.write(str(report))
