"""`manage.py refresh_related [ARTICLE…]`: rebuild text profiles and stored related lists.

For a site that existed before related articles (or after changing the ranking): every
published article gets its lemma profile (read through spaCy in batches), then its list.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from newsroom.models import ArticlePage
from related import services
from related.exceptions import ArticleNotFound
from related.profiles import store_text_profiles


class Command(BaseCommand):
    help = "Rebuild the text profile and the stored related list of published articles."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("articles", nargs="*", help="ids, slugs or URL paths (default: all)")
        parser.add_argument(
            "--lists-only", action="store_true", help="keep the text profiles, rank again"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        articles = ArticlePage.objects.published().order_by("pk")
        if options["articles"]:
            try:
                wanted = [services.find_article(ref).pk for ref in options["articles"]]
            except ArticleNotFound as error:
                raise CommandError(f"No article matches {error}.") from error
            articles = articles.filter(pk__in=wanted)
        articles = list(articles)
        if not options["lists_only"]:
            store_text_profiles(articles)
            self.stdout.write(f"{len(articles)} text profiles built")
        for page in articles:
            services.refresh_related(page)
        self.stdout.write(f"{len(articles)} related lists stored")
