"""Datelines in French press style: where and when a story was filed.

The forms newsrooms print (and partners paste) are:
  “(Rome, Paris, 19 décembre 2022). Le président…”   — places and date in brackets;
  “TUNIS – Le gouvernement…”, “Le Caire (AFP) – …”   — place in capitals or with an agency;
  “BEYROUTH, 12 mars (Reuters) - …”, “Paris, le 3 mai 2023 — …”.
`split_dateline` recognises them at the start of a paragraph and returns the dateline and the
text that follows. Pure functions: no database, no model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MONTHS = {
    "janvier": 1,
    "février": 2,
    "fevrier": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "août": 8,
    "aout": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "décembre": 12,
    "decembre": 12,
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATE = re.compile(
    rf"^(?:le\s+)?(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\s+)?"
    rf"(?P<day>\d{{1,2}})(?:er)?\s+(?P<month>{_MONTH})(?:\s+(?P<year>\d{{4}}))?$",
    re.IGNORECASE,
)
# A place name: capitalised words, with French particles and hyphens (Le Caire, Saint-Denis,
# Charm el-Cheikh, N'Djamena). At most five words, so a sentence is never taken for a place.
_WORD = r"[A-ZÀ-ÖØ-Þ][\w'’\-\.]*"
_LINK = r"(?:\s+(?:de|du|des|la|le|les|el|al|d'|l'|sur|en|et)\s*|\s+|-)"
_PLACE = rf"(?:{_WORD}|l'|L'|le\s|Le\s|La\s|Les\s)(?:{_LINK}{_WORD}){{0,4}}"
_AGENCY = (
    r"\((?P<agency>AFP|Reuters|AP|ANSA|APS|MAP|TAP|ANI|Anadolu|SPA|WAM|QNA|KUNA|APA|[A-Z]{2,6})\)"
)
_DASH = r"\s*[–—-]{1,2}\s+"

_BRACKETED = re.compile(r"^\((?P<inner>[^()]{3,160})\)\s*\.?\s*")
_LEADING = re.compile(
    rf"^(?P<places>{_PLACE}(?:\s*(?:,|/|et)\s*{_PLACE})*)"
    rf"(?:\s*,\s*(?P<date>[^–—()\-]{{3,40}}?))?"
    rf"\s*(?:{_AGENCY})?{_DASH}"
)


@dataclass(frozen=True)
class ParsedDateline:
    places: tuple[str, ...]
    date: date | None
    agency: str = ""


def parse_french_date(text: str, *, default_year: int | None = None) -> date | None:
    """“19 décembre 2022”, “le 1er mars”, “lundi 3 mai 2021” → a date (None if not one)."""
    match = _DATE.match(text.strip().rstrip("."))
    if not match:
        return None
    year = int(match["year"]) if match["year"] else default_year
    if year is None:
        return None
    try:
        return date(year, MONTHS[match["month"].lower()], int(match["day"]))
    except ValueError:
        return None


def _place_name(raw: str) -> str:
    """TUNIS → Tunis, LE CAIRE → Le Caire; mixed-case names are kept as written."""
    raw = raw.strip(" ,.")
    if raw.isupper() and len(raw) > 3:
        return " ".join(
            part if part in {"de", "du", "des", "el", "al"} else part.capitalize()
            for part in raw.lower().split()
        )
    return raw


def split_dateline(
    text: str, *, default_year: int | None = None
) -> tuple[ParsedDateline | None, str]:
    """The dateline opening `text`, if any, and the text after it.

    `default_year` completes dates printed without a year (“12 mars”), usually the year the
    item was published.
    """
    stripped = text.lstrip()
    bracketed = _BRACKETED.match(stripped)
    if bracketed:
        dateline = _parse_bracketed(bracketed["inner"], default_year=default_year)
        if dateline is not None:
            return dateline, stripped[bracketed.end() :].lstrip()
    leading = _LEADING.match(stripped)
    if leading:
        places = tuple(
            _place_name(place)
            for place in re.split(r"\s*(?:,|/|\bet\b)\s*", leading["places"])
            if place.strip()
        )
        when = None
        if leading["date"]:
            when = parse_french_date(leading["date"], default_year=default_year)
            if when is None:
                return None, text
        # A place in capitals, an agency or a date is what tells a dateline from a sentence
        # that happens to start with a name and a dash.
        is_dateline = (
            leading["places"].split()[0].isupper() or leading["agency"] or when is not None
        )
        if is_dateline and places:
            dateline = ParsedDateline(places=places, date=when, agency=leading["agency"] or "")
            return dateline, stripped[leading.end() :].lstrip()
    return None, text


def _parse_bracketed(inner: str, *, default_year: int | None) -> ParsedDateline | None:
    parts = [part.strip() for part in inner.split(",") if part.strip()]
    if not parts:
        return None
    when = parse_french_date(parts[-1], default_year=default_year)
    places = parts[:-1] if when else parts
    if when is None and len(parts) > 1:
        return None  # “(voir ci-dessous, page 3)” is not a dateline
    if not places or not all(re.fullmatch(_PLACE, place) for place in places):
        return None
    if when is None and not all(place[0].isupper() for place in places):
        return None
    return ParsedDateline(places=tuple(_place_name(place) for place in places), date=when)
