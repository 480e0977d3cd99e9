"""Text helpers every app shares: cleaning, and the one way words are compared.

Cleaning (`clean_text`) is what we store and serve. The rest says when two pieces of text
hold the same words, for every app that compares them, so a word matches the same way
wherever it is looked up (issue #13):

- `fold_accents` — "Égypte" → "Egypte", optionally lower case, ligatures, apostrophes;
- `strip_elisions` — "l'Égypte" → " Égypte" (l', d', qu', jusqu'…);
- `split_words` (`find_words`, with offsets) — the words of a text, punctuation dropped;
- `stem` — a French word's stem (its plural stripped, then Snowball);
- `word_terms`, `terms_by_word` and `tokenize` — the French terms of a word or a text, as
  search indexes and looks them up and keyword alerts match them;
- `normalise_name` — the key of a name: "l’Égypte" and "Egypte" are both "egypte".

Each variant a caller needs is a keyword parameter, not a copy: where two apps compare
text differently, the difference is written here, in one place, with its reason.
"""

import re
import threading
import unicodedata
from functools import lru_cache
from typing import Any, Literal

import snowballstemmer

# --- Folding ------------------------------------------------------------------------------

Case = Literal["keep", "lower", "casefold"]

_ARABIC = re.compile(r"[\u0600-\u06FF]")
# "œuvre" = "oeuvre": French writes both; Unicode decomposes neither.
_LIGATURES = {"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"}
_LIGATURE_TABLE = str.maketrans(_LIGATURES)
# Every apostrophe partners and readers type, written as the one elisions are read with.
_APOSTROPHES = {"’": "'", "ʼ": "'", "`": "'"}
_TABLES = {
    (ligatures, apostrophes): str.maketrans(
        {**(_LIGATURES if ligatures else {}), **(_APOSTROPHES if apostrophes else {})}
    )
    for ligatures in (False, True)
    for apostrophes in (False, True)
}


def has_arabic(text: str) -> bool:
    """Whether `text` holds a letter of the Arabic block."""
    return bool(_ARABIC.search(text))


def _cased(text: str, case: Case) -> str:
    if case == "lower":
        return text.lower()
    if case == "casefold":
        return text.casefold()
    return text


def _without_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _fold_char(char: str, case: Case, table: dict[int, str]) -> str:
    cased = _cased(char, case).translate(table)
    if len(cased) != 1:
        return char
    base = _without_marks(cased)
    return base if len(base) == 1 else cased


def fold_accents(
    text: str,
    *,
    case: Case = "keep",
    ligatures: bool = False,
    apostrophes: bool = False,
    keep_length: bool = False,
    compose: bool = False,
    keep_arabic: bool = False,
) -> str:
    """ "Égypte" → "Egypte": compatibility decomposition, combining marks dropped.

    Steps in this order, each caller's order kept (they do not commute: "ᴬ" lowered first
    stays "ᴬ" and decomposes to "A"):

    - `case`: "lower" (`str.lower`) or "casefold" ("ß" → "ss") before folding; "keep" by
      default;
    - `ligatures`: "œ" → "oe", "æ" → "ae"; `apostrophes`: "’", "ʼ" and "`" → "'" (before
      decomposing, so "ǣ" stays "æ");
    - `keep_length`: character by character, a character whose folded form is not one
      character staying as it is (cased), so offsets of a match in the folded text are
      offsets in `text` (demonyms are found in folded copy, their context read in the
      original); `compose` does not apply;
    - `compose`: NFC afterwards ("Choïgou" → "Choigou" in composed form), for text kept as
      written (the gazetteer's unaccented aliases);
    - `keep_arabic`: text holding Arabic script comes back unchanged: its vowel marks are
      spelling there ("عمّان" is Amman, "عُمان" Oman), not accents.

    Search (query and index terms) and related articles (lemmas, headlines) fold the same
    way, so "Egypte" and "Égypte" are one word to both.
    """
    if keep_arabic and has_arabic(text):
        return text
    table = _TABLES[(ligatures, apostrophes)]
    if keep_length:
        return "".join(_fold_char(char, case, table) for char in text)
    folded = _without_marks(_cased(text, case).translate(table))
    return unicodedata.normalize("NFC", folded) if compose else folded


# --- Elisions and words -------------------------------------------------------------------

