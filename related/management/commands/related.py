"""`manage.py related ARTICLE [--json]`: an article's related list, scored, with reasons."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from related import services
from related.exceptions import ArticleNotFound


class Command(BaseCommand):
    help = (
        "Print the related articles of ARTICLE (id, slug or URL path) as ranked now, with "
        "each candidate's score and what it shares; pinned and excluded ones are marked."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("article", help="id, slug or URL path of the article")
        parser.add_argument("--json", action="store_true", help="print JSON")
        parser.add_argument("--limit", type=int, default=services.KEPT)
        parser.add_argument(
            "--store", action="store_true", help="also store the list (as the task does)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            page = services.find_article(options["article"])
        except ArticleNotFound as error:
            raise CommandError(f"No article matches {error}.") from error
        if options["limit"] < 1:
            raise CommandError("--limit must be at least 1.")
        ranked = services.rank_article(page, limit=max(options["limit"], services.KEPT))
        if options["store"]:
            services.store_related(page, ranked)
        explained = services.explain(page, ranked[: options["limit"]])
        pinned = [pin.article_id for pin in page.related_pins.all()]
        excluded = {choice.article_id for choice in page.related_exclusions.all()}
        if options["json"]:
            payload = {
                "article": {"id": page.pk, "title": page.title, "url": page.url},
                "pinned": pinned,
                "excluded": sorted(excluded),
                "related": [
                    {**entry.as_json(), "excluded": entry.article.pk in excluded}
                    for entry in explained
                ],
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{page.title} (#{page.pk})")
        for pk in pinned:
            self.stdout.write(f"  pinned  #{pk}")
        if not explained:
            self.stdout.write("  no related article found")
        for position, entry in enumerate(explained, start=1):
            mark = "  [excluded]" if entry.article.pk in excluded else ""
            title = f"{entry.article.title} (#{entry.article.pk}){mark}"
            self.stdout.write(f"{position:3}. {entry.score:.3f}  {title}")
            self.stdout.write(f"       {self._reasons(entry)}")

    @staticmethod
    def _reasons(entry: services.RankedArticle) -> str:
        reasons = entry.reasons
        parts = []
        if entry.entity_names:
            parts.append("entities: " + ", ".join(entry.entity_names))
        if entry.topic_names:
            parts.append("topics: " + ", ".join(entry.topic_names))
        if reasons.countries:
            parts.append("countries: " + ", ".join(reasons.countries))
        if reasons.terms:
            parts.append(f"text {reasons.text_similarity:.2f}: " + ", ".join(reasons.terms))
        parts.append(f"recency {reasons.recency:.2f}")
        return "; ".join(parts)
