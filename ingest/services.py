"""Ingest services: read a source, extract its items, and turn each into an article.

`extract_location` is what `manage.py extract` prints; `ingest_article` is what `manage.py
ingest` and the feed poller save. Both raise an `IngestError` subclass before writing
anything; saving is atomic and idempotent (the same item twice updates, never duplicates).
"""

from __future__ import annotations

import logging
import re
import sys
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify
from wagtail.coreutils import find_available_slug
from wagtail.rich_text import RichText

from ingest import dedup
from ingest.article import ExtractedArticle, ReadAlso
from ingest.exceptions import EmptyArticle, FetchError, IngestError, InvalidArticle
from ingest.fetch import fetch
from ingest.formats import RawDocument, detect_adapter
from ingest.formats.feeds import SUMMARY_ONLY
from ingest.formats.html import HTMLAdapter
from ingest.models import IngestedItem, IngestFailure, SourceFeed
from ingest.sanitise import safe_url
from newsroom.models import ArticleDatelinePlace, ArticlePage, SectionPage, Source

logger = logging.getLogger(__name__)
PARIS = ZoneInfo("Europe/Paris")
MAX_FILE_BYTES = 10 * 1024 * 1024
NEAR_DUPLICATE_WINDOW_DAYS = 7
STANDFIRST_MAX_CHARS = 400


# Reading ------------------------------------------------------------------------------------
def read_location(location: str, *, stdin=None) -> RawDocument:
    """A file path, an http(s) URL (through the safe fetcher) or "-" for standard input."""
    if location == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        content = stream.read(MAX_FILE_BYTES + 1)
        if len(content) > MAX_FILE_BYTES:
            raise IngestError(
                "Standard input is larger than %(limit)d bytes.", limit=MAX_FILE_BYTES
            )
        return RawDocument(content=content, url="-")
    if location.startswith(("http://", "https://")) or "://" in location:
        return fetch(location)
    path = Path(location)
    if not path.is_file():
        raise IngestError("No such file: %(path)s", path=location)
    if path.stat().st_size > MAX_FILE_BYTES:
        raise IngestError(
            "%(path)s is larger than %(limit)d bytes.", path=location, limit=MAX_FILE_BYTES
        )
    return RawDocument(content=path.read_bytes(), url="", filename=path.name)


def extract_document(
    document: RawDocument, *, format_name: str = "", fetch_full_pages: bool = False
) -> list[ExtractedArticle]:
    adapter = detect_adapter(document, format_name=format_name)
    articles = adapter.extract(document)
    if fetch_full_pages:
        articles = [complete_from_full_page(article) for article in articles]
    return articles


def extract_location(
    location: str, *, format_name: str = "", fetch_full_pages: bool = False, stdin=None
) -> list[ExtractedArticle]:
    document = read_location(location, stdin=stdin)
    return extract_document(document, format_name=format_name, fetch_full_pages=fetch_full_pages)


def complete_from_full_page(article: ExtractedArticle) -> ExtractedArticle:
    """A feed entry that holds only a summary, completed with the text of its page."""
    if SUMMARY_ONLY not in article.warnings or not article.source.url:
        return article
    try:
        page = HTMLAdapter().extract(fetch(article.source.url, accept="text/html"))[0]
    except IngestError as error:
        return article.replace(warnings=(*article.warnings, f"full page: {error.message}"))
    return article.replace(
        body=page.body,
        standfirst=article.standfirst or page.standfirst,
        dateline=article.dateline or page.dateline,
        read_also=article.read_also or page.read_also,
        images=article.images or page.images,
        warnings=tuple(w for w in article.warnings if w != SUMMARY_ONLY) + page.warnings,
    )


# Saving -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class IngestOutcome:
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    MERGED = "merged"  # a near duplicate of an article we have: recorded as a second source

    action: str
    article: ArticlePage
    warnings: tuple[str, ...] = ()


def _resolve_source(item: ExtractedArticle, source: Source | None) -> Source | None:
    if source is not None or not item.source.outlet:
        return source
    found, _ = Source.objects.get_or_create(name=item.source.outlet[:200])
    return found


def _read_also_block(link: ReadAlso) -> dict | None:
    """Link to our own article when we have it (by URL, then title), else to the URL.

    Only http(s) URLs survive: a `javascript:` or `data:` link from a partner page is dropped.
    """
    article = None
    link = ReadAlso(title=link.title, url=safe_url(link.url), position=link.position)
    if link.url:
        item = IngestedItem.objects.filter(url=link.url).select_related("article").first()
        article = item.article if item else ArticlePage.objects.filter(source_url=link.url).first()
    if article is None:
        article = ArticlePage.objects.filter(title__iexact=link.title).first()
    if article is not None:
        return {"article": article, "title": "", "url": ""}
    if link.url:
        return {"article": None, "title": link.title[:300], "url": link.url}
    return None


