"""The content words of an article as lemmas, counted: the input of text similarity.

spaCy's French lemmatiser needs the part-of-speech tags, not the parser or the entity
recogniser: with those two switched off an article is read about three times faster.
Proper nouns keep their written form (the lemmatiser mangles names); every term is
lowercased and loses its accents, so "Égypte" and "Egypte" are one term. The model is
enrichment's (`enrichment.nlp.get_nlp`): a process holds one copy.
"""

from collections import Counter
from collections.abc import Iterable, Iterator

from spacy.tokens import Doc

from enrichment.nlp import LEMMAS_ONLY, get_nlp
from newsroom.text import fold_accents

# Verbs are left out: "pouvoir", "annoncer", "déclarer" say nothing of what an article is about.
CONTENT_POS = {"NOUN", "PROPN", "ADJ"}
TERM_MAX_CHARS = 80
# The headline says what the article is about: its words count twice.
TITLE_WEIGHT = 2


def fold(text: str) -> str:
    """Lower case, then accents folded: what a term or a headline is compared as."""
    return fold_accents(text, case="lower")


def doc_terms(doc: Doc) -> Counter:
    counts: Counter[str] = Counter()
    for token in doc:
        if token.pos_ not in CONTENT_POS or token.is_stop or not token.is_alpha:
            continue
        term = fold(token.text if token.pos_ == "PROPN" else token.lemma_)
        if 2 < len(term) <= TERM_MAX_CHARS:
            counts[term] += 1
    return counts


def article_terms(title: str, text: str) -> Counter:
    """Lemma counts of one article: the headline's count `TITLE_WEIGHT` times."""
    return next(iter(many_article_terms([(title, text)])))


def many_article_terms(
    articles: Iterable[tuple[str, str]], batch_size: int = 32
) -> Iterator[Counter]:
    """Lemma counts for many (headline, text) pairs, read through `nlp.pipe` in batches.

    The French model is enrichment's own (one copy per process), run without the parser and
    the recogniser.
    """
    nlp = get_nlp("fr")

    def texts() -> Iterator[str]:
        for title, text in articles:
            yield title
            yield text

    skip = [name for name in LEMMAS_ONLY if name in nlp.pipe_names]
    docs = nlp.pipe(texts(), disable=skip, batch_size=batch_size)
    for title_doc in docs:
        counts = doc_terms(next(docs))
        for term, count in doc_terms(title_doc).items():
            counts[term] += TITLE_WEIGHT * count
        yield counts
