"""Plain text as a reader copies a page: site chrome, headline, furniture, dateline, body.

Editors paste partner pages like `../shared/seed/…txt`, or a story as headline, blank line,
body; French press conventions, not one site's layout (issue #14). Blocks are separated by
blank lines (line breaks when there are none). The headline is the first block, however it
ends and however long; site chrome (site name, tagline) precedes it only when a longer
headline-shaped block follows before the text; an all-caps line above it is the kicker.
Furniture lines go to their fields, never to headline or text: byline (“Par X et Y”), stamps
(“Publié le …”, “Mis à jour le …”), photo credits (“Photo : AFP”, “© Reuters”), the date
line opening a story (“12 avril 2024 . –”). The story's first paragraph may open with a
dateline (`ingest.dateline`) and is the standfirst. “A lire : <titre>” lines are read-also
links; sign-up invitations and a related-articles heading with what follows are chrome;
“comme le rapporte <auteur> du quotidien «<média>»” credits the partner outlet. Refused,
saying why, is only what is not an article: no text, one line, a headline and nothing after
it but furniture or a fragment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from ingest.dateline import MONTHS, parse_french_date, split_dateline
from ingest.exceptions import ArticleWithoutBody, EmptyArticle, OneLineText
from ingest.language import detect_language
from newsroom.article import Dateline, ExtractedArticle, Image, ReadAlso, SourceCredit

from .base import RawDocument

MAX_HEADLINE_CHARS = 250
PROSE_WORDS = 25  # a block this long is text, whatever its last character
SENTENCE_WORDS = 12  # ...and one this long that ends like a sentence
MIN_BODY_WORDS = 12  # below this, what follows the headline is a fragment, not a body
HEAD_BLOCKS = 6  # how far from the top a story's date line or dateline is looked for
KICKER_WORDS = 6
PARIS = ZoneInfo("Europe/Paris")

_SENTENCE_END = re.compile(r"[.!?…»\"”)]\s*$")
# A statement ends with a full stop: a headline rarely does, a standfirst or caption does.
_STATEMENT_END = re.compile(r"[.…]\s*[»\"”’)\]]*\s*$")

READ_ALSO = re.compile(
    r"^\s*(?:[AÀ]\s+lire(?:\s+aussi|\s+également)?|Lire\s+aussi|Voir\s+aussi)\s*[:\-–]\s*(?P<title>.+?)\s*$",
    re.IGNORECASE,
)
RELATED_HEADING = re.compile(
    r"^\s*(?:[AÀ]\s+lire\s+sur\s+le\s+même\s+(?:thème|sujet)|Sur\s+le\s+même\s+(?:thème|sujet)"
    r"|Articles?\s+(?:liés|similaires|connexes)|Dans\s+la\s+même\s+rubrique|Les\s+plus\s+lus)\s*:?\s*$",
    re.IGNORECASE,
)
_INVITING = (
    r"newsletter|lettre\s+d['’]information|abonnez-vous|inscrivez-vous"
    r"|recevez\s+(?:nos|notre|gratuitement)|suivez-nous|partager\s+sur"
)
SIGN_UP = re.compile(rf"\b(?:{_INVITING}|alertes?)\b", re.IGNORECASE)
# SIGN_UP (shared with the HTML adapter) also finds “alerte”, which is news in plain text:
# “Chine : alerte rouge…” was dropped as a sign-up and the article refused (issue #14).
_INVITATION = re.compile(rf"\b(?:{_INVITING})\b", re.IGNORECASE)
# “comme le rapporte Matteo Turato du quotidien italien «Formiche»”, “selon le journal «X»”,
# “rapporte l'agence «Y»”, “écrit Nom dans le quotidien «Z»”.
_OUTLET_KIND = (
    r"(?:quotidien|journal|hebdomadaire|magazine|mensuel|site(?:\s+d['’]information)?"
    r"|agence(?:\s+de\s+presse)?|radio|télévision|chaîne|revue|média)"
)
_QUOTED = r"[«\"“]\s*(?P<outlet>[^»\"”]{2,80}?)\s*[»\"”]"
_AUTHOR = r"(?P<author>[A-ZÀ-Þ][\w'’\-]+(?:\s+[A-ZÀ-Þ][\w'’\-]+){1,3})"
SOURCE_CREDITS = (
    re.compile(
        rf"(?:comme\s+le\s+rapporte|rapporte|écrit|selon|explique|indique)\s+{_AUTHOR}"
        rf"\s+(?:du|de\s+l['’]|de\s+la|dans\s+le|dans\s+la)\s*(?P<kind>{_OUTLET_KIND}[^«\"“]{{0,40}}?)\s*{_QUOTED}"
    ),
    re.compile(
        rf"(?:comme\s+le\s+rapporte|rapporte|selon|d['’]après)\s+(?:le|la|l['’])\s*"
        rf"(?P<kind>{_OUTLET_KIND}[^«\"“]{{0,40}}?)\s*{_QUOTED}"
    ),
)

# Furniture ------------------------------------------------------------------------------
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_WRITTEN_DATE = (
    rf"(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\s+)?"
    rf"(?:1er|\d{{1,2}})\s+(?:{_MONTH})\s+\d{{4}}"
)
_NUMERIC_DATE = r"\d{1,2}[/.]\d{1,2}[/.]\d{4}"
_TIME = r"\d{1,2}\s*[h:]\s*(?:\d{2})?(?:\s*(?:UTC|GMT|TU)\b)?"
_WHEN = rf"(?P<date>{_WRITTEN_DATE}|{_NUMERIC_DATE})(?:\s*(?:,|à)?\s*(?P<time>{_TIME}))?"
_STAMP = re.compile(
    rf"(?P<kind>publi[ée]+|mise?\s+à\s+jour|modifi[ée]+|(?:page\s+)?actualis[ée]+)\s*"
    rf"(?:le\s+|:\s*(?:le\s+)?)?{_WHEN}",
    re.IGNORECASE,
)
_BARE_DATE = re.compile(rf"(?:le\s+)?{_WHEN}\s*\.?", re.IGNORECASE)
# “12 avril 2024 . –”, “5 octobre 2016, 9 h 55 UTC . –”, “29 juillet 2016, Auschwitz,
# Pologne . –”: the date (and place) that opens a story, alone or before its first words.
_DATE_DASH = re.compile(
    rf"^(?P<date>{_WRITTEN_DATE})(?:\s*,\s*(?P<time>{_TIME}))?"
    rf"(?:\s*,\s*(?P<places>[A-ZÀ-ÖØ-Þ][^.–—\d]{{0,80}}?))?"
    rf"\s*(?P<stop>\.)?\s*[–—-]{{1,2}}(?:\s+(?P<rest>.+))?$",
    re.IGNORECASE,
)
_NAME_WORD = r"[A-ZÀ-ÖØ-Þ][\w'’\-]*\.?"
_NAME = (
    rf"{_NAME_WORD}(?:\s+(?:(?:de|du|des|la|le|van|von|ben|bin|ibn|el|al)\s+)?{_NAME_WORD}"
    rf"|\s+d['’]{_NAME_WORD}){{0,3}}"
)
_BYLINE = re.compile(
    rf"^Par\s+(?P<names>{_NAME}(?:\s*(?:,|\bet\b|&)\s*{_NAME})*|la\s+rédaction"
    rf"|notre\s+(?:correspondante?|envoyée?\s+spéciale?)(?:\s+(?:à|au|en)\s+{_NAME})?)"
    r"(?:\s*\((?:AFP|Reuters|AP|[A-Z]{2,6})\)|\s+avec\s+(?:l['’])?(?:AFP|Reuters|AP)"
    r"|\s*,\s*(?:envoyée?\s+spéciale?|correspondante?|journaliste|à)\s[^|•,–—]{0,60}?"
    r"(?=\s*(?:[|•–—]|\s-\s|$)))?"
)
_UPDATE_NOTE = re.compile(rf"^(?!publi){_STAMP.pattern}\s*[—–]\s*(?=\S)", re.IGNORECASE)
_SEPARATORS = re.compile(r"(?:[\s,;|•·/–—.-]|\bet\b)*", re.IGNORECASE)
_CREDIT = re.compile(
    r"^\(?\s*(?:photos?|crédits?(?:\s+photos?)?|photographie|illustration|image)"
    r"(?:\s+d['’]illustration)?\s*:\s*(?P<credit>[^:()]{1,80}?)\s*\)?\s*\.?$",
    re.IGNORECASE,
)
_COPYRIGHT = re.compile(
    r"^(?P<caption>[^©]{0,250}?)\s*[(\[]?\s*©\s*(?P<credit>[^©.!?]{1,60}?)\s*[)\]]?\s*\.?$"
)


@dataclass
class _Furniture:
    """What a page prints around the story, read off the lines that carried it."""

    byline: str = ""
    published: datetime | None = None  # a “Publié le …” stamp
    dated: datetime | None = None  # a date line, or a date on a line of its own
    dateline: Dateline | None = None  # the date line that opens the story
    story_start: int | None = None  # the block that date line opens
    updated: list[datetime] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what an update says changed
    images: list[Image] = field(default_factory=list)


def _when(day_text: str, time_text: str | None) -> datetime | None:
    """An aware datetime in Paris (UTC if it says so); a day without a time is read as noon,
    as `ingest.services` reads a dateline's date, so no time zone moves it to another day."""
    numeric = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", day_text)
    clock = re.match(r"(\d{1,2})\s*[h:]\s*(\d{2})?", time_text or "12h")
    zone = UTC if re.search(r"UTC|GMT|TU", time_text or "", re.IGNORECASE) else PARIS
    try:
        day = date(*map(int, numeric.groups()[::-1])) if numeric else parse_french_date(day_text)
        moment = time(int(clock[1]), int(clock[2] or 0)) if clock else time(12)
    except ValueError:
        return None
    return datetime.combine(day, moment, tzinfo=zone) if day else None


