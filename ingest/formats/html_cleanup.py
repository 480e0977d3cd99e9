"""Page furniture that trafilatura keeps, told apart by cues that hold across languages.

The first rules were written for 13 French pages and did not carry over to pages they had
not seen (#14). What is here is judged on the tuning pages of `ingest/extraction_split.json`
(French, German, English) and checked, in aggregate only, on the held-out ones:

- boxes removed from the page before extraction, by what web developers call them in
  class and id attributes (English whatever the page's language): sign-up forms and
  newsletter boxes, the author's biography box, “related”/“next story” teasers, and what a
  browser does not show (`hidden`, `aria-hidden`, screen-reader-only text). A box holding
  more than `MAX_BOX_CHARS` of text is never removed: that is the article, not a box;
- lines dropped after extraction by their shape: a post's date-and-author line (a clock
  time, no sentence), counters (“Comments: 0”), picture credits, sign-up invitations,
  paywall and cookie notices, in French, English and German; the list of links that
  closes the body (other stories), with its heading;
- the schema.org `articleBody` (JSON-LD) when the page's HTML holds much less text than it:
  sites that render the article with JavaScript still publish it there.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import lxml.html
from trafilatura.xml import delete_element

from .plaintext import RELATED_HEADING, SIGN_UP

# Above this much text an element is a part of the page, not a box beside the article.
MAX_BOX_CHARS = 1500
# The schema.org body replaces the extracted text only when it is this many times longer.
ARTICLE_BODY_RATIO = 2
MIN_ARTICLE_BODY_CHARS = 500

# Fragments of class or id values (lower-cased), one group per kind of box, pruned in this
# order (each pass sees the page as the previous one left it).
BOX_NAMES = (
    ("newsletter", "subscri", "signup", "sign-up"),
    (
        "author-box",
        "authorbox",
        "author-bio",
        "author-card",
        "author-info",
        "author_info",
        "author-description",
        "author-container",
        "author__",
        "about-author",
        "about-the-author",
    ),
    (
        "related",
        "more-about",
        "more-on",
        "read-more",
        "readmore",
        "next-post",
        "next-story",
        "nextstory",
        "next-article",
        "recommend",
        "most-popular",
        "mostpopular",
        "also-like",
    ),
)
# Whole class tokens of what a browser does not show, or shows to screen readers only.
HIDDEN_CLASSES = frozenset(
    ("hidden", "d-none", "is-hidden", "visually-hidden", "sr-only", "screen-reader-text")
)
_NEVER_A_BOX = frozenset(("html", "body", "main", "article"))


def _is_form(element: Any) -> bool:
    return element.tag == "form"


def _named(fragments: tuple[str, ...]) -> Callable[[Any], bool]:
    def named(element: Any) -> bool:
        for attribute in ("class", "id"):
            value = (element.get(attribute) or "").lower()
            if value and any(fragment in value for fragment in fragments):
                return True
        return False

    return named


def _is_hidden(element: Any) -> bool:
    if element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return True
    return not HIDDEN_CLASSES.isdisjoint((element.get("class") or "").split())


_BOX_TESTS = (_is_form, *(_named(fragments) for fragments in BOX_NAMES), _is_hidden)


def _box_sized(element: Any) -> bool:
    if element.tag in _NEVER_A_BOX:
        return False
    return len(" ".join(element.text_content().split())) < MAX_BOX_CHARS


def boxes(tree: Any, test: Callable[[Any], bool]) -> list[Any]:
    """The elements a test names that are small enough to be boxes beside the article."""
    return [
        element
        for element in tree.iter()
        if isinstance(element.tag, str) and test(element) and _box_sized(element)
    ]


def prune_boxes(tree: Any) -> int:
    """Removes the boxes from the page (their tail text stays); how many went.

    Called after the metadata is read (an author box may name the author) and before the
    main text is looked for, where trafilatura applies its own `prune_xpath`. Done here
    rather than through `prune_xpath`, whose case-insensitive XPath took twenty times longer.
    """
    removed = 0
    for test in _BOX_TESTS:
        for element in boxes(tree, test):
            delete_element(element)
            removed += 1
    return removed


# Paywall, sharing, advertising and cookie notices that open a line, in FR / EN / DE.
FURNITURE = re.compile(
    r"^(?:pour\s+lire\s+la\s+suite|pour\s+accéder\s+en\s+illimité|déjà\s+abonné"
    r"|abonnez-vous|réservé\s+aux\s+abonnés|cet\s+article\s+est\s+réservé"
    r"|partager\s*(?:sur|cet\s+article)|lire\s+la\s+suite|publicité$|je\s+m['’]abonne"
    r"|(?:nous\s+utilisons|ce\s+site\s+utilise)\s+des\s+cookies"
    r"|subscribe\s+(?:now|today|to\s+(?:continue|read))|already\s+a\s+subscriber"
    r"|this\s+(?:article|content)\s+is\s+(?:for|reserved\s+for)\s+subscribers"
    r"|share\s+(?:on|this\s+(?:article|story))|advertisement$"
    r"|(?:we|this\s+(?:site|website))\s+uses?\s+cookies"
    r"|jetzt\s+abonnieren|bereits\s+abonnent|(?:diesen\s+artikel\s+)?teilen\s+(?:auf|per)\b"
    r"|anzeige$|werbung$|(?:wir\s+verwenden|diese\s+(?:web)?seite\s+verwendet)\s+cookies"
    r"|©\s*\w+\s*$)",
    re.IGNORECASE,
)
# “Photo : AFP”, “(Credit: Name / Agency)”, “Foto: dpa”, “Beitragsbild: …”.
PICTURE_CREDIT = re.compile(
    r"^\(?\s*(?:crédits?(?:\s+photos?)?|photos?|fotos?|images?|bild(?:er)?|beitragsbild"
    r"|titelbild|credits?|photograph(?:s|ie)?|pictures?|illustrations?)\s*(?::|©|by\b|von\b)",
    re.IGNORECASE,
)
SIGN_UP_MULTILINGUAL = re.compile(
    r"\b(?:sign\s?up|subscribe|newsletter\s+abonnieren|jetzt\s+anmelden)\b", re.IGNORECASE
)
_CLOCK = re.compile(r"\b\d{1,2}:\d{2}\b")
_SENTENCE_END = re.compile(r"[.!?…»\"”]$")
_COUNTER = re.compile(r"^[^\W\d][\w\s]{0,30}:\s*\d+$")
MAX_CREDIT_WORDS = 20
MAX_SIGN_UP_WORDS = 20
MAX_META_WORDS = 12


def is_post_meta(line: str) -> bool:
    """“24. März 2004, 19:49 | Genesis”, “January 13, 2020 at 08:45 AM | categories: …”.

    A short line with a clock time that is not a sentence: when a post went up and who
    wrote it, never the article's text. Counter fields (“Comments: 0 | Views: 12”) too.
    """
    bare = line.strip(" |")
    fields = [field.strip() for field in line.split("|") if field.strip()]
    if fields and all(_COUNTER.match(field) for field in fields):
        return True
    words = line.replace("|", " ").split()
    return (
        bool(_CLOCK.search(line))
        and len(words) <= MAX_META_WORDS
        and not _SENTENCE_END.search(bare)
    )


def is_furniture(line: str, title: str) -> bool:
    """A line of page furniture (line: whitespace already collapsed)."""
    if FURNITURE.match(line) or RELATED_HEADING.match(line) or is_post_meta(line):
        return True
    if PICTURE_CREDIT.match(line) and len(line.split()) <= MAX_CREDIT_WORDS:
        return True
    if (SIGN_UP.search(line) or SIGN_UP_MULTILINGUAL.search(line)) and len(
        line.split()
    ) < MAX_SIGN_UP_WORDS:
        return True
    # The headline repeated, alone or with the site's name (“Titre | Rubrique | Site”).
    return bool(title) and (line == title or line.startswith(title + " |"))


def _article_bodies(data: Any) -> list[str]:
    """Every `articleBody` string in a JSON-LD value (objects, lists, `@graph`)."""
    if isinstance(data, list):
        return [body for item in data for body in _article_bodies(item)]
    if not isinstance(data, dict):
        return []
    found = [data["articleBody"]] if isinstance(data.get("articleBody"), str) else []
    return found + _article_bodies(data.get("@graph", []))


def schema_article_body(tree: Any) -> list[str]:
    """The page's schema.org articleBody as paragraphs ([] when it has none)."""
    bodies = []
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            bodies.extend(_article_bodies(json.loads(script.text or "")))
        except ValueError:
            continue  # a malformed block: the page's other blocks may still hold one
    if not bodies:
        return []
    body = max(bodies, key=len)
    if "<" in body:  # some sites put the body's HTML there
        body = lxml.html.fromstring(f"<div>{body}</div>").text_content()
    return [" ".join(part.split()) for part in re.split(r"\n\s*", body) if part.strip()]