# "aujourd'hui" keeps "aujourd": the apostrophe is part of the word (no boundary before d).
_ELIDED = r"jusqu|lorsqu|puisqu|quoiqu|presqu|qu|[cdjlmnst]"
_ELISION = re.compile(r"\b(?:" + _ELIDED + r")['’ʼ](?=\w)", re.IGNORECASE)
_LETTERS = re.compile(r"[^\W_]+")
_WORD_CHARACTERS = re.compile(r"\w+")


def strip_elisions(text: str) -> str:
    """Elided articles and pronouns replaced by a space: "l'Égypte d’Alger qu'il" →
    " Égypte  Alger  il", so "l'Iran" is found by "Iran"."""
    return _ELISION.sub(" ", text)


def split_words(text: str, *, underscores: bool = False) -> list[str]:
    """The words of a text, in order: runs of letters and digits. Apostrophes, hyphens and
    punctuation separate words ("Arabie-Saoudite" is two); `underscores=True` keeps "_"
    inside words, as near-duplicate detection always has (its stored hashes depend on it).
    """
    return (_WORD_CHARACTERS if underscores else _LETTERS).findall(text)


def find_words(text: str) -> list[re.Match[str]]:
    """The words of `split_words`, each with its offsets, for marking them in place."""
    return list(_LETTERS.finditer(text))


# --- Stems --------------------------------------------------------------------------------

# Names ending in s that are not plurals, and whose stripped form is another word
# (Hamas/Hama, Paris/pari).
_NOT_PLURAL = frozenset({"hamas", "paris", "abbas", "damas", "tunis", "texas"})
_local = threading.local()


