"""Scoring every topic of a vocabulary for one article, comparable from article to article.

Cue words (``enrichment.topic_cues``) found in the article's keys are the main evidence;
with a spaCy pipeline that has word vectors, the article's closeness to each topic reinforces
the families the cues found. Evidence is calibrated to 0..1 (see `TopicClassifier._calibrate`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from spacy.tokens import Doc

from enrichment.topic_cues import CUES
from enrichment.topics.vocabulary import MediaTopic
from enrichment.topics.words import cue_phrase, word_keys

DEFAULT_THRESHOLD = 0.35

# Calibration (see TopicClassifier._calibrate): evidence E becomes 1 - exp(-E / _SCALE),
# times a dominance factor so side topics of a long story rank below its main topic.
_SCALE = 2.5
_DOMINANCE_FLOOR = 0.6
_LENGTH_REFERENCE = 200  # content words; a short news story is not penalised
_PHRASE_BONUS = 0.5  # per extra word in a cue: “coup d'état” says more than “coup”
_VECTOR_GAIN, _VECTOR_CAP, _VECTOR_Z0 = 0.4, 0.8, 1.0
_VECTOR_MIN_WORDS = 5
_SPACY_SKIP = ("parser", "ner")  # the lemmatiser needs only the tagger and attribute ruler


@dataclass(frozen=True)
class TopicScore:
    qcode: str
    label: str
    score: float  # 0..1, comparable across articles


class TopicClassifier:
    """Scores every topic of a vocabulary for one article; build once, reuse for many."""

    def __init__(
        self,
        topics: dict[str, MediaTopic],
        cues: dict[str, tuple[str, ...]] = CUES,
        nlp: Any = None,  # a spaCy Language, or None
    ) -> None:
        self.topics = dict(topics)
        self.nlp = nlp
        self._qcodes = tuple(sorted(self.topics))
        index = {qcode: i for i, qcode in enumerate(self._qcodes)}
        self._family = np.array(
            [index[self._root(q)] for q in self._qcodes], dtype=np.intp
        )  # each topic's top-level ancestor in this vocabulary (itself at the top)
        phrases: dict[tuple[str, ...], int] = {}
        own: list[set[int]] = [set() for _ in self._qcodes]
        for qcode, words in cues.items():
            if qcode in index:  # cues for topics outside this vocabulary are not used
                for cue in words:
                    if phrase := cue_phrase(cue):
                        own[index[qcode]].add(phrases.setdefault(phrase, len(phrases)))
        self._weights = self._weigh(own, list(phrases))
        self._phrases: dict[tuple[str, ...], set[int]] = {p: {i} for p, i in phrases.items()}
        if nlp is not None:
            self._add_lemmatised_variants(phrases)
        starts: dict[str, list[tuple[str, ...]]] = {}
        for phrase in self._phrases:
            starts.setdefault(phrase[0], []).append(phrase)
        self._starts = {w: sorted(p, key=len, reverse=True) for w, p in starts.items()}
        self._profiles = self._topic_vectors(cues) if self._has_vectors() else None

    def _root(self, qcode: str) -> str:
        parent = self.topics[qcode].parent
        return parent if parent in self.topics else qcode

    def _weigh(self, own: list[set[int]], phrases: list[tuple[str, ...]]) -> np.ndarray:
        """Cue × topic weights: specificity, phrase length, and the parent's lift.

        A subject is scored on its own cues and its children's, so it is suggested whenever a
        child is and is never below it. A cue's weight is divided by the number of subjects
        that use it and, for a second-level topic, by the number of its siblings that do:
        “cessez-le-feu” fully means conflict but is split between armed conflict and peace.
        """
        n_topics = len(self._qcodes)
        families: list[set[int]] = [set() for _ in phrases]
        for topic, cue_ids in enumerate(own):
            for cue in cue_ids:
                families[cue].add(int(self._family[topic]))
        weights = np.zeros((len(phrases), n_topics), dtype=np.float64)
        for topic, cue_ids in enumerate(own):
            root = int(self._family[topic])
            for cue in cue_ids:
                base = min(2.0, 1 + _PHRASE_BONUS * (len(phrases[cue]) - 1))
                base /= len(families[cue])
                weights[cue, root] = base  # the subject: once per cue, from any member
                if root != topic:
                    siblings = sum(
                        cue in own[t] for t in range(n_topics) if self._family[t] == root != t
                    )
                    weights[cue, topic] = base / siblings
        return weights

    def _add_lemmatised_variants(self, phrases: dict[tuple[str, ...], int]) -> None:
        """Index multi-word cues under their spaCy lemmas too (“banque central”).

        Single words are left alone: out of context the tagger reads “parti” as the verb
        “partir” and “élève” as “élever”, which would match everywhere.
        """
        multi = [p for p in phrases if len(p) > 1]
        texts = [" ".join(p) for p in multi]
        for phrase, doc in zip(multi, self._pipe(texts), strict=True):
            if any(token.pos_ in ("VERB", "AUX") for token in doc):
                continue
            variant = tuple(k[0] for k in word_keys([t.lemma_ for t in doc])[0])
            if variant and variant != phrase:
                self._phrases.setdefault(variant, set()).add(phrases[phrase])

    def _pipe(self, texts: Iterable[str]) -> Iterator[Doc]:
        skip = [name for name in _SPACY_SKIP if name in self.nlp.pipe_names]
        return self.nlp.pipe(texts, disable=skip, batch_size=64)

    # --- vectors -------------------------------------------------------------------------
    def _has_vectors(self) -> bool:
        return self.nlp is not None and self.nlp.vocab.vectors.shape[0] > 0

    def _mean_vector(self, words: Iterable[str]) -> tuple[np.ndarray | None, int]:
        vectors, strings = self.nlp.vocab.vectors, self.nlp.vocab.strings
        stop = self.nlp.Defaults.stop_words
        rows = [
            row
            for word in words
            if word not in stop and (row := vectors.key2row.get(strings[word], -1)) >= 0
        ]
        if not rows:
            return None, 0
        mean = np.asarray(vectors.data[rows], dtype=np.float64).mean(axis=0)
        norm = np.linalg.norm(mean)
        return (mean / norm if norm else None), len(rows)

    def _topic_vectors(self, cues: dict[str, tuple[str, ...]]) -> np.ndarray:
        profiles = np.zeros((len(self._qcodes), self.nlp.vocab.vectors.shape[1]))
        for i, qcode in enumerate(self._qcodes):
            topic = self.topics[qcode]
            text = " ".join((topic.label, topic.definition, *cues.get(qcode, ())))
            vector, _ = self._mean_vector(word_keys([text])[1])
            if vector is not None:
                profiles[i] = vector
        return profiles

    def _vector_bonus(self, words: list[str]) -> np.ndarray:
        """Extra evidence for topics far closer to the article than the others are.

        Raw cosines between a mean vector and any topic sit in a narrow band, so only the
        article's own z-scores over the topics are used; capped below the threshold's worth.
        """
        bonus = np.zeros(len(self._qcodes))
        vector, count = self._mean_vector(words)
        if vector is None or count < _VECTOR_MIN_WORDS:
            return bonus
        sims = self._profiles @ vector
        if (spread := sims.std()) > 1e-9:
            bonus = np.clip(_VECTOR_GAIN * ((sims - sims.mean()) / spread - _VECTOR_Z0), 0, None)
            bonus = np.minimum(bonus, _VECTOR_CAP)
            np.maximum.at(bonus, self._family, bonus.copy())  # a child's closeness lifts its parent
        return bonus

    # --- scoring -------------------------------------------------------------------------
    def lemmatise(self, texts: Iterable[str]) -> list[tuple[list[str], list[str]]]:
        """(lemmas, surface forms) per text, with the parser and NER switched off.

        A verb's form is left out (""): the participle “parti” must not meet the cue “parti”.
        """
        return [
            ([t.lemma_ for t in doc], ["" if t.pos_ in ("VERB", "AUX") else t.text for t in doc])
            for doc in self._pipe(texts)
        ]

    def scores(
        self,
        text: str,
        *,
        lemmas: Sequence[str] | None = None,
        surfaces: Sequence[str] | None = None,
    ) -> dict[str, float]:
        """Calibrated 0..1 score of every topic (most are 0)."""
        if isinstance(lemmas, str):  # a lemma string, not a list of one-letter lemmas
            lemmas = [lemmas]
        if lemmas is None and self.nlp is not None and text.strip():
            lemmas, surfaces = self.lemmatise([text])[0]
        keys, words = word_keys(lemmas if lemmas is not None else [text], surfaces)
        evidence = self._weights.T @ self._term_weights(keys)
        evidence /= 1 + 0.5 * math.log(max(len(keys), _LENGTH_REFERENCE) / _LENGTH_REFERENCE)
        if self._profiles is not None and evidence.any():
            # Vectors re-rank and reinforce the families the cues found, never add one.
            evidence += self._vector_bonus(words) * (evidence[self._family] > 0)
        return dict(zip(self._qcodes, self._calibrate(evidence).tolist(), strict=True))

    def _term_weights(self, keys: list[tuple[str, ...]]) -> np.ndarray:
        """1 + ln(tf) per cue, the longest cue winning where cues overlap (“cessez-le-feu”
        is not also “feu”)."""
        counts = np.zeros(self._weights.shape[0])
        i = 0
        while i < len(keys):
            phrase = self._longest_match(keys, i)
            if phrase is None:
                i += 1
                continue
            for cue in self._phrases[phrase]:
                counts[cue] += 1
            i += len(phrase)
        present = counts > 0
        counts[present] = 1 + np.log(counts[present])
        return counts

    def _longest_match(self, keys: list[tuple[str, ...]], i: int) -> tuple[str, ...] | None:
        best: tuple[str, ...] | None = None
        for first in keys[i]:
            for phrase in self._starts.get(first, ()):  # longest first
                if best is not None and len(phrase) <= len(best):
                    break
                if i + len(phrase) <= len(keys) and all(
                    word in keys[i + j] for j, word in enumerate(phrase[1:], 1)
                ):
                    best = phrase
                    break
        return best

    def _calibrate(self, evidence: np.ndarray) -> np.ndarray:
        """Evidence to 0..1: saturating, then discounted by distance from the main topic.

        In a story of up to 200 content words, 1 - exp(-E/2.5) puts one specific cue seen
        once (E = 1) at 0.33, just under the default threshold 0.35, the same cue twice at
        0.49 and two distinct ones at 0.55; longer stories need proportionally more. The
        dominance factor (0.6 at nothing, 1.0 for the strongest topic) keeps a sport story's
        passing mention of a minister below the line. Both factors grow with E, so a parent
        (whose evidence includes its children's) never scores below its child.
        """
        peak = evidence.max(initial=0.0)
        if peak <= 0:
            return np.zeros_like(evidence)
        saturation = 1 - np.exp(-evidence / _SCALE)
        dominance = _DOMINANCE_FLOOR + (1 - _DOMINANCE_FLOOR) * evidence / peak
        return np.round(saturation * dominance, 4)

    def classify(
        self,
        text: str,
        *,
        lemmas: Sequence[str] | None = None,
        limit: int = 5,
        threshold: float = DEFAULT_THRESHOLD,
    ) -> list[TopicScore]:
        """The topics worth showing the editor, best first, at most ``limit``."""
        return self._rank(self.scores(text, lemmas=lemmas), limit, threshold)

    def classify_many(
        self, texts: Sequence[str], *, limit: int = 5, threshold: float = DEFAULT_THRESHOLD
    ) -> list[list[TopicScore]]:
        """Like ``classify`` for a batch: spaCy streams the texts, which is much faster."""
        if self.nlp is None:
            return [self.classify(text, limit=limit, threshold=threshold) for text in texts]
        return [
            self._rank(self.scores(text, lemmas=lem, surfaces=sur), limit, threshold)
            for text, (lem, sur) in zip(texts, self.lemmatise(texts), strict=True)
        ]

    def _rank(self, scores: dict[str, float], limit: int, threshold: float) -> list[TopicScore]:
        kept = [(q, s) for q, s in scores.items() if s > threshold and s > 0]
        kept.sort(key=lambda item: (-item[1], self.topics[item[0]].level, item[0]))
        return [TopicScore(q, self.topics[q].label, s) for q, s in kept[: max(limit, 0)]]
