"""Fixtures for related's tests."""

import pytest
import spacy

from enrichment import nlp as enrichment_nlp


@pytest.fixture
def model_loads(monkeypatch):
    """The process as a fresh worker, with no French model loaded yet: the names of the
    models `spacy.load` loads from then on, in order."""
    monkeypatch.setattr(enrichment_nlp, "_models", {})
    loaded = []
    real_load = spacy.load

    def load(name, *args, **kwargs):
        loaded.append(name)
        return real_load(name, *args, **kwargs)

    monkeypatch.setattr(spacy, "load", load)
    return loaded
