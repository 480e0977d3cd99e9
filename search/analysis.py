"""French text analysis for the readers' search: terms to index and query, and snippets.

A term is a word lowercased, stemmed with the French Snowball stemmer, then stripped of its
accents: "Biélorussie" and "biélorusse" are both "bieloruss", "Égypte" and "egypte" both
"egypt". The index holds these terms (see `search.indexing`), so the search backend only
has to match words, whichever backend it is (SQLite FTS5, PostgreSQL, OpenSearch).

Nothing here touches the database.
"""

from __future__ import annotations

import bisect
import html
import re
import threading
from functools import lru_cache

import snowballstemmer
from django.utils.safestring import SafeString, mark_safe

from newsroom.text import fold_accents

# The same escaping as django.utils.html.escape, without its lazy-string wrapper (per word).
escape = html.escape
# Letters and digits; apostrophes, hyphens and punctuation separate words.
_WORD = re.compile(r"[^\W_]+")
# Elided articles and pronouns: "l'Égypte", "d'Alger", "qu'il", "jusqu'à", "aujourd'hui"
# keeps "aujourd" (not elided: the apostrophe is part of the word).
_ELISION = re.compile(
    r"\b(?:jusqu|lorsqu|puisqu|quoiqu|presqu|qu|[cdjlmnst])['’](?=\w)", re.IGNORECASE
)
# Words too common to help finding an article; kept small so a query for "Les Républicains"
# or "Sans frontières" still says something.
STOP_WORDS = frozenset(
    """
    a à au aux avec c ce ces cet cette d dans de des du elle elles en est et eux il ils j je
    l la le les leur leurs lui m ma mais me mes moi mon n ne nos notre nous on ont ou où par
    pas pour qu que qui s sa se ses son sont sur t ta te tes toi ton tu un une vos votre vous y
    """.split()
)

_local = threading.local()


def _stemmer():
    """One stemmer per thread: PyStemmer's objects must not be shared between threads."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("french")
    return stemmer


@lru_cache(maxsize=200_000)
def word_terms(word: str) -> tuple[str, ...]:
    """The terms of one lowercased word: none for a stop word, else its stem without accents.

    A second term is added when stemming the unaccented spelling gives another stem
    ("majorité" → "major", but "majorite" → "majorit"), so that indexed text also matches a
    reader who types without accents. Queries use the first term only.
    """
    if word in STOP_WORDS or (len(word) == 1 and not word.isdigit()):
        return ()
    stemmer = _stemmer()
    term = fold_accents(stemmer.stemWord(word))
    folded = fold_accents(word)
    if folded == word:
        return (term,)
    variant = stemmer.stemWord(folded)
    return (term,) if variant == term else (term, variant)


def _words(text: str) -> list[str]:
    return _WORD.findall(_ELISION.sub(" ", text).lower())


def french_terms(text: str) -> list[str]:
    """The query terms of a text, in order, repeats kept: "l'Égypte et la Biélorussie" →
    ["egypt", "bieloruss"]."""
    return [terms[0] for word in _words(text) if (terms := word_terms(word))]


def index_terms(text: str) -> list[str]:
    """The terms to index for a text: `french_terms` plus the unaccented-spelling variants."""
    return [term for word in _words(text) for term in word_terms(word)]


def unique_terms(terms) -> list[str]:
    """The terms once each, in their first order."""
    return list(dict.fromkeys(terms))


# --- Snippets ---------------------------------------------------------------------------


def _matches(word: str, wanted: frozenset[str]) -> bool:
    return any(term in wanted for term in word_terms(word.lower()))


def highlight(text: str, query_terms, *, words: int = 30) -> SafeString:
    """An escaped extract of `text` of at most `words` words, query words in <mark>.

    The extract is the window holding the most distinct query terms (then the most
    matches); without any match it is the start of the text. "…" marks a cut.
    """
    wanted = frozenset(query_terms)
    tokens = list(_WORD.finditer(text))
    if not tokens:
        return mark_safe(escape(text.strip()))  # noqa: S308 (escaped just here)
    hits = [index for index, token in enumerate(tokens) if _matches(token.group(), wanted)]
    start = _best_window(tokens, hits, wanted, words) if hits else 0
    start = min(start, max(0, len(tokens) - words))  # a full window, even near the end
    stop = min(len(tokens), start + words)
    hit_set = set(hits)
    begin = tokens[start].start() if start else 0
    end = tokens[stop - 1].end() if stop < len(tokens) else len(text)
    parts = ["… "] if start else []
    position = begin
    for index in range(start, stop):
        token = tokens[index]
        parts.append(escape(text[position : token.start()]))
        if index in hit_set:
            parts.append(f"<mark>{escape(token.group())}</mark>")
        else:
            parts.append(escape(token.group()))
        position = token.end()
    parts.append(escape(text[position:end]))
    if stop < len(tokens):
        parts.append(" …")
    return mark_safe("".join(parts).strip())  # noqa: S308 (every piece escaped above)


def _best_window(tokens, hits: list[int], wanted: frozenset[str], words: int) -> int:
    """The first word of the window with the most distinct query terms, then most matches.

    Windows start a little before a match, so the match is read in context.
    """
    lead = min(words // 5, 5)
    best, best_key = 0, None
    for hit in hits:
        start = max(0, hit - lead)
        inside = hits[bisect.bisect_left(hits, start) : bisect.bisect_left(hits, start + words)]
        distinct = {
            term
            for index in inside
            for term in word_terms(tokens[index].group().lower())
            if term in wanted
        }
        key = (len(distinct), len(inside), -start)
        if best_key is None or key > best_key:
            best, best_key = start, key
    return best
