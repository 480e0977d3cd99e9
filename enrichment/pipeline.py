"""Enrichment of one ExtractedArticle, or many at once: the steps in the order they need.

language → dateline → entities (model + gazetteer, cleaned, grouped, linked) → quotes with
their speakers → countries (about vs mentioned) → topics. Pure with respect to the database
except for reading the gazetteer; storing suggestions is `enrichment.services`' job.
The spaCy model is loaded once per process; `enrich_many` feeds it through `nlp.pipe`.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import cast

from django_countries import countries
from spacy.tokens import Doc

from enrichment.countries import CountrySignal, demonym_signals, entity_signal, score_countries
from enrichment.entities import EntityRecogniser, entities_found, group_mentions
from enrichment.gazetteer import Gazetteer, default_gazetteer
from enrichment.lemmas import ArticleLemmas, lemmas_of_doc, tagged_kickers
from enrichment.nlp import get_nlp
from enrichment.quotes import SpeakerMention, find_quotes
from enrichment.results import CountryFound, EnrichedArticle, EntityFound, QuoteFound, TopicFound
from enrichment.topics import MediaTopicsUnavailable, TopicClassifier, load_media_topics
from ingest.dateline import split_dateline
from ingest.language import detect_language
from newsroom.article import Dateline, ExtractedArticle

logger = logging.getLogger(__name__)
ENRICHED_LANGUAGES = {"fr", "en"}
TOPIC_LIMIT = 5


class Enricher:
    """Holds what is costly to build (model, alias index, topic profiles) for many articles."""

    def __init__(self, gazetteer: Gazetteer | None = None):
        self.gazetteer = gazetteer if gazetteer is not None else default_gazetteer()
        self._recognisers: dict[str, EntityRecogniser] = {}
        self._topics: TopicClassifier | None = None
        self._topics_loaded = False

    def recogniser(self, language: str) -> EntityRecogniser:
        if language not in self._recognisers:
            self._recognisers[language] = EntityRecogniser(get_nlp(language), self.gazetteer)
        return self._recognisers[language]

    @property
    def topics(self) -> TopicClassifier | None:
        """None where the IPTC vocabulary (../shared/data/iptc) is not installed."""
        if not self._topics_loaded:
            self._topics_loaded = True
            try:
                vocabulary = load_media_topics()
            except MediaTopicsUnavailable as error:
                logger.warning("IPTC Media Topics unavailable, no topic suggestions: %s", error)
                vocabulary = {}
            self._topics = TopicClassifier(vocabulary) if vocabulary else None
        return self._topics

    def enrich(self, article: ExtractedArticle) -> EnrichedArticle:
        return self.enrich_many([article])[0]

    def enrich_many(
        self, articles: list[ExtractedArticle], batch_size: int = 16
    ) -> list[EnrichedArticle]:
        prepared = [_with_language_and_dateline(article) for article in articles]
        results: list[EnrichedArticle | None] = [None] * len(prepared)
        for language in {article.language for article in prepared}:
            indexes = [i for i, article in enumerate(prepared) if article.language == language]
            if language not in ENRICHED_LANGUAGES:
                for index in indexes:
                    results[index] = EnrichedArticle.of(
                        prepared[index],
                        warnings=(
                            *prepared[index].warnings,
                            f"not enriched: language {language!r}",
                        ),
                    )
                continue
            recogniser = self.recogniser(language)
            texts = [prepared[index].analysed_text() for index in indexes]
            docs = recogniser.nlp.pipe(texts, batch_size=batch_size)
            # Related articles' lemmas: from the French model's tags only (issue #15).
            french = language == "fr"
            kickers = tagged_kickers([prepared[i] for i in indexes]) if french else {}
            for index, doc in zip(indexes, docs, strict=True):
                article = prepared[index]
                lemmas = lemmas_of_doc(article, doc, kickers.get(id(article))) if french else None
                results[index] = self._enrich_doc(article, doc, recogniser, lemmas)
        return cast(list[EnrichedArticle], results)  # each article got its result above

    def _enrich_doc(
        self,
        article: ExtractedArticle,
        doc: Doc,
        recogniser: EntityRecogniser,
        lemmas: ArticleLemmas | None,
    ) -> EnrichedArticle:
        text = doc.text
        lead_end = len(article.title) + 2 + len(article.standfirst)
        groups = group_mentions(recogniser.spans(doc), self.gazetteer)
        entities = entities_found(groups, text, lead_end)
        quotes = _quotes(text, entities)
        countries = _countries(article, entities, text, self.gazetteer, lead_end)
        topics = self._topics_of(doc)
        return EnrichedArticle.of(
            article,
            entities=tuple(entities),
            quotes=quotes,
            countries=countries,
            topics=topics,
            lemmas=lemmas,
        )

    def _topics_of(self, doc: Doc) -> tuple[TopicFound, ...]:
        classifier = self.topics
        if classifier is None:
            return ()
        lemmas = [token.lemma_.lower() for token in doc if token.is_alpha and not token.is_stop]
        scores = classifier.classify(doc.text, lemmas=lemmas or None, limit=TOPIC_LIMIT)
        return tuple(
            TopicFound(score.qcode, score.label, round(score.score, 3)) for score in scores
        )


def _with_language_and_dateline(article: ExtractedArticle) -> ExtractedArticle:
    language = article.language or detect_language(article.analysed_text()) or "fr"
    article = article.replace(language=language)
    if article.dateline is None and article.standfirst:
        parsed, rest = split_dateline(article.standfirst)
        if parsed is not None:
            article = article.replace(
                dateline=Dateline(places=parsed.places, date=parsed.date), standfirst=rest
            )
    return article


def _quotes(text: str, entities: list[EntityFound]) -> tuple[QuoteFound, ...]:
    speakers = [
        SpeakerMention(mention.start, mention.end, entity.name)
        for entity in entities
        if entity.kind == "PER"
        for mention in entity.mentions
    ]
    speakers.sort(key=lambda speaker: speaker.start)
    return tuple(
        QuoteFound(text=quote.text, speaker=quote.speaker, cue=quote.cue)
        for quote in find_quotes(text, speakers)
    )


def _countries(
    article: ExtractedArticle,
    entities: list[EntityFound],
    text: str,
    gazetteer: Gazetteer,
    lead_end: int,
) -> tuple[CountryFound, ...]:
    """Dateline places, linked entities (title and standfirst count more) and demonyms."""
    signals: list[CountrySignal] = []
    for place in article.dateline.places if article.dateline else ():
        canonical = gazetteer.lookup(place, "LOC")
        if canonical and canonical.country:
            signals.append(CountrySignal(canonical.country, 1.0, "dateline"))
    for entity in entities:
        if not entity.country:
            continue
        signals.append(
            entity_signal(
                entity.country,
                kind=entity.kind,
                salience=max(entity.salience, 0.1),
                mentions=len(entity.mentions),
            )
        )
        if entity.kind == "LOC" and any(m.start < lead_end for m in entity.mentions):
            signals.append(CountrySignal(entity.country, 1.0, "title"))
    signals.extend(demonym_signals(text))
    return tuple(
        CountryFound(score.code, round(score.score, 3), score.about)
        for score in score_countries(signals)
        if score.code in countries
    )


@lru_cache(maxsize=1)
def shared_enricher() -> Enricher:
    """One per process for commands and tasks; tests build their own."""
    return Enricher()
