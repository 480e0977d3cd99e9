"""Ranking “À lire sur le même thème”: pure computation, no database.

An article and each candidate are described by `ArticleSignals` (entities, topics and
countries with weights, publication time, section). Text similarity comes in separately, as
BM25 of the article's distinctive lemmas against each candidate (`bm25_similarities`),
normalised by the article's score against itself so it lies in [0, 1].

The score of a candidate is a weighted sum of four similarities, each in [0, 1]:

- entities: cosine of salience × rarity (idf) vectors, so sharing a rare person counts more
  than sharing "France";
- topics: cosine of the IPTC topic weights;
- countries: Jaccard of the countries the articles are about;
- text: BM25 as above;

multiplied by a recency factor that decays with the time between the two articles. Scores
that tie (to 4 decimals) put candidates from another section first, then the newer one.
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

# BM25's usual constants: term-frequency saturation and length normalisation.
BM25_K1 = 1.2
BM25_B = 0.75
# Above this text similarity (or with the same headline) a candidate is the same story told
# again (a wire update, a partner's copy of ours): never listed.
NEAR_DUPLICATE_TEXT = 0.85
# Two articles on the same subject rarely share more than a quarter of an article's BM25
# score with itself: that much counts as fully similar text. Below 5 % it is noise (a
# kicker or a common word in both): it counts for nothing.
TEXT_FULL_SIMILARITY = 0.25
TEXT_NOISE = 0.05
MIN_SCORE = 0.02


@dataclass(frozen=True)
class Weights:
    """How much each signal counts; the defaults were tuned on the Wikinews evaluation."""

    entities: float = 0.45
    topics: float = 0.15
    countries: float = 0.1
    text: float = 0.3
    # At most this share of the score is lost to age; half of it after `half_life_days`.
    recency_share: float = 0.3
    half_life_days: float = 60.0


DEFAULT_WEIGHTS = Weights()
# The baseline of bench/related.py: text similarity alone, no recency.
TEXT_ONLY = Weights(entities=0.0, topics=0.0, countries=0.0, text=1.0, recency_share=0.0)


@dataclass(frozen=True)
class ArticleSignals:
    """What the ranking knows of one article."""

    article_id: int
    section: str = ""
    published_at: datetime | None = None
    title_key: str = ""
    entities: Mapping[int, float] = field(default_factory=dict)
    topics: Mapping[int, float] = field(default_factory=dict)
    countries: frozenset[str] = frozenset()


@dataclass(frozen=True)
class TextMatch:
    similarity: float
    shared_terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reasons:
    """Why a candidate was ranked where it is: what it shares and each similarity."""

    entities: tuple[int, ...] = ()
    topics: tuple[int, ...] = ()
    countries: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    entity_similarity: float = 0.0
    topic_similarity: float = 0.0
    country_similarity: float = 0.0
    text_similarity: float = 0.0
    recency: float = 1.0


@dataclass(frozen=True)
class RankedCandidate:
    article_id: int
    score: float
    reasons: Reasons
    same_section: bool = False
    published_at: datetime | None = None


# --- Text ---------------------------------------------------------------------------------


def idf(documents: int, containing: int) -> float:
    """BM25's idf, floored at a small positive value so very common terms still count a bit."""
    return max(math.log((documents - containing + 0.5) / (containing + 0.5) + 1.0), 0.01)


def bm25_term(count: int, length: int, average_length: float) -> float:
    norm = BM25_K1 * (1 - BM25_B + BM25_B * length / max(average_length, 1.0))
    return count * (BM25_K1 + 1) / (count + norm)


