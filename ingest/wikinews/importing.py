"""The Wikinews import: records published under their sections, through ingest's writer.

`import_wikinews` publishes the articles of a WiNER-fr file, credited to a "Wikinews" source
(CC BY 2.5), and skips those already imported; a bad line is reported and the import goes on.
"""

import json
import time
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ingest.wikinews.records import (
    SLUG_MAX_CHARS,
    WIKINEWS_SOURCE,
    WikinewsArticle,
    WikinewsImportError,
    parse_record,
)
from ingest.writing import create_article
from newsroom.demo_content import SECTIONS, ensure_site_tree
from newsroom.models import ArticlePage, SectionPage, Source


@dataclass(frozen=True)
class LineError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class ImportReport:
    created: int
    skipped: int
    filtered: int
    errors: tuple[LineError, ...]
    seconds: float

    def __str__(self) -> str:
        summary = (
            f"Wikinews: {self.created} articles created, {self.skipped} already imported "
            f"(skipped), {len(self.errors)} errors"
        )
        if self.filtered:
            summary += f", {self.filtered} outside the chosen sections"
        lines = [f"{summary}, in {self.seconds:.1f} s"]
        lines += [f"  {error}" for error in self.errors]
        return "\n".join(lines)


def import_wikinews(
    path: str | Path, *, limit: int | None = None, section_slugs: Collection[str] | None = None
) -> ImportReport:
    """Publish the articles of a WiNER-fr JSONL file, skipping those already imported.

    `limit` reads only the first N lines; `section_slugs` keeps only the articles classified
    into those sections. A line that is not JSON, or holds no article, is reported with its
    number and the import goes on.
    """
    path = Path(path)
    if not path.is_file():
        raise WikinewsImportError(
            _("Wikinews file not found: %(path)s") % {"path": path}, code="file_missing"
        )
    unknown = sorted(set(section_slugs or ()) - {section.slug for section in SECTIONS})
    if unknown:
        raise WikinewsImportError(
            _("Unknown section: %(slugs)s") % {"slugs": ", ".join(unknown)},
            code="unknown_section",
        )
    started = time.monotonic()
    sections = ensure_site_tree().sections
    source, _created = Source.objects.get_or_create(
        name=WIKINEWS_SOURCE["name"], defaults=WIKINEWS_SOURCE
    )
    known_urls = set(
        ArticlePage.objects.exclude(source_url="").values_list("source_url", flat=True)
    )
    slugs = {
        slug: set(section.get_children().values_list("slug", flat=True))
        for slug, section in sections.items()
    }
    created = skipped = filtered = 0
    errors: list[LineError] = []
    for number, line in _numbered_lines(path, limit):
        try:
            article = parse_record(_json_record(line, number), line=number)
        except WikinewsImportError as error:
            errors.append(LineError(number, error.message))
            continue
        if article.url in known_urls:
            skipped += 1
            continue
        if section_slugs is not None and article.section_slug not in section_slugs:
            filtered += 1
            continue
        try:
            _publish(article, sections[article.section_slug], source, slugs[article.section_slug])
        except ValidationError as error:
            errors.append(LineError(number, "; ".join(error.messages)))
            continue
        known_urls.add(article.url)
        created += 1
    return ImportReport(
        created=created,
        skipped=skipped,
        filtered=filtered,
        errors=tuple(errors),
        seconds=time.monotonic() - started,
    )


def _numbered_lines(path: Path, limit: int | None) -> Iterator[tuple[int, str]]:
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if limit is not None and number > limit:
                return
            if line.strip():
                yield number, line


def _json_record(line: str, number: int) -> Any:
    try:
        return json.loads(line)
    except json.JSONDecodeError as error:
        raise WikinewsImportError(
            _("not valid JSON (%(error)s)") % {"error": error}, code="invalid_json", line=number
        ) from error


@transaction.atomic
def _publish(
    article: WikinewsArticle, section: SectionPage, source: Source, taken_slugs: set[str]
) -> ArticlePage:
    """Through ingest's one writer, as any partner copy: the record is an ExtractedArticle."""
    page, _warnings = create_article(
        article.as_extracted(),
        section=section,
        source=source,
        publish=True,
        slug=_free_slug(article.title, taken_slugs),
        countries=list(article.countries),
        first_published_at=article.published_at,
    )
    taken_slugs.add(page.slug)
    return page


def _free_slug(title: str, taken: set[str]) -> str:
    base = slugify(title)[:SLUG_MAX_CHARS].rstrip("-") or "article"
    slug, suffix = base, 2
    while slug in taken:
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug
