"""Plain text as a reader copies a page: site chrome, headline, dateline, standfirst, body.

Editors paste partner pages like `../shared/seed/…txt`. The rules below follow French press
conventions in general, not one site's layout:
- blocks are separated by blank lines; the text before the first paragraph is the site's
  chrome (tagline, section names), an optional kicker, then the headline;
- the first paragraph may open with a dateline, “(Rome, Paris, 19 décembre 2022).”, and is
  the standfirst (chapô);
- “A lire : <titre>” lines are read-also links, not body text;
- sign-up invitations (“Recevez notre newsletter…”) and the related-articles heading (“À lire
  sur le même thème”) with everything after it are chrome;
- “comme le rapporte <auteur> du quotidien italien «<média>»” credits the partner outlet.
"""

from __future__ import annotations

import re

from ingest.dateline import split_dateline
from ingest.exceptions import EmptyArticle, FormatError
from ingest.language import detect_language
from newsroom.article import Dateline, ExtractedArticle, ReadAlso, SourceCredit

from .base import RawDocument

MAX_HEADLINE_CHARS = 250
# A paragraph: long enough, or ending like a sentence.
_SENTENCE_END = re.compile(r"[.!?…»\"”)]\s*$")

READ_ALSO = re.compile(
    r"^\s*(?:[AÀ]\s+lire(?:\s+aussi|\s+également)?|Lire\s+aussi|Voir\s+aussi)\s*[:\-–]\s*(?P<title>.+?)\s*$",
    re.IGNORECASE,
)
RELATED_HEADING = re.compile(
    r"^\s*(?:[AÀ]\s+lire\s+sur\s+le\s+même\s+(?:thème|sujet)|Sur\s+le\s+même\s+(?:thème|sujet)"
    r"|Articles?\s+(?:liés|similaires|connexes)|Dans\s+la\s+même\s+rubrique|Les\s+plus\s+lus)\s*:?\s*$",
    re.IGNORECASE,
)
SIGN_UP = re.compile(
    r"\b(?:newsletter|lettre\s+d['’]information|alertes?|abonnez-vous|inscrivez-vous"
    r"|recevez\s+(?:nos|notre|gratuitement)|suivez-nous|partager\s+sur)\b",
    re.IGNORECASE,
)
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


def _blocks(text: str) -> list[str]:
    """Paragraph blocks: blank-line separated, inner line breaks joined, spaces normalised."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    blocks = []
    for raw in re.split(r"\n\s*\n", text):
        lines = [line.strip() for line in raw.split("\n") if line.strip()]
        if lines:
            blocks.append(" ".join(lines))
    return blocks


def _is_paragraph(block: str) -> bool:
    return (
        len(block) > MAX_HEADLINE_CHARS
        or (len(block.split()) >= 12 and bool(_SENTENCE_END.search(block)))
        or len(block.split()) >= 25
    )


def _find_source_credit(paragraphs: list[str]) -> SourceCredit:
    for paragraph in paragraphs:
        for pattern in SOURCE_CREDITS:
            match = pattern.search(paragraph)
            if match:
                author = match.groupdict().get("author") or ""
                return SourceCredit(outlet=match["outlet"].strip(), author=author.strip())
    return SourceCredit()


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
        blocks = _blocks(text)
        if not blocks:
            raise EmptyArticle()
        warnings: list[str] = []

        # Related-articles heading: it and everything after it are the site's, not the story's.
        for index, block in enumerate(blocks):
            if RELATED_HEADING.match(block):
                warnings.append("chrome: dropped the related-articles list")
                blocks = blocks[:index]
                break

        first_paragraph = next(
            (index for index, block in enumerate(blocks) if _is_paragraph(block)), None
        )
        if first_paragraph is None:
            raise EmptyArticle()
        preamble = [block for block in blocks[:first_paragraph] if not SIGN_UP.search(block)]
        if not preamble:
            raise FormatError("No headline before the first paragraph.")
        title = preamble[-1]
        kicker = ""
        chrome = preamble[:-1]
        # A short line right above the headline is a kicker (surtitre); longer ones, and the
        # first line of the page when there are several, are the site's tagline and menus.
        if chrome and len(chrome[-1].split()) <= 5 and len(chrome) >= 2:
            kicker = chrome.pop()
        if chrome:
            warnings.append(f"chrome: dropped {len(chrome)} line(s) before the headline")

        read_also: list[ReadAlso] = []
        paragraphs: list[str] = []
        for block in blocks[first_paragraph:]:
            link = READ_ALSO.match(block)
            if link and not RELATED_HEADING.match(block):
                # paragraphs[0] will be the standfirst: the rest are body paragraphs.
                position = max(len(paragraphs) - 1, 0)
                read_also.append(ReadAlso(title=link["title"], position=position))
            elif SIGN_UP.search(block) and not _is_paragraph(block):
                warnings.append("chrome: dropped a sign-up invitation")
            else:
                paragraphs.append(block)

        standfirst_block, *body = paragraphs
        dateline = None
        parsed, standfirst = split_dateline(standfirst_block)
        if parsed is not None:
            dateline = Dateline(places=parsed.places, date=parsed.date)
        if not body:
            # A single paragraph is the story itself, not a summary of it.
            body, standfirst = [standfirst], ""
            warnings.append("no standfirst: a single paragraph")

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
            format=self.name,
            warnings=tuple(warnings),
        )
