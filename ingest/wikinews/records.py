"""One WiNER-fr record read as an article, without touching the database.

Each line of the JSONL file is `{id, url, text, entities}`; the text is tokenised (a space
before punctuation, split elisions). `parse_record` undoes the tokenising, finds the lead
date, standfirst and paragraphs, and classifies the article into a section and countries.
"""

import datetime
import re
import zlib
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from newsroom.article import Dateline, ExtractedArticle, SourceCredit
from newsroom.exceptions import DomainError
from newsroom.models import Source

WIKINEWS_SOURCE = {
    "name": "Wikinews",
    "description": "",
    "url": "https://fr.wikinews.org",
    "language": "fr",
    "licence": Source.Licence.FULL,
    "licence_terms": "CC BY 2.5",
}
DEFAULT_SECTION = "international"
PARIS = ZoneInfo("Europe/Paris")
STANDFIRST_MAX_CHARS = 400
SENTENCES_PER_PARAGRAPH = 3
SLUG_MAX_CHARS = 100
LEAD_SEARCH_MAX_CHARS = 200


class WikinewsImportError(DomainError):
    """The import cannot go on (missing file), or one record cannot be read."""

    code = "wikinews_import_error"

    def __init__(self, message: str, *, code: str, line: int | None = None) -> None:
        super().__init__(message, code=code)
        self.line = line


# --- Typography -------------------------------------------------------------------------

_SPACES = re.compile(r"[ \t\u00a0]+")
_ELISION = re.compile(
    r"\b(aujourd|jusqu|lorsqu|puisqu|quoiqu|presqu|qu|[cdjlmnst])(['’]) +(?=\w)", re.IGNORECASE
)
_SPACE_BEFORE_CLOSING = re.compile(r" +([,.)\]…])")
_SPACE_AFTER_OPENING = re.compile(r"([(\[]) +")
_SPLIT_ORDINAL = re.compile(r"\b(\d+) (er|re|e|ème|ère|èmes|ers)\b")


def detokenize(text: str) -> str:
    """French typography back from tokenised text: “Paris , le 1 er mai .” → “Paris, le 1er mai.”

    No space before , . ) ] … nor after ( [; elisions joined (l' OMS → l'OMS); split ordinals
    joined (5 e → 5e). The space before : ; ! ? and inside « » is kept, as French wants one.
    Line breaks are kept.
    """
    lines = []
    for line in text.split("\n"):
        line = _SPACES.sub(" ", line)
        line = _ELISION.sub(r"\1\2", line)
        line = _SPACE_BEFORE_CLOSING.sub(r"\1", line)
        line = _SPACE_AFTER_OPENING.sub(r"\1", line)
        line = _SPLIT_ORDINAL.sub(r"\1\2", line)
        lines.append(line.strip())
    return "\n".join(lines)


_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[«\"(]?[A-ZÀ-ÖØ-Þ0-9])")


def split_sentences(text: str) -> list[str]:
    return [sentence for sentence in _SENTENCE_END.split(text.strip()) if sentence]


# --- One record -------------------------------------------------------------------------

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("janvier",),
            ("février", "fevrier"),
            ("mars",),
            ("avril",),
            ("mai",),
            ("juin",),
            ("juillet",),
            ("août", "aout"),
            ("septembre",),
            ("octobre",),
            ("novembre",),
            ("décembre", "decembre"),
        ),
        start=1,
    )
    for name in names
}
# “4 janvier 2016. – Aujourd'hui…” or “7 janvier 2016, 11 h 40 UTC. –” then the lead.
_LEAD_DATE = re.compile(
    r"^(?P<day>1er|\d{1,2}) (?P<month>[a-zéû]+) (?P<year>\d{4})"
    r"[^–—\n]{0,30}?\.? ?[–—] ?(?P<rest>.*)$",
    re.IGNORECASE,
)
# Wikinews page furniture that is not article text.
_TRAILER = re.compile(r"^(Partager cet article|Évènements du \d)")
_ID_DATE = re.compile(r"^(?P<year>\d{4})_(?P<month>\d{2})_(?P<day>\d{2})-(?P<seq>\d+)$")
FIRST_DAY = datetime.date(2016, 1, 1)
DAYS_IN_CORPUS = (datetime.date(2017, 12, 31) - FIRST_DAY).days + 1