def _take_furniture(line: str, found: _Furniture) -> bool:
    """Whether `line` is a byline, stamp or photo credit; if so, what it says goes to `found`."""
    credit = _CREDIT.match(line) or _COPYRIGHT.match(line)
    if credit:
        caption = (credit.groupdict().get("caption") or "").strip()
        found.images.append(Image(url="", caption=caption, credit=credit["credit"].strip()))
        return True
    byline = _BYLINE.match(line)
    rest = line[byline.end() :] if byline else line
    stamps = list(_STAMP.finditer(rest))
    note = _UPDATE_NOTE.match(rest)  # “Page actualisée : 16 juin 2016 — « … »”
    if note:
        found.notes.append(rest[note.end() :].strip())
    elif not (byline or stamps) or not _SEPARATORS.fullmatch(_STAMP.sub(" ", rest)):
        return False
    if byline and not found.byline:
        names = re.split(r"\s*(?:,|\bet\b|&)\s*", byline["names"])
        found.byline = ", ".join(names)[:1].upper() + ", ".join(names)[1:]
    for stamp in stamps:
        when = _when(stamp["date"], stamp["time"])
        if when and stamp["kind"].lower().startswith("publi"):
            found.published = found.published or when
        elif when:
            found.updated.append(when)
    return True


def _is_kicker(line: str) -> bool:
    letters = [char for char in line if char.isalpha()]
    return len(letters) >= 2 and line.upper() == line and len(line.split()) <= KICKER_WORDS


