"""The keys cue words and article words are matched on, the same on both sides.

Function words are dropped and plurals and feminines lightly stripped, so “coup d'État”,
“coups d'État” and the lemmas “coup de état” all read as (coup, état).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_WORD = re.compile(r"[^\W_]+")
# Articles, prepositions and pronouns dropped on both sides before matching, so “coup d'État”,
# “coups d'État” and the lemmas “coup de état” all read as (coup, état).
_FUNCTION_WORDS = frozenset(
    "le la les lui un une de du des au aux à en et ou par pour sur dans qu que qui se ce cet "
    "cette ces son sa ses leur leurs il elle ils elles on ne pas est sont être avoir a".split()
)
_FEMININE = (
    ("ienne", "ien"),
    ("ière", "ier"),
    ("elle", "el"),
    ("ive", "if"),
    ("ale", "al"),
    ("ée", "é"),
)


def _split(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _key(word: str) -> str:
    """Light French plural and feminine stripping, applied to cues and text alike.

    Only consistency matters (“pays” becomes “pay” on both sides), not linguistic accuracy;
    it lets “frappes aériennes” and “recettes pétrolières” meet the cues “frappe aérien” and
    “pétrolier” when no lemmatiser is at hand, and the spaCy lemma “législatif” meet
    “législatives”.
    """
    if len(word) > 4 and word.endswith("aux") and not word.endswith("eaux"):
        return word[:-3] + "al"  # internationaux → international
    if len(word) > 3 and word[-1] in "sx" and not word.endswith("ss"):
        word = word[:-1]
    if len(word) > 5:
        for feminine, masculine in _FEMININE:
            if word.endswith(feminine):
                return word[: -len(feminine)] + masculine
    return word


def word_keys(
    lemmas: Sequence[str], surfaces: Sequence[str] | None = None
) -> tuple[list[tuple[str, ...]], list[str]]:
    """Matching keys per content word, and the lemma words (for vectors).

    With surfaces, a position matches a cue by its lemma or by its own form, so a noun the
    tagger took for a verb (“Brent” → “brer”) still meets its cue.
    """
    keys: list[tuple[str, ...]] = []
    words: list[str] = []
    for index, lemma in enumerate(lemmas):
        lemma_words = _split(lemma)
        surface_words = _split(surfaces[index]) if surfaces is not None else lemma_words
        if len(surface_words) != len(lemma_words):
            surface_words = lemma_words
        for word, surface in zip(lemma_words, surface_words, strict=True):
            if len(word) < 2 or word in _FUNCTION_WORDS:
                continue
            lemma_key, surface_key = _key(word), _key(surface)
            keys.append((lemma_key,) if lemma_key == surface_key else (lemma_key, surface_key))
            words.append(word)
    return keys, words


def cue_phrase(text: str) -> tuple[str, ...]:
    """A cue's keys in order; empty for a cue made of function words only."""
    return tuple(k[0] for k in word_keys([text])[0])