@dataclass(frozen=True)
class WikinewsArticle:
    url: str
    title: str
    standfirst: str
    paragraphs: tuple[str, ...]
    dateline_date: datetime.date | None
    published_at: datetime.datetime
    section_slug: str
    countries: tuple[str, ...]

    def as_extracted(self) -> ExtractedArticle:
        """The record as the pipeline's article object, credited to its Wikinews page."""
        return ExtractedArticle(
            title=self.title,
            standfirst=self.standfirst,
            dateline=Dateline(date=self.dateline_date) if self.dateline_date else None,
            body=self.paragraphs,
            source=SourceCredit(outlet=WIKINEWS_SOURCE["name"], url=self.url),
            language="fr",
            published=self.published_at,
            format="wikinews",
            guid=self.url,
        )


def title_from_url(url: str) -> str:
    """The page name after /wiki/ (it may hold a slash), URL-decoded, underscores as spaces."""
    path = urlsplit(url).path
    name = path.split("/wiki/", 1)[1] if "/wiki/" in path else path.rsplit("/", 1)[-1]
    return unquote(name).replace("_", " ").strip()


def parse_record(record: dict, *, line: int | None = None) -> WikinewsArticle:
    """One corpus record as an article, or WikinewsImportError if it holds no article."""
    try:
        url, text, record_id = record["url"], record["text"], str(record.get("id", ""))
    except (KeyError, TypeError) as error:
        raise WikinewsImportError(
            _("The record has no url or text."), code="incomplete_record", line=line
        ) from error
    title = title_from_url(url)
    lines = [part for part in detokenize(text).split("\n") if part]
    if len(lines) > 1:
        lines = lines[1:]  # The first line repeats the headline.
    lines = _article_lines(lines)
    dateline_date, lines = _lead_date(lines)
    if len(lines) == 1 and "\n" not in text.strip():
        lines = _paragraphs_of_sentences(_strip_prefix(lines[0], title))
    if not lines:
        raise WikinewsImportError(_("The record has no article text."), code="empty", line=line)
    standfirst, paragraphs = _standfirst(lines)
    section_slug, countries = classify(title, "\n".join(lines))
    return WikinewsArticle(
        url=url,
        title=title[:255],
        standfirst=standfirst,
        paragraphs=tuple(paragraphs),
        dateline_date=dateline_date,
        published_at=publication_time(record_id, dateline_date),
        section_slug=section_slug,
        countries=countries,
    )


def publication_time(record_id: str, dateline_date: datetime.date | None) -> datetime.datetime:
    """Noon in Paris on the dateline day, else on the day the corpus id names.

    Ids look like “2016_01_04-002”: the sequence number adds minutes so that the articles of
    one day keep the corpus order. An id without a date falls on a day of 2016–2017 chosen by
    a checksum of the id, so a re-import gives the same date.
    """
    match = _ID_DATE.match(record_id)
    sequence = int(match["seq"]) if match else 0
    day = dateline_date
    if day is None and match:
        try:
            day = datetime.date(int(match["year"]), int(match["month"]), int(match["day"]))
        except ValueError:
            day = None
    if day is None:
        day = FIRST_DAY + datetime.timedelta(days=zlib.crc32(record_id.encode()) % DAYS_IN_CORPUS)
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=PARIS) + datetime.timedelta(
        minutes=sequence
    )


def _article_lines(lines: list[str]) -> list[str]:
    for index, line in enumerate(lines):
        if _TRAILER.match(line):
            return lines[:index]
    return lines


def _lead_date(lines: list[str]) -> tuple[datetime.date | None, list[str]]:
    """The date that opens the lead, and the lines from the lead on (captions before it go).

    Only the short lines before the first real paragraph are searched, so that a date opening
    a later paragraph is never mistaken for the lead.
    """
    for index, line in enumerate(lines):
        match = _LEAD_DATE.match(line)
        if match is None:
            if len(line) > LEAD_SEARCH_MAX_CHARS:
                break
            continue
        month = MONTHS.get(match["month"].lower())
        if month is None:
            continue
        day = 1 if match["day"].lower() == "1er" else int(match["day"])
        try:
            date = datetime.date(int(match["year"]), month, day)
        except ValueError:
            continue
        rest = match["rest"].strip()
        return date, ([rest] if rest else []) + lines[index + 1 :]
    return None, lines


def _strip_prefix(text: str, title: str) -> str:
    return text[len(title) :].lstrip(" .:–-") if text.startswith(title) else text


