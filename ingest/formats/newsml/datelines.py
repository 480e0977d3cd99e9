"""The dateline: where and when the item was filed, in French or English agency form.

French forms are `split_dateline`'s job; the US/UK forms agencies also send (“WASHINGTON,
Oct. 21 (Reuters) -”, “(New York, NY - October 21)”) and English month names are read here.
"""

from __future__ import annotations

import re
from datetime import date

from lxml import etree

from ingest.dateline import ParsedDateline, parse_french_date, split_dateline
from newsroom.article import Dateline

from .body import Content
from .metadata import content_date
from .tree import child, text_of

MAX_PLACE_WORDS = 6

_EN_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_EN_DATE = re.compile(r"^(?P<month>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2})(?:,?\s+(?P<year>\d{4}))?$")
# US/UK agency datelines opening the first paragraph: “(New York, NY - October 21) …” and
# “WASHINGTON, Oct. 21 (Reuters) - …”. French forms are `split_dateline`'s job.
_EN_BRACKETED = re.compile(
    r"^\((?P<place>[^()]{2,60}?)\s+[-–—]\s+(?P<date>[A-Za-z]{3,9}\.?\s+\d{1,2}(?:,\s*\d{4})?)\)"
    r"\s*(?:[-–—]+\s+)?"
)
_EN_LEADING = re.compile(
    r"^(?P<place>[A-Z][A-Z .'’-]{1,40}(?:,\s*[A-Z][A-Za-z.]{1,20})?),\s+"
    r"(?P<date>[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,\s*\d{4})?)\s*(?:\([A-Za-z ]{2,20}\))?\s*[-–—]+\s+"
)


# English date forms --------------------------------------------------------------------------
def _english_date(text: str, default_year: int | None) -> date | None:
    """“October 21”, “Oct. 21, 2016” → a date (None if not one)."""
    match = _EN_DATE.match(text.strip().rstrip("."))
    if not match or match["month"].lower() not in _EN_MONTHS:
        return None
    year = int(match["year"]) if match["year"] else default_year
    if year is None:
        return None
    try:
        return date(year, _EN_MONTHS[match["month"].lower()], int(match["day"]))
    except ValueError:
        return None


def _any_date(text: str, default_year: int | None) -> date | None:
    return parse_french_date(text, default_year=default_year) or _english_date(text, default_year)


def _place(raw: str) -> str:
    """“NEW YORK” → “New York”; a place written in mixed case is kept as written."""
    raw = raw.strip(" ,.-–—")
    return raw.title() if raw.isupper() and len(raw) > 3 else raw


# Datelines -----------------------------------------------------------------------------------
def _dateline_from_element(text: str, default_year: int | None) -> ParsedDateline | None:
    """A standalone dateline (“BEYROUTH, 12 mars”, “WASHINGTON, Oct. 21”, “New York, NY”).

    French forms go through `split_dateline` (given the dash it expects after a dateline);
    otherwise the last comma-separated part is the date if it reads as one, and the rest is
    one place as written: “New York, NY” names one city, not two.
    """
    text = text.strip(" -–—")
    if not text:
        return None
    parsed, _ = split_dateline(f"{text} – ", default_year=default_year)
    if parsed is not None:
        return parsed
    head, comma, tail = text.rpartition(",")
    when = _any_date(tail, default_year) if comma else None
    place = _place(head if when else text)
    if len(place.split()) > MAX_PLACE_WORDS:
        place = ""  # a sentence, not a place name
    return ParsedDateline(places=(place,) if place else (), date=when)


def _dateline_from_paragraph(
    paragraph: str, default_year: int | None
) -> tuple[ParsedDateline | None, str]:
    """The dateline opening the first paragraph, French or English form, and the rest."""
    parsed, rest = split_dateline(paragraph, default_year=default_year)
    if parsed is not None:
        return parsed, rest
    for pattern in (_EN_BRACKETED, _EN_LEADING):
        match = pattern.match(paragraph)
        if match is None:
            continue
        when = _english_date(match["date"], default_year)
        if when is not None:
            dateline = ParsedDateline(places=(_place(match["place"]),), date=when)
            return dateline, paragraph[match.end() :].lstrip()
    return None, paragraph


def read_dateline(
    item: etree._Element, content: Content, default_year: int | None
) -> tuple[Dateline | None, list[str]]:
    """The dateline, and the paragraphs without a dateline that opened the first one.

    Places come from the dateline text, else the first paragraph, else contentMeta/located;
    the date from the same text, else the day the content was created.
    """
    content_meta = child(item, "contentMeta")
    text = text_of(child(content_meta, "dateline")) or content.dateline
    parsed = _dateline_from_element(text, default_year) if text else None
    paragraphs = list(content.paragraphs)
    if paragraphs:
        opening, rest = _dateline_from_paragraph(paragraphs[0], default_year)
        if opening is not None and rest:
            paragraphs[0] = rest
            parsed = parsed or opening
    places = parsed.places if parsed else ()
    if not places:
        located = text_of(child(content_meta, "located", "name"))
        places = (located,) if located else ()
    if not places:
        return None, paragraphs
    when = (parsed.date if parsed else None) or content_date(item)
    return Dateline(places=places, date=when), paragraphs
