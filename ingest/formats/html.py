"""HTML pages: trafilatura finds the main text and metadata; we clean up what it keeps.

trafilatura is good at the main text but keeps some page furniture: sign-up and author
boxes, “next story” teasers, a post's date line, picture credits, paywall teasers, the
headline repeated with the site name, “À lire aussi” links. html_cleanup removes those by
cues that hold across languages (#14); here “À lire” links become read-also items (with
their URL, which plain text lacks) and the dateline is read off the first paragraph.
Measured on the tuning and held-out pages of ../shared/data/extraction: bench/extraction.py.
"""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urljoin

import trafilatura
from trafilatura import extract_metadata
from trafilatura.deduplication import LRUCache
from trafilatura.settings import Document
from trafilatura.utils import load_html

from ingest.dateline import split_dateline
from ingest.exceptions import EmptyArticle
from ingest.language import detect_language
from newsroom.article import Dateline, ExtractedArticle, Image, ReadAlso, SourceCredit

from .base import RawDocument, aware_datetime
from .html_cleanup import (
    is_furniture,
    link_texts,
    prefer_article_body,
    prune_boxes,
    without_trailing_links,
)
from .plaintext import READ_ALSO

# trafilatura's defaults, but for comments (readers' comments are not the article) and
# deduplication within the page; the metadata is read apart, before prune_boxes.
TRAFILATURA_OPTIONS: dict[str, Any] = {
    "include_tables": True,
    "include_comments": False,
    "with_metadata": False,
}


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


def _clean_title(title: str, sitename: str = "") -> str:
    """“Titre | Rubrique | Site | date” → “Titre”: news sites append their name to <title>.

    “Titre - Site” (or –, —, ·) loses its tail only when the tail is the site's name, since
    a dash inside a headline is common.
    """
    title = " ".join(title.split())
    if " | " in title:
        return title.split(" | ")[0].strip()
    site = " ".join(sitename.split()).casefold()
    for separator in (" - ", " – ", " — ", " · "):
        head, _, tail = title.rpartition(separator)
        if head and site and tail.strip().casefold() == site:
            return head.strip()
    return title


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
        tree = load_html(html)
        if tree is None:
            raise EmptyArticle()
        # Read before anything is removed: links and metadata may sit in pruned boxes.
        read_also = _read_also_links(tree, url)
        links = link_texts(tree)
        metadata = extract_metadata(tree, default_url=url or None)
        prune_boxes(tree)
        # A cache per page: trafilatura's shared one would drop paragraphs seen on earlier
        # pages, and refuse a page outright once it had been extracted twice (#14).
        # Without as_dict=True, trafilatura returns a Document (or None), never a dict.
        result = cast(
            Document | None,
            trafilatura.bare_extraction(
                tree,
                url=url or metadata.url,
                deduplicate=LRUCache(maxsize=1024),
                **TRAFILATURA_OPTIONS,
            ),
        )
        warnings: list[str] = []
        # No main text found in the HTML: the schema.org articleBody may still give it.
        text = (result.text or "") if result is not None else ""
        title = _clean_title(metadata.title or "", metadata.sitename or "")
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
            if is_furniture(line, title):
                warnings.append(f"dropped page furniture: {line[:60]}")
                continue
            paragraphs.append(line)
        kept = without_trailing_links(paragraphs, links)
        if len(kept) < len(paragraphs):
            warnings.append(f"dropped {len(paragraphs) - len(kept)} closing links")
            paragraphs = kept
        if (article_body := prefer_article_body(paragraphs, tree)) is not None:
            warnings.append("main text taken from the page's schema.org articleBody")
            paragraphs = article_body
        if not paragraphs:
            raise EmptyArticle()

        dateline = None
        parsed, first = split_dateline(paragraphs[0])
        if parsed is not None:
            dateline = Dateline(places=parsed.places, date=parsed.date)
            paragraphs[0] = first

        description = " ".join((metadata.description or "").split())
        if description and paragraphs[0].startswith(description[:60].rstrip(". …")):
            standfirst, body = paragraphs[0], paragraphs[1:]
        else:
            standfirst, body = description, paragraphs
        if not body:
            body, standfirst = [standfirst], ""

        images = (Image(url=urljoin(url, metadata.image)),) if metadata.image else ()
        return ExtractedArticle(
            title=title,
            standfirst=standfirst,
            dateline=dateline,
            body=tuple(body),
            read_also=tuple(read_also),
            source=SourceCredit(
                outlet=(metadata.sitename or "").strip(),
                author=(metadata.author or "").strip(),
                url=metadata.url or url,
            ),
            language=detect_language("\n".join([title, *body])),
            published=aware_datetime(metadata.date),
            images=images,
            format=self.name,
            warnings=tuple(warnings),
            byline=(metadata.author or "").strip(),
            subjects=tuple((metadata.categories or []) + (metadata.tags or [])),
        )
