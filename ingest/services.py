"""Ingest services: read a source, extract its items, and turn each into an article.

`extract_location` is what `manage.py extract` prints; `ingest_article` is what `manage.py
ingest` and the feed poller (`ingest.polling`) save. Both raise an `IngestError` subclass
before writing anything; saving is atomic and idempotent (the same item twice updates, never
duplicates).
"""

from __future__ import annotations

import logging
import re
import sys
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ingest import dedup, images
from ingest.exceptions import EmptyArticle, FetchError, IngestError, InvalidArticle
from ingest.fetch import fetch
from ingest.formats import RawDocument, detect_adapter
from ingest.formats.feeds import SUMMARY_ONLY
from ingest.formats.html import HTMLAdapter
from ingest.models import IngestedItem, NearDuplicateBand, SourceFeed
from ingest.updates import editor_hold_reason, hold_partner_update, hold_reason_text
from ingest.writing import create_article, fill_page
from newsroom.article import ExtractedArticle
from newsroom.events import article_changed
from newsroom.models import ArticlePage, SectionPage, Source

logger = logging.getLogger(__name__)
PARIS = ZoneInfo("Europe/Paris")
MAX_FILE_BYTES = 10 * 1024 * 1024
NEAR_DUPLICATE_WINDOW_DAYS = 7
STANDFIRST_MAX_CHARS = 400


# Reading ------------------------------------------------------------------------------------
def read_location(location: str, *, stdin: BinaryIO | None = None) -> RawDocument:
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
    location: str,
    *,
    format_name: str = "",
    fetch_full_pages: bool = False,
    stdin: BinaryIO | None = None,
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
    HELD = "held"  # an editor touched the article: the update waits for them (ingest.updates)

    action: str
    article: ArticlePage
    warnings: tuple[str, ...] = ()


def _resolve_source(item: ExtractedArticle, source: Source | None) -> Source | None:
    if source is not None or not item.source.outlet:
        return source
    found, _ = Source.objects.get_or_create(name=item.source.outlet[:200])
    return found


def _published_at(item: ExtractedArticle) -> datetime | None:
    """When the article first appeared: the partner's date, never later than now.

    A partner clock ahead of ours, or a dateline date read as noon of that day, would date the
    article in the future (issue #12): listed above today's news, "published in 6 hours".
    The dateline's date stays the story's own, in `dateline_date`.
    """
    if item.published:
        published = item.published
    elif item.dateline and item.dateline.date:
        published = datetime.combine(item.dateline.date, time(12, 0), tzinfo=PARIS)
    else:
        return None
    now = timezone.now()
    if published > now:
        logger.warning(
            "Partner date %s of %r is in the future; dated now instead.",
            published.isoformat(),
            item.guid or item.title[:80],
        )
        return now
    return published


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


def _is_unchanged(existing: IngestedItem, item: ExtractedArticle, *, digest: str) -> bool:
    """`item` (whose text hashes to `digest`) is the text we hold, or an older version of
    it: nothing to write."""
    older = (
        item.version is not None
        and existing.version is not None
        and item.version <= existing.version
    )
    return existing.content_hash == digest or older


def near_duplicate(signature: list[int]) -> IngestedItem | None:
    """The item of the last days this text nearly repeats: the candidates are the items
    sharing a band key with it (one indexed query), compared as `dedup` says."""
    keys = dedup.band_keys(signature)
    if not keys:
        return None
    since = timezone.now() - timedelta(days=NEAR_DUPLICATE_WINDOW_DAYS)
    same_band = Q()
    for band, band_key in keys:
        same_band |= Q(band=band, key=band_key)
    sharing = NearDuplicateBand.objects.filter(same_band).values("item_id")
    recent = IngestedItem.objects.filter(
        pk__in=sharing, first_ingested_at__gte=since, is_near_duplicate=False
    )
    candidates = dict(recent.values_list("pk", "minhash"))
    found = dedup.find_near_duplicate(signature, candidates)
    return IngestedItem.objects.select_related("article").get(pk=found) if found else None


