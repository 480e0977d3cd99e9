"""IPTC Media Topics suggested for an article, scored, with their French labels.

An editor sees a short list (“Conflit, guerre et paix 0.91, Conflit armé 0.78”) and accepts
or rejects each one, so the scores must be comparable from one article to the next and the
list must be empty when nothing fits. Two sources of evidence:
1. our own French cue words (``enrichment.topic_cues``) found in the article's lemmas —
   the main signal, cheap and explainable;
2. optionally, with a spaCy pipeline that has word vectors, the closeness of the article's
   mean vector to each topic's (label + definition + cues): it reinforces the families the
   cues found and helps the right child stand out, but never brings in a family by itself.

The vocabulary (labels, definitions, tree) is the IPTC's, CC BY 4.0, credit “IPTC Media
Topics”. It is read at run time from ../shared/data and never copied into this repository;
``load_media_topics`` raises ``MediaTopicsUnavailable`` where that folder is absent.

By concept: `vocabulary` (the IPTC file read), `words` (the keys cues and text are matched
on), `classifier` (evidence, vectors and calibration).
"""

from enrichment.topics.classifier import DEFAULT_THRESHOLD, TopicClassifier, TopicScore
from enrichment.topics.vocabulary import (
    ATTRIBUTION,
    SUBJECTS_WITH_CHILDREN,
    MediaTopic,
    MediaTopicsUnavailable,
    default_vocabulary_path,
    load_media_topics,
)

__all__ = [
    "ATTRIBUTION",
    "DEFAULT_THRESHOLD",
    "SUBJECTS_WITH_CHILDREN",
    "MediaTopic",
    "MediaTopicsUnavailable",
    "TopicClassifier",
    "TopicScore",
    "default_vocabulary_path",
    "load_media_topics",
]
