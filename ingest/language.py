"""Language of an item's text (ISO 639-1), when the source does not declare it."""

from functools import lru_cache

# Imported at module level: `python -X importtime` of django.setup() puts py3langid at about
# 10 ms, numpy being loaded by spaCy (enrichment/nlp.py) in every process anyway; alone it
# costs 300-550 ms, nearly all numpy. Reading the model is what is slow; it waits for a text.
from py3langid.langid import MODEL_FILE, LanguageIdentifier


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    """The identifier, built on first use: reading its model takes about 1.5 s."""
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    # The site publishes French; partners also send English and Arabic copy.
    identifier.set_languages(["fr", "en", "ar", "it", "es", "de"])
    return identifier


def detect_language(text: str, *, min_confidence: float = 0.8) -> str:
    """“fr”, “en”… or "" when the text is too short or too mixed to tell."""
    text = text.strip()
    if len(text) < 20:
        return ""
    language, confidence = _identifier().classify(text[:5000])
    return language if confidence >= min_confidence else ""
