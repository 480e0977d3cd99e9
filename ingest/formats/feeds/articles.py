"""One feed entry as an ExtractedArticle: body, standfirst, dateline, link and pictures.

Links. Relative entry links are resolved against the feed's own link (its site), else the
address the feed was fetched from; without either they are dropped (`source.url` "").

Summaries. Many feeds carry only a teaser. When an entry has no full content, or its content
is short and the same as its summary, the article carries the warning "summary_only" and the
ingest service fetches the full page when the feed asks for it.
"""

from __future__ import annotations

import re

from ingest.dateline import split_dateline
from ingest.language import detect_language
from ingest.sanitise import safe_url
from newsroom.article import Dateline, ExtractedArticle, Image, SourceCredit

from .reading import Entry, Feed

FORMAT_NAME = "feed"  # the adapter's name, recorded on every article
SUMMARY_ONLY = "summary_only"
# Content shorter than this (in plain-text characters) that only repeats the summary is a
# teaser, not the article: many feeds copy their description into content:encoded.
SUMMARY_ONLY_MAX_CHARS = 400


def _same_text(first: list[str], second: list[str]) -> bool:
    return " ".join(" ".join(first).split()) == " ".join(" ".join(second).split())


def _truncation_of(short: str, long: str) -> bool:
    """True when `short` is `long` cut off (“…”, “[…]”, “Read more”), as teasers are."""
    stem = re.sub(r"\s*(?:\[\s*(?:…|\.\.\.)\s*\]|…|\.\.\.)\s*$", "", short).strip()
    return bool(stem) and long.startswith(stem)


def _body_and_standfirst(entry: Entry) -> tuple[list[str], str, bool]:
    """(body paragraphs, standfirst, summary_only) for an entry."""
    content = entry.content.paragraphs()
    summary = entry.summary.paragraphs()
    if not content:
        return summary, "", True
    if _same_text(content, summary) and len(" ".join(content)) < SUMMARY_ONLY_MAX_CHARS:
        return content, "", True
    standfirst = summary[0] if summary else ""
    if standfirst and (standfirst == content[0] or _truncation_of(standfirst, content[0])):
        standfirst = ""
    return content, standfirst, False


def _pictures(entry: Entry, base: str) -> tuple[Image, ...]:
    """The entry's pictures at safe absolute URLs, each once: a picture listed twice (an
    enclosure and a media:content, say) keeps the caption and credit either gives it."""
    pictures: dict[str, Image] = {}
    for image in entry.images:
        url = safe_url(image.url, base)
        if not url:
            continue
        seen = pictures.get(url)
        pictures[url] = Image(
            url=url,
            caption=(seen.caption if seen else "") or image.caption,
            credit=(seen.credit if seen else "") or image.credit,
        )
    return tuple(pictures.values())


def entry_article(
    entry: Entry, feed: Feed, feed_link: str, warnings: list[str]
) -> ExtractedArticle:
    """The article `entry` makes; `warnings` are about the whole feed, so every entry has them."""
    body, standfirst, summary_only = _body_and_standfirst(entry)
    dateline = None
    if body:
        parsed, rest = split_dateline(body[0])
        if parsed is not None:
            dateline = Dateline(places=parsed.places, date=parsed.date)
            body = [rest, *body[1:]] if rest else body[1:]
    link = safe_url(entry.link, feed_link)
    author = ", ".join(entry.authors)
    text = "\n".join([entry.title, standfirst, *body])
    return ExtractedArticle(
        title=entry.title,
        standfirst=standfirst,
        dateline=dateline,
        body=tuple(body),
        source=SourceCredit(outlet=feed.title, author=author, url=link),
        language=entry.language or feed.language or detect_language(text),
        published=entry.published,
        images=_pictures(entry, link or feed_link),
        format=FORMAT_NAME,
        warnings=tuple([*warnings, SUMMARY_ONLY] if summary_only else warnings),
        guid=entry.guid or link or entry.link,
        byline=author,
        subjects=tuple(entry.tags),
    )


def is_readable(entry: Entry) -> bool:
    return bool(entry.title) or bool(entry.content.paragraphs() or entry.summary.paragraphs())
