"""The content words of an article as lemmas, counted: read once, by enrichment, for related.

Related articles' text similarity (BM25 over these counts) needs the lemmas of an article's
nouns, proper nouns and adjectives, which the French model's tagger gives. Enrichment already
runs that model over the article (title, standfirst and body as one text), so it counts them
from its own parse and keeps them beside its run (`EnrichmentRun.lemmas`), with a digest of
the text they were read from; related reads them back instead of parsing the article again
(issue #15: the same article went through spaCy twice in every import). An article
enrichment has not read, or whose text changed since, is read here (`read_lemmas`) the same
way: one text, the headline's tokens counted apart, the kicker read on its own.

Proper nouns keep their written form (the lemmatiser mangles names); every term is
lowercased and loses its accents, so "Égypte" and "Egypte" are one term. Reading lemmas needs
the tagger and the attribute ruler only: the parser and the recogniser are switched off
(`LEMMAS_ONLY`), which gives the same tags about three times faster.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc, Span

from enrichment.models import EnrichmentRun
from enrichment.nlp import LEMMAS_ONLY, get_nlp
from newsroom.article import ExtractedArticle
from newsroom.text import fold_accents

# Verbs are left out: "pouvoir", "annoncer", "déclarer" say nothing of what an article is about.
CONTENT_POS = {"NOUN", "PROPN", "ADJ"}
TERM_MAX_CHARS = 80


def fold(text: str) -> str:
    """Lower case, then accents folded: what a term or a headline is compared as."""
    return fold_accents(text, case="lower")


@dataclass(frozen=True)
class ArticleLemmas:
    """An article's content lemmas, counted, the headline's apart from the rest's (kicker,
    standfirst and body), and the digest of the text they were read from."""

    headline: Mapping[str, int]
    text: Mapping[str, int]
    digest: str

    def to_json(self) -> dict[str, Any]:
        return {"headline": dict(self.headline), "text": dict(self.text), "digest": self.digest}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ArticleLemmas | None:
        if not data or "digest" not in data:
            return None
        return cls(headline=data["headline"], text=data["text"], digest=data["digest"])


def text_digest(article: ExtractedArticle) -> str:
    """What the lemmas were read from: headline, kicker, standfirst and body, exactly."""
    parts = [article.title, article.kicker, article.standfirst, *article.body]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()[:32]


def count_terms(tokens: Doc | Span) -> Counter:
    counts: Counter[str] = Counter()
    for token in tokens:
        if token.pos_ not in CONTENT_POS or token.is_stop or not token.is_alpha:
            continue
        term = fold(token.text if token.pos_ == "PROPN" else token.lemma_)
        if 2 < len(term) <= TERM_MAX_CHARS:
            counts[term] += 1
    return counts


def lemmas_of_doc(article: ExtractedArticle, doc: Doc, kicker: Doc | None) -> ArticleLemmas:
    """The lemmas of `article` from its tagged `analysed_text()` and its kicker's own doc."""
    headline_end = len(article.title) if article.title else 0
    split = next((token.i for token in doc if token.idx >= headline_end), len(doc))
    text = count_terms(doc[split:])
    if kicker is not None:
        text.update(count_terms(kicker))
    return ArticleLemmas(
        headline=dict(count_terms(doc[:split])), text=dict(text), digest=text_digest(article)
    )


def read_lemmas(
    articles: Iterable[ExtractedArticle], batch_size: int = 32
) -> Iterator[ArticleLemmas]:
    """The lemmas of many articles, read through the French model in batches, without its
    parser and recogniser: what enrichment counts from its own parse, for an article it did
    not read."""
    nlp = get_nlp("fr")
    articles = list(articles)
    skip = [name for name in LEMMAS_ONLY if name in nlp.pipe_names]
    texts = [article.analysed_text() for article in articles]
    docs = nlp.pipe(texts, disable=skip, batch_size=batch_size)
    kickers = tagged_kickers(articles)
    for article, doc in zip(articles, docs, strict=True):
        yield lemmas_of_doc(article, doc, kickers.get(id(article)))


def tagged_kickers(articles: list[ExtractedArticle]) -> dict[int, Doc]:
    """Each article's kicker, tagged on its own (enrichment does not read it), by `id()`."""
    with_kicker = [article for article in articles if article.kicker]
    if not with_kicker:
        return {}
    nlp = get_nlp("fr")
    skip = [name for name in LEMMAS_ONLY if name in nlp.pipe_names]
    docs = nlp.pipe([article.kicker for article in with_kicker], disable=skip)
    return {id(article): doc for article, doc in zip(with_kicker, docs, strict=True)}


def stored_lemmas(article_id: int, article: ExtractedArticle) -> ArticleLemmas | None:
    """What enrichment counted for this article, if it read exactly `article`'s text (no
    model loaded: issue #15)."""
    data = EnrichmentRun.objects.filter(article_id=article_id).values_list("lemmas", flat=True)
    lemmas = ArticleLemmas.from_json(data.first() or {})
    if lemmas is None or lemmas.digest != text_digest(article):
        return None
    return lemmas
