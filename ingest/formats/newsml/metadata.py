"""The item's envelope: whether it may be read, and what its metadata says.

NewsML-G2 carries structured metadata, so we read it instead of guessing from the text: the
item's publication status and class, its version and embargo, headlines with their roles,
the summary, the by-line, the provider, the canonical link, subjects with IPTC Media Topic
qcodes (which enrichment maps to our topics), and the dates it was created.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from lxml import etree

from ingest.exceptions import FormatError

from ..base import aware_datetime
from .tree import (
    child,
    children,
    language_of,
    pick_by_language,
    qcode_value,
    short_language,
    text_of,
    web_url,
)

WITHDRAWN_STATUSES = {"canceled", "cancelled", "withheld"}
TEXT_ITEM_CLASSES = {"", "text", "composite"}
_KICKER_ROLE = re.compile(r"kicker|overline|surtitre|sur-titre", re.IGNORECASE)
_SUB_ROLE = re.compile(r"sub|deck|chapo|chapeau", re.IGNORECASE)
CAPTION_ROLE = re.compile(r"caption|legend|légende", re.IGNORECASE)
_BY_PREFIX = re.compile(r"^\s*(?:by|par)\s+", re.IGNORECASE)


# Whether the item is read --------------------------------------------------------------------
def check_usable(item: etree._Element, guid: str) -> None:
    """Raise FormatError for an item the provider withdrew or that is not text."""
    item_meta = child(item, "itemMeta")
    pub_status = child(item_meta, "pubStatus")
    status = qcode_value(pub_status.get("qcode", "")) if pub_status is not None else ""
    if status in WITHDRAWN_STATUSES:
        raise FormatError(
            "The NewsML-G2 item %(guid)s is %(status)s by its provider: nothing to publish.",
            guid=guid,
            status=status,
        )
    item_class = child(item_meta, "itemClass")
    kind = qcode_value(item_class.get("qcode", "")) if item_class is not None else ""
    if kind not in TEXT_ITEM_CLASSES:
        raise FormatError(
            "The NewsML-G2 item %(guid)s is a %(kind)s item, not text.", guid=guid, kind=kind
        )


def read_version(item: etree._Element) -> tuple[int | None, list[str]]:
    raw = (item.get("version") or "").strip()
    if not raw:
        return None, []
    if raw.isdigit():
        return int(raw), []
    return None, [f"version ignored: not a whole number: {raw[:20]}"]


def embargo_warnings(item: etree._Element) -> list[str]:
    embargo = aware_datetime(text_of(child(item, "itemMeta", "embargoed")))
    if embargo is not None and embargo > datetime.now(UTC):
        return [f"embargoed until {embargo.isoformat()}: do not publish before"]
    return []


# What it says --------------------------------------------------------------------------------
def item_language(item: etree._Element) -> str:
    """contentMeta/language (the text's own language), else xml:lang on the item or the
    message that holds it; "" when neither says."""
    for element in children(child(item, "contentMeta"), "language"):
        if short_language(element.get("tag")):
            return short_language(element.get("tag"))
    for element in (item, *item.iterancestors()):
        if language_of(element):
            return language_of(element)
    return ""


def read_headlines(content_meta: etree._Element | None, language: str) -> tuple[str, str, str]:
    """(title, kicker, sub-headline) from the headlines' roles.

    A kicker (surtitre) sits above the headline; a sub-headline sits below it and reads as a
    standfirst, so it is only used as one when the item has no summary.
    """
    headlines = children(content_meta, "headline")
    kickers = [h for h in headlines if _KICKER_ROLE.search(h.get("role", ""))]
    subs = [h for h in headlines if h not in kickers and _SUB_ROLE.search(h.get("role", ""))]
    mains = [h for h in headlines if h not in kickers and h not in subs]
    title, kicker, sub_headline = (
        text_of(pick_by_language(group, language)) for group in (mains, kickers, subs)
    )
    return title, kicker, sub_headline


def read_summary(content_meta: etree._Element | None, language: str) -> str:
    """contentMeta/description with a summary role (or none): captions are not summaries."""
    descriptions = [
        element
        for element in children(content_meta, "description")
        if not CAPTION_ROLE.search(element.get("role", ""))
    ]
    return text_of(pick_by_language(descriptions, language))


def author_from_byline(byline: str) -> str:
    """“By Meredith Jameson,” → “Meredith Jameson”: the credit without its “By”/“Par”."""
    return _BY_PREFIX.sub("", byline).strip(" ,;.-–—")


def outlet_name(item: etree._Element) -> str:
    """The provider's name, else the copyright holder's, else the provider's qcode code."""
    provider = child(item, "itemMeta", "provider")
    holder = child(item, "rightsInfo", "copyrightHolder")
    for element in (provider, holder):
        name = text_of(child(element, "name"))
        if name:
            return name
    if provider is not None and provider.get("qcode"):
        return provider.get("qcode").rpartition(":")[2].strip()
    return ""


def canonical_url(item: etree._Element) -> str:
    for link in children(child(item, "itemMeta"), "link"):
        if link.get("rel", "").rpartition(":")[2].lower() == "canonical":
            url = web_url(link.get("href"))
            if url:
                return url
    return ""


def read_subjects(content_meta: etree._Element | None, language: str) -> tuple[str, ...]:
    """Subject names (French first, else the item's language) then their qcodes.

    The qcodes (“medtop:20000523”) are kept as strings so enrichment can map IPTC Media
    Topics to our topics whatever language the names are in.
    """
    names, qcodes = [], []
    for subject in children(content_meta, "subject"):
        labels = children(subject, "name")
        french = [label for label in labels if language_of(label) == "fr"]
        name = text_of(pick_by_language(french or labels, language))
        if name and name not in names:
            names.append(name)
        qcode = (subject.get("qcode") or "").strip()
        if qcode and qcode not in qcodes:
            qcodes.append(qcode)
    return (*names, *qcodes)


def first_published(item: etree._Element) -> datetime | None:
    for path in (
        ("itemMeta", "firstCreated"),
        ("contentMeta", "contentCreated"),
        ("itemMeta", "versionCreated"),
    ):
        value = aware_datetime(text_of(child(item, *path)))
        if value is not None:
            return value
    return None


def content_date(item: etree._Element) -> date | None:
    """The day the content was created, in its own offset: the date a dateline prints."""
    for path in (("contentMeta", "contentCreated"), ("itemMeta", "firstCreated")):
        value = aware_datetime(text_of(child(item, *path)))
        if value is not None:
            return value.date()
    return None