def _stemmer() -> Any:
    """One stemmer per thread: PyStemmer's objects must not be shared between threads."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("french")
    return stemmer


def _plural_stripped(word: str) -> str:
    if not word.isalpha() or word in _NOT_PLURAL:
        return word
    if word.endswith("eaux") or (len(word) >= 4 and word.endswith(("eux", "oux"))):
        return word[:-1]
    if len(word) >= 5 and word.endswith("aux"):
        return word[:-3] + "al"
    if len(word) >= 5 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def stem(word: str) -> str:
    """The stem of a lowercased French word, as search and keyword alerts both compare it
    ("biélorussie" → "biéloruss", "élections" → "élect", "jeux" → "jeu").

    A plural is stripped first (bureaux → bureau, journaux → journal, jeux → jeu, which
    Snowball alone leaves apart), then Snowball's French stemmer runs. Words of fewer than
    five letters keep their s (pays, mais, lois) and -ix/-oix words their x (prix, voix):
    both are mostly invariable, and stripping them would merge prix with pris or mais with
    mai. A few names are kept whole: stemmed they become another word (Hamas/ham,
    Paris/pari, Damas/dam).
    """
    if word in _NOT_PLURAL:
        return word
    return _stemmer().stemWord(_plural_stripped(word))


# --- Terms --------------------------------------------------------------------------------

# Words too common to help finding an article; kept small so a query for "Les Républicains"
# or "Sans frontières" still says something.
STOP_WORDS = frozenset(
    """
    a à au aux avec c ce ces cet cette d dans de des du elle elles en est et eux il ils j je
    l la le les leur leurs lui m ma mais me mes moi mon n ne nos notre nous on ont ou où par
    pas pour qu que qui s sa se ses son sont sur t ta te tes toi ton tu un une vos votre vous y
    """.split()
)


def is_stop_word(word: str) -> bool:
    """A lowercased word too common to find an article by: a stop word, or a lone letter."""
    return word in STOP_WORDS or (len(word) == 1 and not word.isdigit())


@lru_cache(maxsize=200_000)
def word_terms(word: str, *, keep_stop_words: bool = False) -> tuple[str, ...]:
    """The terms of one lowercased word: its stem without accents, none for a stop word
    (unless `keep_stop_words`).

    A second term is added when stemming the unaccented spelling gives another stem
    ("majorité" → "major", but "majorite" → "majorit"), so that indexed text also matches a
    reader who types without accents. A query uses the first term only. Ligatures are
    spelled out before stemming ("œuvres" and "oeuvres" are one word).
    """
    if not keep_stop_words and is_stop_word(word):
        return ()
    word = word.translate(_LIGATURE_TABLE)
    term = fold_accents(stem(word))
    folded = fold_accents(word)
    if folded == word:
        return (term,)
    variant = stem(folded)
    return (term,) if variant == term else (term, variant)


def terms_by_word(text: str, *, keep_stop_words: bool = False) -> list[tuple[str, ...]]:
    """Each word's `word_terms`, in order: elisions dropped, lower case. A stop word gives
    an empty tuple unless `keep_stop_words`, so positions stay those of the words."""
    words = split_words(strip_elisions(text).lower())
    if keep_stop_words:
        return [word_terms(word, keep_stop_words=True) for word in words]
    # The word alone is the cache's quickest key (a keyword makes a tuple of four per call);
    # search reads a thousand headlines a query this way (#15).
    return list(map(word_terms, words))


def tokenize(
    text: str, *, keep_stop_words: bool = False, accent_variants: bool = False
) -> list[str]:
    """The French terms of a text, in order, repeats kept: "l'Égypte et la Biélorussie" →
    ["egypt", "bieloruss"]. What search indexes and looks up, and keyword alerts match.

    `keep_stop_words=True` keeps every word (where word order matters, as in a phrase);
    `accent_variants=True` adds each word's unaccented-spelling variant after it (the terms
    to index).
    """
    terms: list[str] = []
    for found in terms_by_word(text, keep_stop_words=keep_stop_words):
        terms.extend(found if accent_variants else found[:1])
    return terms


# --- Names --------------------------------------------------------------------------------

# An article is a whole word ("Le Caire", "The Times") or an elided/Arabic prefix ("l’Égypte",
# "al-Qaïda"): "Lebanon", "Laos" and "Theresa May" keep their first letters.
_LEADING_ARTICLE = re.compile(r"^(?:(?:le|la|les|the)\s+|l['’]\s*|al-|el-)", re.IGNORECASE)
_NON_WORD = re.compile(r"[^\w]+")


def normalise_name(name: str) -> str:
    """The key two spellings of one name share: lower case, no accents, no leading article,
    single spaces: "l’Égypte" → "egypte", "  Le Caire " → "caire".

    The gazetteer's aliases are stored under it (`EntityAlias.normalised`), so changing it
    means a data migration (see enrichment's 0002).
    """
    folded = fold_accents(name.strip()).lower()
    return _NON_WORD.sub(" ", _LEADING_ARTICLE.sub("", folded)).strip()


# --- Cleaning -----------------------------------------------------------------------------

# Characters no text of ours may hold: C0 and C1 controls (tab and newline excepted), lone
# surrogates, and the noncharacters (U+FDD0–U+FDEF, U+xFFFE and U+xFFFF in every plane).
# XML 1.0 forbids most of them outright, so one stray byte in a partner's title used to make
# every feed answer 500 (issue #12, item 2); the rest are never text in the first place.
_NOT_TEXT = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(chr(plane + 0xFFFE) + chr(plane + 0xFFFF) for plane in range(0, 0x110000, 0x10000))
    + "]"
)
# A terminal colour or cursor sequence ("\x1b[31m", "\x9b2J"): its tail is garbage once the
# control is gone. Only the forms terminals really send: digits and separators, then one
# final byte. A wider reading swallowed text that follows a stray C1 byte, "\x9b<s" of a
# "<script>" tag the HTML cleaner then no longer saw whole (found by hypothesis, #14); a
# lone 8-bit CSI needs a digit, since it is also cp1252's "›" read as Latin-1.
_TERMINAL_SEQUENCE = re.compile("\x1b\\[[0-9;:?]*[ -/]?[@-~]|\x9b[0-9][0-9;:]*[@-~]")
# Controls that separate words (vertical tab, form feed, the information separators, NEL)
# become a space rather than gluing the words either side together.
_SEPARATORS = str.maketrans(dict.fromkeys("\x0b\x0c\x1c\x1d\x1e\x1f\x85", " "))


def clean_text(text: str) -> str:
    """Text as we store and serve it: no control characters but tab and newline, line
    endings as "\\n", Unicode in NFC.

    Every boundary calls it (extracted partner copy, the admin's forms, readers' query
    strings) and every XML output calls it again on what it serves, so text stored before
    this existed, or by a path that bypassed it, cannot break a feed or a sitemap.
    Idempotent: cleaning clean text changes nothing.
    """
    if text.isascii() and text.isprintable():
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _TERMINAL_SEQUENCE.sub("", text).translate(_SEPARATORS)
    return unicodedata.normalize("NFC", _NOT_TEXT.sub("", text))