def prefer_article_body(paragraphs: list[str], tree: Any) -> list[str] | None:
    """The schema.org body instead of what was extracted, when it is much longer."""
    if tree is None:
        return None
    body = schema_article_body(tree)
    length = sum(map(len, body))
    if length >= MIN_ARTICLE_BODY_CHARS and length >= ARTICLE_BODY_RATIO * sum(
        map(len, paragraphs)
    ):
        return body
    return None


def link_texts(tree: Any) -> set[str]:
    """The text of every link on the page, whitespace collapsed."""
    if tree is None:
        return set()
    texts = (" ".join(anchor.text_content().split()) for anchor in tree.iter("a"))
    return {text for text in texts if text}


MIN_LINK_RUN = 2
MAX_LIST_HEADING_WORDS = 6


def without_trailing_links(paragraphs: list[str], links: set[str]) -> list[str]:
    """The body without the list of links that closes it (“more on this”, other stories).

    Two or more last lines that are each a whole link are a list of other pages, not the
    article; a short heading line right above them (“Also on …”) goes with them.
    """
    end = len(paragraphs)
    while end and paragraphs[end - 1] in links:
        end -= 1
    if len(paragraphs) - end < MIN_LINK_RUN:
        return paragraphs
    if end and len(paragraphs[end - 1].split()) <= MAX_LIST_HEADING_WORDS:
        if not _SENTENCE_END.search(paragraphs[end - 1]):
            end -= 1
    return paragraphs[:end]
