"""Our articles found by their headline as another page spelt it (issue #14).

A partner's "A lire : L’Union européenne s’accorde…" names our "L'union européenne
s'accorde…": case, accents, apostrophes and a leading article aside they are one title, and
`normalise_name` gives both the same key. Ingest (an "À lire" line as it comes in) and the
related app (a title-only block linked once its article is published) look titles up here,
so both read a title the same way.

SQL cannot compute the key, so the database first narrows the rows to titles holding one of
the title's longest plain-ASCII words (every backend compares ASCII alike, whatever its
collation or accents; three words, in case one is spelt with an accent on the other side),
and the keys decide.
"""

from __future__ import annotations

import re

from django.db.models import F, Q, QuerySet

from newsroom.models import ArticlePage
from newsroom.text import normalise_name

# No page title is longer than this (Wagtail's title field): a longer one cannot match.
MAX_TITLE_LENGTH = 255
_ASCII_WORD = re.compile(r"[A-Za-z0-9]{3,}")


def title_key(title: str) -> str:
    """What two spellings of one headline share: "L’Union européenne…" → "union europeenne…"."""
    return normalise_name(title)


def title_words(title: str, count: int = 3) -> list[str]:
    """The title's longest plain-ASCII words, longest first: the database's first cut."""
    words = sorted(set(_ASCII_WORD.findall(title)), key=lambda word: (-len(word), word))
    return words[:count]


def articles_titled(title: str, articles: QuerySet[ArticlePage] | None = None) -> list[ArticlePage]:
    """The articles (of `articles`, by default all) headlined `title`, newest first."""
    key = title_key(title)
    if not key or len(title) > MAX_TITLE_LENGTH:
        return []
    articles = ArticlePage.objects.all() if articles is None else articles
    narrowing = Q(title__iexact=title)
    for word in title_words(title):
        narrowing |= Q(title__icontains=word)
    # Titles only first: a common word ("Ukraine") may narrow to thousands of rows.
    matching = [
        pk
        for pk, candidate in articles.filter(narrowing).values_list("pk", "title")
        if title_key(candidate) == key
    ]
    if not matching:
        return []
    return list(
        articles.filter(pk__in=matching).order_by(
            F("first_published_at").desc(nulls_last=True), "-pk"
        )
    )