def _is_prose(block: str) -> bool:
    """Whether a block reads as the story's text rather than a headline or page chrome."""
    sentence = len(block.split()) >= SENTENCE_WORDS and _SENTENCE_END.search(block)
    return _long(block) or bool(_STATEMENT_END.search(block) or sentence)


def _read_blocks(text: str) -> tuple[list[str], _Furniture]:
    """Text blocks with the furniture lines taken out, and what those lines said."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    parts = [[line.strip() for line in part.split("\n")] for part in re.split(r"\n\s*\n", text)]
    raw = [lines for lines in (list(filter(None, part)) for part in parts) if lines]
    if len(raw) == 1:
        raw = [[line] for line in raw[0]]  # no blank line at all: one paragraph a line
    found = _Furniture()
    out: list[list[str]] = []
    head = True  # still above the story's first long paragraph
    for lines in raw:
        kept: list[str] = []
        for line in lines:
            if _take_furniture(line, found):
                continue
            # Before a story's first words, only where they may start: the first paragraph,
            # or anywhere above the text in the “date . –” form (not a timeline's “date –”).
            dash = _DATE_DASH.match(line) if head and found.story_start is None else None
            if dash and (out or kept) and (not dash["rest"] or dash["stop"] or _first(out)):
                if (when := _when(dash["date"], dash["time"])) is not None:
                    out, kept = out + [kept] if kept else out, []
                    places = [p.strip() for p in (dash["places"] or "").split(",")]
                    found.dateline = Dateline(places=tuple(filter(None, places)), date=when.date())
                    found.dated, found.story_start = found.dated or when, len(out)
                    kept += [dash["rest"]] if dash["rest"] else []
                    continue
            if head and (bare := _BARE_DATE.fullmatch(line)):
                found.dated = found.dated or _when(bare["date"], bare["time"])
                continue
            if not out and not kept and len(lines) > 1 and _is_kicker(line):
                out.append([line])  # a kicker above the headline, in the same block
                continue
            kept.append(line)
        if kept:
            out.append(kept)
        if len(out) >= HEAD_BLOCKS or (len(out) > 1 and _long(" ".join(out[-1]))):
            head = False
    # A headline block glued to the text under it (no blank line between): its first line.
    if out and len(out[0]) > 1 and _long(" ".join(out[0])) and not _is_prose(out[0][0]):
        out[0:1] = [out[0][:1], out[0][1:]]
        found.story_start = found.story_start + 1 if found.story_start is not None else None
    return [" ".join(lines) for lines in out], found


def _first(blocks: list[list[str]]) -> bool:
    """Whether no paragraph has been read yet under the headline."""
    return not any(_is_prose(" ".join(block)) for block in blocks[1:])


def _long(block: str) -> bool:
    return len(block) > MAX_HEADLINE_CHARS or len(block.split()) >= PROSE_WORDS


def _opens_with_dateline(block: str) -> bool:
    parsed, rest = split_dateline(block)
    return parsed is not None and _is_prose(rest)


def _find_source_credit(paragraphs: list[str]) -> SourceCredit:
    for paragraph in paragraphs:
        for pattern in SOURCE_CREDITS:
            match = pattern.search(paragraph)
            if match:
                author = match.groupdict().get("author") or ""
                return SourceCredit(outlet=match["outlet"].strip(), author=author.strip())
    return SourceCredit()


def _refusal(text: str, blocks: list[str]) -> EmptyArticle:
    if not blocks:
        return EmptyArticle()
    if len([line for line in text.splitlines() if line.strip(" \t\ufeff")]) <= 1:
        return OneLineText()
    headline = blocks[0] if len(blocks[0]) <= 80 else blocks[0][:79].rstrip() + "…"
    return ArticleWithoutBody(headline=headline)


_Layout = tuple[str, list[str], int, int, bool]


def _layout(text: str, blocks: list[str], start: int | None) -> _Layout:
    """(kicker, blocks, headline, first block of text, whether a dateline marks that block).

    The headline is the first block unless a longer headline-shaped block follows it before
    the text starts: then the first is site chrome (a site name, a tagline).
    """
    if start is None or start >= len(blocks):
        limit = min(len(blocks), HEAD_BLOCKS)
        start = next((i for i in range(1, limit) if _opens_with_dateline(blocks[i])), None)
    kicker = ""  # an all-caps line above a headline-shaped block (not above the story)
    if len(blocks) > 1 and start != 1 and _is_kicker(blocks[0]):
        if len(blocks[1]) <= MAX_HEADLINE_CHARS and not _STATEMENT_END.search(blocks[1]):
            kicker, blocks, start = blocks[0], blocks[1:], start - 1 if start else None
    prose = [index > 0 and _is_prose(block) for index, block in enumerate(blocks)]
    first_prose = next((i for i, is_prose in enumerate(prose) if is_prose), None)
    # A dateline past the first paragraph opens a later one, not the story.
    anchored = start is not None and (first_prose is None or start <= first_prose + 1)
    if anchored and start is not None:
        end = start
    elif first_prose is not None:
        end = first_prose
    elif sum(len(block.split()) for block in blocks[1:]) >= MIN_BODY_WORDS:
        end = 1  # short lines, but enough of them to be a story
    else:
        raise _refusal(text, blocks)
    # Chrome above a headline (site name, tagline) never ends like a sentence: a later block
    # that does is a short paragraph (“Enfin la pluie !”), not the headline.
    later = [i for i in range(1, end) if not (prose[i] or _SENTENCE_END.search(blocks[i]))]
    candidates = [0, *later]
    above = end - 1  # a long question right above a dateline is its headline
    if anchored and above > 0 and not _STATEMENT_END.search(blocks[above]):
        if above not in candidates and len(blocks[above]) <= MAX_HEADLINE_CHARS:
            candidates.append(above)
    candidates = [i for i in candidates if not _INVITATION.search(blocks[i])] or candidates
    headline = max(candidates, key=lambda i: (len(blocks[i].split()), -i))
    return kicker, blocks, headline, end, anchored


class PlainTextAdapter:
    name = "plaintext"

    def sniff(self, document: RawDocument) -> bool:
        head = document.content[:2048].lstrip()
        return bool(head) and not head.startswith((b"<", b"{", b"\x00"))

    def extract(self, document: RawDocument) -> list[ExtractedArticle]:
        try:
            text = document.content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = document.content.decode("cp1252", errors="replace")
        return [self.extract_text(text, url=document.url)]

    def extract_text(self, text: str, *, url: str = "") -> ExtractedArticle:
        blocks, found = _read_blocks(text)
        warnings: list[str] = []
        # Related-articles heading: it and everything after it are the site's, not the story's.
        for index, block in enumerate(blocks):
            if RELATED_HEADING.match(block):
                warnings.append("chrome: dropped the related-articles list")
                blocks = blocks[:index]
                break
        kicker, blocks, headline, end, anchored = _layout(text, blocks, found.story_start)
        title = blocks[headline]
        chrome = blocks[:headline]
        # A short line right above the headline is a kicker (surtitre); longer ones, and the
        # first line of the page when there are several, are the site's tagline and menus.
        short = bool(chrome) and len(chrome[-1].split()) <= 5 and len(chrome) >= 2
        if chrome and (_is_kicker(chrome[-1]) or short):
            kicker = kicker or chrome.pop()
        if chrome:
            warnings.append(f"chrome: dropped {len(chrome)} line(s) before the headline")
        # Above a dateline, what is not a sentence is the page's: captions, tags.
        between = [i for i in range(headline + 1, end) if not anchored or _is_prose(blocks[i])]
        if dropped := end - headline - 1 - len(between):
            warnings.append(f"chrome: dropped {dropped} block(s) above the dateline")
        read_also: list[ReadAlso] = []
        paragraphs: list[str] = []
        story = 0  # the paragraph the story starts with: its dateline is read
        for index in [*between, *range(end, len(blocks))]:
            block = blocks[index]
            link = READ_ALSO.match(block)
            if link and not RELATED_HEADING.match(block):
                # paragraphs[0] will be the standfirst: the rest are body paragraphs.
                position = max(len(paragraphs) - 1, 0)
                read_also.append(ReadAlso(title=link["title"], position=position))
            elif _INVITATION.search(block) and not _is_prose(block):
                warnings.append("chrome: dropped a sign-up invitation")
            else:
                story = len(paragraphs) if index == end and anchored else story
                paragraphs.append(block)
        when = found.published or found.dated
        opening = paragraphs[story] if paragraphs else ""
        parsed, opened = split_dateline(opening, default_year=when.year if when else None)
        dateline = found.dateline
        if parsed is not None:
            paragraphs[story] = opened
            dated = found.dateline.date if found.dateline else None
            dateline = Dateline(places=parsed.places, date=parsed.date or dated)
        paragraphs = [paragraph for paragraph in paragraphs if paragraph]
        if not paragraphs:
            raise _refusal(text, blocks)
        standfirst, *body = paragraphs
        if not body:
            # A single paragraph is the story itself, not a summary of it.
            body, standfirst = [standfirst], ""
            warnings.append("no standfirst: a single paragraph")
        warnings += [f"updated: {moment.isoformat()}" for moment in found.updated]
        warnings += [f"update note: {note}" for note in found.notes]

        credit = _find_source_credit(body)
        credit = SourceCredit(outlet=credit.outlet, author=credit.author, url=url)
        return ExtractedArticle(
            title=title,
            kicker=kicker,
            standfirst=standfirst,
            dateline=dateline,
            body=tuple(body),
            read_also=tuple(read_also),
            source=credit,
            language=detect_language("\n".join([title, standfirst, *body])),
            published=when,
            images=tuple(found.images),
            format=self.name,
            warnings=tuple(warnings),
            byline=found.byline,
        )
