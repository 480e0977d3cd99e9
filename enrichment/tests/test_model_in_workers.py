"""The French model in a task worker (issue #15): loaded once, and kept out of the garbage
collector's walks, which a full collection made over its ~480,000 objects inside a task."""

import gc

from enrichment.nlp import get_nlp


def test_the_loaded_model_is_frozen_out_of_the_collectors_generations():
    nlp = get_nlp("fr")

    assert get_nlp("fr") is nlp
    assert gc.get_freeze_count() > 100_000
    collected_generations = {id(item) for item in gc.get_objects()}
    assert id(nlp.vocab) not in collected_generations
    assert id(nlp.get_pipe("ner")) not in collected_generations
