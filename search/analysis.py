"""French text analysis for the readers' search: terms to index and query, and snippets.

A term is a word lowercased, stemmed with the French Snowball stemmer, then stripped of its
accents: "Biélorussie" and "biélorusse" are both "bieloruss", "Égypte" and "egypte" both
"egypt". The terms come from `newsroom.text.tokenize`, the one French reading of text (issue
#13). The index holds these terms (see `search.indexing`), so the search backend only has
to match words, whichever backend it is (SQLite FTS5, PostgreSQL, OpenSearch).

Nothing here touches the database.
"""

from __future__ import annotations

import bisect
import html
from collections.abc import Iterable

from django.utils.safestring import SafeString, mark_safe

from newsroom.text import split_words, tokenize, word_terms

# The same escaping as django.utils.html.escape, without its lazy-string wrapper (per word).
escape = html.escape


def french_terms(text: str) -> list[str]:
    """The query terms of a text, in order, repeats kept: "l'Égypte et la Biélorussie" →
    ["egypt", "bieloruss"]."""
    return tokenize(text)


def index_terms(text: str) -> list[str]:
    """The terms to index for a text: `french_terms` plus the unaccented-spelling variants."""
    return tokenize(text, accent_variants=True)


def unique_terms(terms: Iterable[str]) -> list[str]:
    """The terms once each, in their first order."""
    return list(dict.fromkeys(terms))


# --- Snippets ---------------------------------------------------------------------------


def _hit_indexes(words: list[str], wanted: frozenset[str]) -> list[int]:
    """Positions of the words holding a query term.

    Each distinct spelling is read once: a body repeats its words, and the snippets of a
    page of results read some 6,000 words (bench/search.py, #15).
    """
    matching = {word for word in set(words) if not wanted.isdisjoint(word_terms(word.lower()))}
    if not matching:
        return []
    return [index for index, word in enumerate(words) if word in matching]


def _offsets(text: str, words: list[str], count: int) -> list[int]:
    """Where each of the first `count` words starts in `text`.

    Between two words there are only characters no word holds, so each word is the first
    occurrence of its spelling after the end of the one before: a `find` per word, where
    matching every word of the text as an object cost more than the rest of a snippet.
    """
    offsets = []
    position = 0
    for word in words[:count]:
        position = text.find(word, position)
        offsets.append(position)
        position += len(word)
    return offsets


def highlight(text: str, query_terms: Iterable[str], *, words: int = 30) -> SafeString:
    """An escaped extract of `text` of at most `words` words, query words in <mark>.

    The extract is the window holding the most distinct query terms (then the most
    matches); without any match it is the start of the text. "…" marks a cut.
    """
    wanted = frozenset(query_terms)
    spelled = split_words(text)
    if not spelled:
        return mark_safe(escape(text.strip()))  # noqa: S308 (escaped just here)
    hits = _hit_indexes(spelled, wanted)
    start = _best_window(spelled, hits, wanted, words) if hits else 0
    start = min(start, max(0, len(spelled) - words))  # a full window, even near the end
    stop = min(len(spelled), start + words)
    offsets = _offsets(text, spelled, stop)
    begin = offsets[start] if start else 0
    end = offsets[stop - 1] + len(spelled[stop - 1]) if stop < len(spelled) else len(text)
    parts = ["… "] if start else []
    position = begin
    # The text between two marks is escaped in one piece: escaping works character by
    # character, and a word at a time cost a call per word of a page's snippets (#15).
    for index in hits[bisect.bisect_left(hits, start) : bisect.bisect_left(hits, stop)]:
        word = spelled[index]
        parts.append(escape(text[position : offsets[index]]))
        parts.append(f"<mark>{escape(word)}</mark>")
        position = offsets[index] + len(word)
    parts.append(escape(text[position:end]))
    if stop < len(spelled):
        parts.append(" …")
    return mark_safe("".join(parts).strip())  # noqa: S308 (every piece escaped above)


def _best_window(spelled: list[str], hits: list[int], wanted: frozenset[str], words: int) -> int:
    """The first word of the window with the most distinct query terms, then most matches.

    Windows start a little before a match, so the match is read in context.
    """
    lead = min(words // 5, 5)
    terms_at = [wanted.intersection(word_terms(spelled[index].lower())) for index in hits]
    best, best_key = 0, None
    for hit in hits:
        start = max(0, hit - lead)
        first = bisect.bisect_left(hits, start)
        last = bisect.bisect_left(hits, start + words)
        distinct = set().union(*terms_at[first:last])
        key = (len(distinct), last - first, -start)
        if best_key is None or key > best_key:
            best, best_key = start, key
    return best