def file_bands(item: IngestedItem) -> None:
    """Store `item`'s band keys (again, when its text changed), so later copies find it;
    a near duplicate is never merged into, and keeps none."""
    NearDuplicateBand.objects.filter(item=item).delete()
    if item.is_near_duplicate:
        return
    NearDuplicateBand.objects.bulk_create(
        NearDuplicateBand(item=item, band=band, key=key)
        for band, key in dedup.band_keys(item.minhash)
    )


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

    The item's pictures are downloaded first, outside the transaction (`ingest.images`),
    unless the item is one we hold unchanged; a refused picture is recorded as an ingest
    failure and a warning, and the article is saved without it.
    """
    if not item.title.strip() or not (item.body or item.standfirst):
        raise EmptyArticle()
    item = with_standfirst(item)
    pictures = images.NO_PICTURES
    if item.images:
        # Only a picture to download makes it worth looking the item up before the
        # transaction (`_save` looks again, inside it): three queries an item (issue #15).
        digest = dedup.content_hash(item.text())
        known = _same_item(item, digest)
        unchanged = known is not None and _is_unchanged(known, item, digest=digest)
        pictures = images.NO_PICTURES if unchanged else images.fetch_pictures(item)
    try:
        with transaction.atomic():
            outcome = _save(
                item, section=section, publish=publish, source=source, feed=feed, pictures=pictures
            )
            if outcome.action in {IngestOutcome.CREATED, IngestOutcome.UPDATED}:
                # Enrichment (drafts too), and whatever else follows an article's text, hears
                # of it here, with what was extracted (issue #13: an event, not a call to its
                # task). In the same transaction as the publication, so it is queued once.
                article_changed.send(sender=ArticlePage, instance=outcome.article, article=item)
            if outcome.action in {IngestOutcome.CREATED, IngestOutcome.UPDATED, IngestOutcome.HELD}:
                refused = images.record_refusals(pictures, item=item, feed=feed)
                outcome = replace(outcome, warnings=(*outcome.warnings, *refused))
    except ValidationError as error:
        raise InvalidArticle(errors="; ".join(error.messages)) from error
    return outcome


def with_standfirst(item: ExtractedArticle) -> ExtractedArticle:
    """Every article has a chapô: without one, the opening paragraph becomes it."""
    if item.standfirst or not item.body:
        return item
    if len(item.body) > 1:
        return item.replace(standfirst=item.body[0], body=item.body[1:])
    first_sentence = re.split(r"(?<=[.!?])\s", item.body[0], maxsplit=1)[0]
    return item.replace(standfirst=first_sentence[:STANDFIRST_MAX_CHARS])


def _save(
    item: ExtractedArticle,
    *,
    section: SectionPage,
    publish: bool,
    source: Source | None,
    feed: SourceFeed | None,
    pictures: images.PartnerPictures,
) -> IngestOutcome:
    text = item.text()
    digest = dedup.content_hash(text)
    signature = dedup.minhash_signature(text)
    provenance: dict[str, Any] = {
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
            return _update(
                existing,
                item,
                source=source,
                publish=publish,
                provenance=provenance,
                pictures=pictures,
            )
        duplicate = near_duplicate(signature)
        if duplicate is not None:
            IngestedItem.objects.create(
                article=duplicate.article,
                source=source,
                feed=feed,
                is_near_duplicate=True,
                **provenance,
            )
            return IngestOutcome(IngestOutcome.MERGED, duplicate.article.specific)
        published_at = _published_at(item)
        dates: dict[str, Any] = {"first_published_at": published_at} if published_at else {}
        page, warnings = create_article(
            item, section=section, source=source, publish=publish, pictures=pictures, **dates
        )
        ingested = IngestedItem.objects.create(article=page, source=source, feed=feed, **provenance)
        file_bands(ingested)
    return IngestOutcome(IngestOutcome.CREATED, page, tuple(warnings))


def _update(
    existing: IngestedItem,
    item: ExtractedArticle,
    *,
    source: Source | None,
    publish: bool,
    provenance: dict[str, Any],
    pictures: images.PartnerPictures,
) -> IngestOutcome:
    page = existing.article.specific
    if _is_unchanged(existing, item, digest=provenance["content_hash"]):
        return IngestOutcome(IngestOutcome.UNCHANGED, page)
    for name, value in provenance.items():
        setattr(existing, name, value)
    existing.save()
    file_bands(existing)
    reason = editor_hold_reason(page)
    if reason is not None:
        # Once an editor touched the article, no partner version is written over it: it
        # waits beside the article for them to compare, apply or dismiss (ingest.updates).
        # Its pictures join the library, for the editor; the lead image stays theirs.
        stored = images.store_pictures(pictures, title=item.title)
        hold_partner_update(
            page, item, reason=reason, source=source, ingested=existing, pictures=stored
        )
        warning = (
            f"update held for an editor ({hold_reason_text(reason)}): "
            "compare and apply it in the admin (Ingest → Partner updates)"
        )
        return IngestOutcome(IngestOutcome.HELD, page, (warning,))
    latest = page.get_latest_revision_as_object()
    warnings = fill_page(latest, item, source)
    # No editor touched the article (else it was held above): the lead image follows the
    # partner's first picture, and stays as it is when the partner sends none.
    stored = images.store_pictures(pictures, title=item.title)
    if stored:
        latest.lead_image = stored[0]
    revision = latest.save_revision()
    if publish or page.live:
        revision.publish()
    return IngestOutcome(IngestOutcome.UPDATED, page, tuple(warnings))


__all__ = [
    "FetchError",
    "IngestOutcome",
    "extract_document",
    "extract_location",
    "ingest_article",
    "read_location",
]
