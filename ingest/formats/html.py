"""HTML pages: trafilatura finds the main text and metadata; we clean up what it keeps.

trafilatura is good at the main text but keeps some news-site furniture: paywall teasers,
photo-credit lines, the headline repeated with the site name, sign-up boxes, “À lire aussi”
links. Our post-processing removes those, turns “À lire” links into read-also items (with
their URL, which plain text lacks) and reads the dateline off the first paragraph.
Measured on ../shared/data/extraction: bench/extraction.py.
"""

from __future__ import annotations

import re
from typing import Any, cast
from urllib.parse import urljoin

import lxml.html
import trafilatura
from trafilatura.settings import Document

from ingest.dateline import split_dateline
from ingest.exceptions import EmptyArticle
from ingest.language import detect_language
from newsroom.article import Dateline, ExtractedArticle, Image, ReadAlso, SourceCredit

from .base import RawDocument, aware_datetime
from .plaintext import READ_ALSO, RELATED_HEADING, SIGN_UP

# Options chosen on the evaluation set: tables are mostly navigation on news pages.
TRAFILATURA_OPTIONS: dict[str, Any] = {
    "include_tables": False,
    "include_comments": False,
    "deduplicate": True,
    "with_metadata": True,
}

FURNITURE = re.compile(
    r"^(?:pour\s+lire\s+la\s+suite|pour\s+accéder\s+en\s+illimité|déjà\s+abonné"
    r"|abonnez-vous|réservé\s+aux\s+abonnés|cet\s+article\s+est\s+réservé"
    r"|crédits?\s+photos?\s*:|©\s*\w+\s*$|partager\s*(?:sur|cet\s+article)"
    r"|lire\s+la\s+suite|publicité$|je\s+m['’]abonne"
    r"|(?:nous\s+utilisons|ce\s+site\s+utilise)\s+des\s+cookies)",
    re.IGNORECASE,
)


def _read_also_links(tree: Any, base_url: str) -> list[ReadAlso]:
    """“À lire : <a>titre</a>” anywhere in the page, with the link's absolute URL."""
    links = []
    for element in tree.iter("p", "div", "li", "span", "strong"):
        text = " ".join(element.text_content().split())
        if len(text) > 300 or not (match := READ_ALSO.match(text)):
            continue
        anchor = next(iter(element.iter("a")), None)
        if anchor is None or not anchor.get("href"):
            continue
        title = " ".join(anchor.text_content().split()) or match["title"]
        link = ReadAlso(title=title, url=urljoin(base_url, anchor.get("href")))
        if link not in links:
            links.append(link)
    return links


def _clean_title(title: str) -> str:
    """“Titre | Rubrique | Site | date” → “Titre”: news sites append their name to <title>."""
    title = " ".join(title.split())
    return title.split(" | ")[0].strip() if " | " in title else title


def _is_furniture(line: str, title: str) -> bool:
    if FURNITURE.match(line) or RELATED_HEADING.match(line):
        return True
    if SIGN_UP.search(line) and len(line.split()) < 20:
        return True
    # The headline repeated, alone or with the site's name (“Titre | Rubrique | Site”).
    return bool(title) and (line == title or line.startswith(title + " |"))


class HTMLAdapter:
    name = "html"

    def sniff(self, document: RawDocument) -> bool:
        if "html" in document.content_type.lower():
            return True
        head = document.content[:1024].lstrip().lower()
        return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head

    def extract(self, document: RawDocument) -> list[ExtractedArticle]:
        return [self.extract_html(document.content, url=document.url)]

    def extract_html(self, html: bytes | str, *, url: str = "") -> ExtractedArticle:
        # Without as_dict=True, trafilatura returns a Document (or None), never a dict.
        result = cast(
            Document | None,
            trafilatura.bare_extraction(html, url=url or None, **TRAFILATURA_OPTIONS),
        )
        if result is None or not (result.text or "").strip():
            raise EmptyArticle()
        text = result.text or ""
        title = _clean_title(result.title or "")
        warnings = []
        read_also: list[ReadAlso] = []
        try:
            tree = lxml.html.fromstring(html)
            read_also = _read_also_links(tree, url)
        except (ValueError, lxml.etree.ParserError) as error:
            warnings.append(f"read-also links not searched: {error}")
        read_also_titles = {link.title for link in read_also}

        paragraphs = []
        for line in text.split("\n"):
            line = " ".join(line.split())
            if not line:
                continue
            if match := READ_ALSO.match(line):
                if match["title"] not in read_also_titles:
                    read_also.append(ReadAlso(title=match["title"]))
                continue
            if _is_furniture(line, title):
                warnings.append(f"dropped page furniture: {line[:60]}")
                continue
            paragraphs.append(line)
        if not paragraphs:
            raise EmptyArticle()

        dateline = None
        parsed, first = split_dateline(paragraphs[0])
        if parsed is not None:
            dateline = Dateline(places=parsed.places, date=parsed.date)
            paragraphs[0] = first

        description = " ".join((result.description or "").split())
        if description and paragraphs[0].startswith(description[:60].rstrip(". …")):
            standfirst, body = paragraphs[0], paragraphs[1:]
        else:
            standfirst, body = description, paragraphs
        if not body:
            body, standfirst = [standfirst], ""

        images = (Image(url=urljoin(url, result.image)),) if result.image else ()
        return ExtractedArticle(
            title=title,
            standfirst=standfirst,
            dateline=dateline,
            body=tuple(body),
            read_also=tuple(read_also),
            source=SourceCredit(
                outlet=(result.sitename or "").strip(),
                author=(result.author or "").strip(),
                url=result.url or url,
            ),
            language=detect_language("\n".join([title, *body])),
            published=aware_datetime(result.date),
            images=images,
            format=self.name,
            warnings=tuple(warnings),
            byline=(result.author or "").strip(),
            subjects=tuple((result.categories or []) + (result.tags or [])),
        )
