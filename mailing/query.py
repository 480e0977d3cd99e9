"""Keyword queries as readers type them: `gaz "prix plafond" OR pétrole -football`.

Nothing a reader types is an error; what cannot be read is ignored:
  - words side by side must all appear (AND);
  - "a phrase" must appear word after word (« guillemets » and “quotes” work too), and so
    must a hyphenated or elided word (`Arabie-Saoudite`);
  - OR (also OU, ou, |) between two terms: either will do. As in web search, OR binds
    tighter than the implicit AND: `gaz "prix plafond" OR pétrole` is
    gaz AND ("prix plafond" OR pétrole);
  - -word or -"a phrase": an article containing it does not match;
  - a query of exclusions only matches nothing (it would mean "everything but…").

Text is compared the way the readers' search compares it (`newsroom.text`): lower case,
accents and ligatures folded (Égypte = egypte, œuvre = oeuvre), elided articles dropped
(l'Égypte = Égypte) and words stemmed (sanctions = sanction, Biélorussie = biélorusse). An
article's words also carry their unaccented-spelling stem, as search indexes them, so
"majorite" typed without accents finds "majorité". Query and article go through the same
reading, so a stemming mistake is the same on both sides and only ever merges two words,
never loses a match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from newsroom.text import terms_by_word
from newsroom.text import tokenize as text_terms

Term = tuple[str, ...]  # one normalised word, or the words of a phrase in order

_QUOTES = str.maketrans({c: '"' for c in "«»“”„‟″"})
_LEXEME = re.compile(r'(?P<sign>[-+]?)"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+)')
_OR = frozenset({"OR", "OU", "ou", "|", "||"})


def tokenize(text: str) -> list[str]:
    """The normalised words of a text, in order: "Les sanctions contre l'Égypte" →
    ["le", "sanction", "contr", "egypt"].

    Search's reading of text (`newsroom.text.tokenize`), every word kept, so a keyword alert
    and a reader's search find the same articles for the same words.
    """
    return text_terms(text, keep_stop_words=True)


# Words probably in most articles, so never the one a query is indexed under (see
# `Query.index_terms`); they stay in the text and in phrases.
_STOPWORDS = frozenset(
    tokenize(
        "a au aux avec ce ces cet cette d dans de des du elle elles en est et etre eu il ils "
        "je la le les leur leurs lui ma mais me meme mes mon ne ni nous on ont ou par pas "
        "plus pour qu que qui sa se ses son sont sur ta te tes ton tu un une vos vous y"
    )
)


@dataclass(frozen=True, eq=False)
class Text:
    """An article's words ready to be searched many times: in order, each word's terms (its
    stem, and the stem of its unaccented spelling where that differs), and where each term
    occurs."""

    words_terms: tuple[tuple[str, ...], ...]
    positions: dict[str, list[int]] = field(repr=False)

    @classmethod
    def of(cls, value: str | Sequence[str] | Text) -> Text:
        """From raw text, or from tokens already normalised by `tokenize`."""
        if isinstance(value, Text):
            return value
        if isinstance(value, str):
            return cls._build(terms_by_word(value, keep_stop_words=True))
        return cls._build([(token,) for token in value])

    @classmethod
    def from_blocks(cls, blocks: Iterable[str]) -> Text:
        """Several pieces of text (title, standfirst, paragraphs); no phrase spans two."""
        words: list[tuple[str, ...]] = []
        for block in blocks:
            if words:
                words.append(())  # a boundary no query word can match
            words.extend(terms_by_word(block, keep_stop_words=True))
        return cls._build(words)

    @classmethod
    def _build(cls, words: list[tuple[str, ...]]) -> Text:
        positions: dict[str, list[int]] = {}
        for position, terms in enumerate(words):
            for term in terms:
                positions.setdefault(term, []).append(position)
        return cls(words_terms=tuple(words), positions=positions)

    @property
    def words(self) -> set[str]:
        """Every distinct term, once: what the article is filed under in the index."""
        return set(self.positions)

    def contains(self, term: Term) -> bool:
        first, rest = term[0], term[1:]
        if not rest:
            return first in self.positions
        words = self.words_terms
        return any(
            start + len(term) <= len(words)
            and all(wanted in words[start + offset] for offset, wanted in enumerate(term))
            for start in self.positions.get(first, ())
        )


def _selectivity(word: str) -> tuple[bool, int]:
    """How rare a word probably is, without statistics: not a stopword, then long."""
    return (word not in _STOPWORDS, len(word))


def _anchor(term: Term) -> str:
    """The word of a term an index looks up: a phrase is found through its rarest word."""
    return max(term, key=_selectivity)


def _quoted(term: Term) -> str:
    return term[0] if len(term) == 1 else '"' + " ".join(term) + '"'


@dataclass(frozen=True)
class Query:
    """A parsed query: every group must match (AND), one term of a group is enough (OR),
    and no excluded term may appear."""

    groups: tuple[tuple[Term, ...], ...] = ()
    excluded: tuple[Term, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.groups)

    def __str__(self) -> str:
        parts = [" OR ".join(_quoted(term) for term in group) for group in self.groups]
        parts += ["-" + _quoted(term) for term in self.excluded]
        return " ".join(parts)

    def index_terms(self) -> list[str]:
        """Words of which a matching article contains at least one, for the inverted index.

        One AND group is enough to find every matching article, so only one is indexed:
        all of its alternatives (any could be the one that matches), each phrase through
        its rarest word. Without corpus statistics "rare" means: not a stopword, then long;
        the chosen group is the one with the fewest alternatives, then the longest weakest
        word. Empty for a query that can match nothing.
        """
        if not self.groups:
            return []

        def cost(group: tuple[Term, ...]) -> tuple[bool, int, int]:
            weakest = min(_selectivity(_anchor(term)) for term in group)
            return (not weakest[0], len(group), -weakest[1])

        best = min(self.groups, key=cost)
        return sorted({_anchor(term) for term in best})

    def matches(self, text: str | Sequence[str] | Text) -> bool:
        """Whether an article's text (raw, tokens from `tokenize`, or a `Text`) matches."""
        if not self.groups:
            return False
        document = Text.of(text)
        return all(any(document.contains(term) for term in group) for group in self.groups) and (
            not any(document.contains(term) for term in self.excluded)
        )


def parse_query(text: str) -> Query:
    """Read a query as a reader typed it; never raises (see the module docstring)."""
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    join_next = after_term = False
    for lexeme in _LEXEME.finditer(text.translate(_QUOTES)):
        word = lexeme["word"]
        if word is not None and word in _OR:
            join_next = after_term
            continue
        if word is not None:
            negative = word.startswith("-")
            raw = word.lstrip("-+")
        else:
            negative = lexeme["sign"] == "-"
            raw = lexeme["phrase"]
        term = tuple(tokenize(raw))
        if not term:
            continue  # punctuation alone: ignored, and an OR before it still applies
        if negative:
            if term not in excluded:
                excluded.append(term)
            join_next = after_term = False
            continue
        if join_next and groups:
            if term not in groups[-1]:
                groups[-1].append(term)
        else:
            groups.append([term])
        join_next, after_term = False, True
    unique_groups = tuple(dict.fromkeys(tuple(group) for group in groups))
    return Query(groups=unique_groups, excluded=tuple(excluded))