def distinctive_terms(
    counts: Mapping[str, int], document_frequency: Mapping[str, int], documents: int, limit: int
) -> dict[str, float]:
    """The article's `limit` terms with the highest tf × idf, with their tf × idf."""
    scored = {
        term: count * idf(documents, document_frequency.get(term, 1))
        for term, count in counts.items()
    }
    best = sorted(scored.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return dict(best)


def bm25_similarities(
    query: Mapping[str, int],
    own_length: int,
    postings: Mapping[str, Mapping[int, int]],
    lengths: Mapping[int, int],
    average_length: float,
    document_frequency: Mapping[str, int],
    documents: int,
) -> dict[int, TextMatch]:
    """BM25 of the article's terms (`query`: term → count in the article) against every
    candidate in `postings` (term → {article id → count}), divided by the article's own
    score so that 1.0 means "as close as the article is to itself".

    The article's own term frequency weights each query term (saturated the same way), so a
    term it repeats counts more than one it mentions once.
    """
    weights = {
        term: idf(documents, document_frequency.get(term, 1))
        * bm25_term(count, own_length, average_length)
        for term, count in query.items()
    }
    self_score = sum(
        weight * bm25_term(query[term], own_length, average_length)
        for term, weight in weights.items()
    )
    if self_score <= 0:
        return {}
    scores: dict[int, float] = {}
    contributions: dict[int, list[tuple[float, str]]] = {}
    for term, weight in weights.items():
        for article_id, count in postings.get(term, {}).items():
            length = lengths.get(article_id)
            if length is None:
                continue
            part = weight * bm25_term(count, length, average_length)
            scores[article_id] = scores.get(article_id, 0.0) + part
            contributions.setdefault(article_id, []).append((part, term))
    return {
        article_id: TextMatch(
            similarity=min(score / self_score, 1.0),
            shared_terms=tuple(term for _, term in sorted(contributions[article_id])[::-1][:5]),
        )
        for article_id, score in scores.items()
    }


# --- Signals ------------------------------------------------------------------------------


def cosine(left: Mapping, right: Mapping, scale: Mapping | None = None) -> float:
    """Cosine of two sparse vectors; `scale` multiplies each dimension (an idf)."""
    if not left or not right:
        return 0.0
    factor = (lambda key: scale.get(key, 1.0)) if scale is not None else (lambda key: 1.0)
    dot = sum(left[key] * right[key] * factor(key) ** 2 for key in left.keys() & right.keys())
    if dot <= 0:
        return 0.0
    left_norm = math.sqrt(sum((value * factor(key)) ** 2 for key, value in left.items()))
    right_norm = math.sqrt(sum((value * factor(key)) ** 2 for key, value in right.items()))
    return dot / (left_norm * right_norm)


def jaccard(left: frozenset, right: frozenset) -> float:
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


def entity_rarity(entity_frequency: Mapping[int, int], documents: int) -> dict[int, float]:
    """log(1 + N / df): an entity in every article is worth log 2, a rare one much more."""
    return {
        entity_id: math.log(1.0 + documents / max(count, 1))
        for entity_id, count in entity_frequency.items()
    }


def recency(first: datetime | None, second: datetime | None, weights: Weights) -> float:
    if first is None or second is None or weights.recency_share <= 0:
        return 1.0
    days = abs((first - second).total_seconds()) / 86400
    decay = 0.5 ** (days / weights.half_life_days)
    return 1.0 - weights.recency_share + weights.recency_share * decay


def text_part(similarity: float) -> float:
    """The text similarity rescaled between noise (0) and fully similar (1)."""
    scaled = (similarity - TEXT_NOISE) / (TEXT_FULL_SIMILARITY - TEXT_NOISE)
    return min(max(scaled, 0.0), 1.0)


def _by_weight(keys: Iterable, *vectors: Mapping) -> tuple:
    return tuple(
        sorted(keys, key=lambda key: (-sum(vector.get(key, 0) for vector in vectors), key))
    )


def score_candidate(
    article: ArticleSignals,
    candidate: ArticleSignals,
    text: TextMatch | None,
    rarity: Mapping[int, float],
    weights: Weights = DEFAULT_WEIGHTS,
) -> RankedCandidate:
    text = text or TextMatch(0.0)
    entity_similarity = cosine(article.entities, candidate.entities, rarity)
    topic_similarity = cosine(article.topics, candidate.topics)
    country_similarity = jaccard(article.countries, candidate.countries)
    age = recency(article.published_at, candidate.published_at, weights)
    score = (
        weights.entities * entity_similarity
        + weights.topics * topic_similarity
        + weights.countries * country_similarity
        + weights.text * text_part(text.similarity)
    ) * age
    shared_entities = article.entities.keys() & candidate.entities.keys()
    reasons = Reasons(
        entities=_by_weight(shared_entities, article.entities, candidate.entities),
        topics=_by_weight(article.topics.keys() & candidate.topics.keys(), article.topics),
        countries=tuple(sorted(article.countries & candidate.countries)),
        terms=text.shared_terms,
        entity_similarity=round(entity_similarity, 4),
        topic_similarity=round(topic_similarity, 4),
        country_similarity=round(country_similarity, 4),
        text_similarity=round(text.similarity, 4),
        recency=round(age, 4),
    )
    return RankedCandidate(
        article_id=candidate.article_id,
        score=round(score, 6),
        reasons=reasons,
        same_section=bool(candidate.section) and candidate.section == article.section,
        published_at=candidate.published_at,
    )


def is_near_duplicate(
    article: ArticleSignals, candidate: ArticleSignals, text: TextMatch | None
) -> bool:
    if article.title_key and article.title_key == candidate.title_key:
        return True
    return text is not None and text.similarity >= NEAR_DUPLICATE_TEXT


def rank(
    article: ArticleSignals,
    candidates: Iterable[ArticleSignals],
    text_matches: Mapping[int, TextMatch],
    rarity: Mapping[int, float],
    *,
    weights: Weights = DEFAULT_WEIGHTS,
    limit: int = 8,
) -> list[RankedCandidate]:
    """The best `limit` candidates: never the article itself nor a near-duplicate of it."""
    ranked = []
    for candidate in candidates:
        if candidate.article_id == article.article_id:
            continue
        text = text_matches.get(candidate.article_id)
        if is_near_duplicate(article, candidate, text):
            continue
        scored = score_candidate(article, candidate, text, rarity, weights)
        if scored.score >= MIN_SCORE:
            ranked.append(scored)
    ranked.sort(key=_order)
    return ranked[:limit]


def _order(candidate: RankedCandidate) -> tuple[float, bool, float, int]:
    # Equal scores (to 4 decimals): another section first, then the newer article.
    published = candidate.published_at.timestamp() if candidate.published_at else 0.0
    return (-round(candidate.score, 4), candidate.same_section, -published, candidate.article_id)