def _body_blocks(item: ExtractedArticle, source: Source | None) -> tuple[list, list[str]]:
    warnings = []
    paragraphs = list(item.body)
    links = list(item.read_also)
    if source is not None and source.licence == Source.Licence.EXCERPT and item.source.url:
        # Excerpt-only partners: the opening paragraph and a link to the original.
        paragraphs = paragraphs[:1]
        links = [
            ReadAlso(title=f"Lire l’article complet sur « {source.name} »", url=item.source.url)
        ]
    placed: dict[int, list[dict]] = {}
    for link in links:
        block = _read_also_block(link)
        if block is None:
            warnings.append(f"read-also “{link.title}” dropped: no such article and no URL")
            continue
        position = len(paragraphs) if link.position is None else min(link.position, len(paragraphs))
        placed.setdefault(position, []).append(block)
    blocks = []
    for index in range(len(paragraphs) + 1):
        blocks.extend(("read_also", block) for block in placed.get(index, []))
        if index < len(paragraphs):
            blocks.append(("paragraph", RichText(f"<p>{escape(paragraphs[index])}</p>")))
    return blocks, warnings


def _published_at(item: ExtractedArticle) -> datetime | None:
    if item.published:
        return item.published
    if item.dateline and item.dateline.date:
        return datetime.combine(item.dateline.date, time(12, 0), tzinfo=PARIS)
    return None


def _fill_page(page: ArticlePage, item: ExtractedArticle, source: Source | None) -> list[str]:
    blocks, warnings = _body_blocks(item, source)
    page.title = item.title[:255]
    page.kicker = item.kicker[:200]
    page.standfirst = item.standfirst
    page.body = blocks
    page.source = source
    page.source_author = item.source.author[:200]
    page.source_url = safe_url(item.source.url)[:500]
    page.dateline_date = item.dateline.date if item.dateline else None
    page.dateline_places = [
        ArticleDatelinePlace(name=name[:100])
        for name in (item.dateline.places if item.dateline else ())
    ]
    return warnings


def _same_item(item: ExtractedArticle, digest: str) -> IngestedItem | None:
    items = IngestedItem.objects.select_related("article")
    if item.guid:
        found = items.filter(guid=item.guid).order_by("-version", "-pk").first()
        if found:
            return found
    if item.source.url.startswith("http"):
        found = items.filter(url=item.source.url).order_by("-pk").first()
        if found:
            return found
    # A file or pasted text has no identity but its words: the same text again is the same item.
    return items.filter(content_hash=digest, is_near_duplicate=False).order_by("-pk").first()


def _near_duplicate(signature: list[int]) -> IngestedItem | None:
    since = timezone.now() - timedelta(days=NEAR_DUPLICATE_WINDOW_DAYS)
    recent = IngestedItem.objects.filter(first_ingested_at__gte=since, is_near_duplicate=False)
    candidates = dict(recent.values_list("pk", "minhash"))
    key = dedup.find_near_duplicate(signature, candidates)
    return IngestedItem.objects.select_related("article").get(pk=key) if key else None


def ingest_article(
    item: ExtractedArticle,
    *,
    section: SectionPage,
    publish: bool = False,
    source: Source | None = None,
    feed: SourceFeed | None = None,
) -> IngestOutcome:
    """Save `item` as an article of `section`: create it, update it, or merge a duplicate.

    A page Wagtail refuses to save is reported as an InvalidArticle, never raised raw, so one
    bad entry cannot stop a feed; the transaction leaves nothing half-written.
    """
    if not item.title.strip() or not (item.body or item.standfirst):
        raise EmptyArticle()
    item = with_standfirst(item)
    try:
        outcome = _save(item, section=section, publish=publish, source=source, feed=feed)
    except ValidationError as error:
        raise InvalidArticle(errors="; ".join(error.messages)) from error
    if outcome.action in {IngestOutcome.CREATED, IngestOutcome.UPDATED}:
        _enrich_later(outcome.article)
    return outcome


def _enrich_later(page: ArticlePage) -> None:
    """Drafts too get their suggestions, in the worker, once the article is committed."""
    if not getattr(settings, "ENRICH_AUTOMATICALLY", True):
        return
    from enrichment.tasks import enrich_article

    transaction.on_commit(lambda: enrich_article.enqueue(page.pk))


def with_standfirst(item: ExtractedArticle) -> ExtractedArticle:
    """Every article has a chapô: without one, the opening paragraph becomes it."""
    if item.standfirst or not item.body:
        return item
    if len(item.body) > 1:
        return item.replace(standfirst=item.body[0], body=item.body[1:])
    first_sentence = re.split(r"(?<=[.!?])\s", item.body[0], maxsplit=1)[0]
    return item.replace(standfirst=first_sentence[:STANDFIRST_MAX_CHARS])