def _paragraphs_of_sentences(text: str) -> list[str]:
    sentences = split_sentences(text)
    return [
        " ".join(sentences[start : start + SENTENCES_PER_PARAGRAPH])
        for start in range(0, len(sentences), SENTENCES_PER_PARAGRAPH)
    ]


def _standfirst(lines: list[str]) -> tuple[str, list[str]]:
    """The first paragraph; its first sentences when it is long or is the whole article."""
    first, rest = lines[0], list(lines[1:])
    limit = STANDFIRST_MAX_CHARS if rest else 1  # a one-paragraph article: one sentence
    if len(first) <= limit:
        return first, rest
    sentences = split_sentences(first)
    standfirst = sentences[0]
    for count, sentence in enumerate(sentences[1:], start=1):
        if len(standfirst) + 1 + len(sentence) > limit:
            return standfirst, [" ".join(sentences[count:]), *rest]
        standfirst = f"{standfirst} {sentence}"
    return standfirst, rest


# --- Sections and countries by keyword --------------------------------------------------


@dataclass(frozen=True)
class Country:
    code: str
    section_slug: str
    pattern: re.Pattern = field(repr=False)


def _country(code: str, section_slug: str, words: str) -> Country:
    return Country(code, section_slug, re.compile(rf"\b(?:{words})", re.IGNORECASE))


# Names, demonyms (stems) and capitals. Tripoli is counted as Libyan.
COUNTRIES = (
    _country("MA", "maghreb", r"maroc|marocain|rabat\b|casablanca"),
    _country("DZ", "maghreb", r"algérie|algérien|alger\b"),
    _country("TN", "maghreb", r"tunisie|tunisien|tunis\b"),
    _country("LY", "maghreb", r"libye|libyen|tripoli\b|benghazi"),
    _country("MR", "maghreb", r"mauritanie|mauritanien|nouakchott"),
    _country("LB", "proche-orient", r"liban\b|libanais|beyrouth"),
    _country("SY", "proche-orient", r"syrie|syrien|damas\b|alep\b"),
    _country("IL", "proche-orient", r"israël|israel\b|israélien|tel[- ]aviv|jérusalem"),
    _country("PS", "proche-orient", r"palestin|gaza\b|cisjordanie|ramallah"),
    _country("JO", "proche-orient", r"jordanie|jordanien|amman\b"),
    _country("IQ", "moyen-orient", r"irak|iraq|bagdad|mossoul"),
    _country("IR", "moyen-orient", r"iran\b|iranien|téhéran"),
    _country("TR", "moyen-orient", r"turquie|turcs?\b|turques?\b|ankara|istanbul"),
    _country("YE", "moyen-orient", r"yémen|yéménite|sanaa\b"),
    _country("SA", "golfe", r"arabie saoudite|saoudien|riyad"),
    _country("QA", "golfe", r"qatar|doha\b"),
    _country("AE", "golfe", r"émirats arabes unis|émirien|dubaï|dubai\b|abou dhabi|abu dhabi"),
    _country("KW", "golfe", r"koweït|koweit"),
    _country("BH", "golfe", r"bahreïn|bahrein"),
    _country("OM", "golfe", r"oman\b|omanais|mascate"),
)
TITLE_WEIGHT = 3
MIN_TEXT_MENTIONS = 2


def classify(title: str, text: str) -> tuple[str, tuple[str, ...]]:
    """The section and the ISO codes of the countries an article is about.

    A country counts when the headline names it or the text names it at least twice; the
    section is the one whose countries score highest (a headline mention weighs three text
    mentions), International when no country counts.
    """
    scores = {}
    for country in COUNTRIES:
        in_title = len(country.pattern.findall(title))
        in_text = len(country.pattern.findall(text))
        if in_title or in_text >= MIN_TEXT_MENTIONS:
            scores[country] = TITLE_WEIGHT * in_title + in_text
    if not scores:
        return DEFAULT_SECTION, ()
    by_section: dict[str, int] = {}
    for country, score in scores.items():
        by_section[country.section_slug] = by_section.get(country.section_slug, 0) + score
    section_slug = max(by_section, key=by_section.__getitem__)  # ties: the first in COUNTRIES
    ranked = sorted(scores, key=lambda country: -scores[country])
    return section_slug, tuple(country.code for country in ranked)