def _save(item, *, section, publish, source, feed) -> IngestOutcome:
    text = item.text()
    digest = dedup.content_hash(text)
    signature = dedup.minhash_signature(text)
    provenance = {
        "guid": item.guid[:500],
        "url": item.source.url[:1000] if item.source.url.startswith("http") else "",
        "version": item.version,
        "format": item.format,
        "content_hash": digest,
        "minhash": signature,
    }
    with transaction.atomic():
        source = _resolve_source(item, source)
        existing = _same_item(item, digest)
        if existing is not None:
            return _update(existing, item, source=source, publish=publish, provenance=provenance)
        duplicate = _near_duplicate(signature)
        if duplicate is not None:
            IngestedItem.objects.create(
                article=duplicate.article,
                source=source,
                feed=feed,
                is_near_duplicate=True,
                **provenance,
            )
            return IngestOutcome(IngestOutcome.MERGED, duplicate.article.specific)
        page = ArticlePage(live=False)
        warnings = _fill_page(page, item, source)
        page.slug = find_available_slug(section, slugify(item.title)[:80] or "article")
        published_at = _published_at(item)
        if published_at:
            page.first_published_at = published_at
        section.add_child(instance=page)
        revision = page.save_revision()
        if publish:
            revision.publish()
        IngestedItem.objects.create(article=page, source=source, feed=feed, **provenance)
    return IngestOutcome(IngestOutcome.CREATED, page, tuple(warnings))


def _update(existing, item, *, source, publish, provenance) -> IngestOutcome:
    page = existing.article.specific
    older = (
        item.version is not None
        and existing.version is not None
        and item.version <= existing.version
    )
    if existing.content_hash == provenance["content_hash"] or older:
        return IngestOutcome(IngestOutcome.UNCHANGED, page)
    # An editor's own revision since the last ingest is never overwritten in place: the
    # update is saved as a new draft revision for them to review; the published text stays.
    edited_by_editor = page.latest_revision is not None and page.latest_revision.user_id is not None
    latest = page.get_latest_revision_as_object()
    warnings = _fill_page(latest, item, source)
    revision = latest.save_revision()
    if (publish or page.live) and not edited_by_editor:
        revision.publish()
    elif edited_by_editor:
        warnings.append("update saved as a draft: an editor changed this article")
    for name, value in provenance.items():
        setattr(existing, name, value)
    existing.save()
    return IngestOutcome(IngestOutcome.UPDATED, page, tuple(warnings))


# Polling ------------------------------------------------------------------------------------
@dataclass
class PollReport:
    feed_id: int
    outcomes: list[IngestOutcome] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(outcome.action == action for outcome in self.outcomes)

    def __str__(self):
        return (
            f"feed {self.feed_id}: {self.count(IngestOutcome.CREATED)} created, "
            f"{self.count(IngestOutcome.UPDATED)} updated, "
            f"{self.count(IngestOutcome.UNCHANGED)} unchanged, "
            f"{self.count(IngestOutcome.MERGED)} merged, {len(self.failures)} failed"
        )


def _record_failure(feed, location, item, error: IngestError) -> str:
    IngestFailure.objects.create(
        feed=feed, location=location[:1000], item=item[:500], code=error.code, message=error.message
    )
    logger.warning("Ingest failure %s on %s: %s", error.code, location, error.message)
    return f"{error.code}: {error.message}"


def poll_feed(feed: SourceFeed) -> PollReport:
    """Fetch one feed and ingest every item; a bad item is recorded and the rest goes on."""
    report = PollReport(feed_id=feed.pk)
    now = timezone.now()
    feed.last_polled_at = now
    try:
        items = extract_location(
            feed.url, format_name=feed.format, fetch_full_pages=feed.fetch_full_page
        )
    except IngestError as error:
        report.failures.append(_record_failure(feed, feed.url, "", error))
        feed.last_error_at, feed.last_error = now, error.message
        feed.save(update_fields=["last_polled_at", "last_error_at", "last_error"])
        return report
    for item in items:
        try:
            outcome = ingest_article(
                item, section=feed.section, publish=feed.publish, source=feed.source, feed=feed
            )
        except IngestError as error:
            report.failures.append(_record_failure(feed, feed.url, item.guid or item.title, error))
            continue
        report.outcomes.append(outcome)
    feed.last_success_at = now
    feed.items_ingested += report.count(IngestOutcome.CREATED)
    if report.failures:
        feed.last_error_at, feed.last_error = now, report.failures[-1]
    feed.save(
        update_fields=[
            "last_polled_at",
            "last_success_at",
            "items_ingested",
            "last_error_at",
            "last_error",
        ]
    )
    return report


def due_feeds(now=None):
    now = now or timezone.now()
    return [feed for feed in SourceFeed.objects.filter(is_active=True) if feed.is_due(now)]


__all__ = [
    "FetchError",
    "IngestOutcome",
    "PollReport",
    "due_feeds",
    "extract_document",
    "extract_location",
    "ingest_article",
    "poll_feed",
    "read_location",
]
